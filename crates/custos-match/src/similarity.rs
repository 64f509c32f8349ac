//! Jaro–Winkler similarity (Jaro 1989; Winkler 1990, "String Comparator Metrics and Enhanced
//! Decision Rules in the Fellegi-Sunter Model of Record Linkage"), the standard string comparator
//! for names in record linkage and the one Splink's name comparisons use (thresholds 0.92 and 0.80
//! here).
//!
//! Written here rather than taken from `strsim` so the comparison hot path does not allocate: the
//! match flags live on the stack for names up to [`MAX_CHARS`] characters (longer inputs are
//! compared on their first `MAX_CHARS` characters, which no real forename or surname reaches after
//! normalisation). A property test checks it against `strsim::jaro_winkler`.

/// Longest prefix compared, in characters.
pub const MAX_CHARS: usize = 64;

/// Jaro similarity of two character slices, in [0, 1]; two empty inputs are 1.
pub fn jaro(a: &[char], b: &[char]) -> f64 {
    let a = &a[..a.len().min(MAX_CHARS)];
    let b = &b[..b.len().min(MAX_CHARS)];
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_flag = [false; MAX_CHARS];
    let mut b_flag = [false; MAX_CHARS];
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_flag[j] && b[j] == *ca {
                a_flag[i] = true;
                b_flag[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (i, ca) in a.iter().enumerate() {
        if a_flag[i] {
            while !b_flag[k] {
                k += 1;
            }
            if *ca != b[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    let t = (transpositions / 2) as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0
}

/// Jaro–Winkler similarity: Jaro boosted by 0.1 per shared leading character (at most 4), only
/// when Jaro is above Winkler's boost threshold of 0.7 (as `strsim` does).
pub fn jaro_winkler(a: &[char], b: &[char]) -> f64 {
    let j = jaro(a, b);
    if j <= 0.7 {
        return j;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    j + 0.1 * prefix * (1.0 - j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn jw(a: &str, b: &str) -> f64 {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        jaro_winkler(&a, &b)
    }

    #[test]
    fn known_values() {
        // Classic examples from Winkler's papers and the strsim documentation.
        let table = [
            ("martha", "marhta", 0.961),
            ("dwayne", "duane", 0.840),
            ("dixon", "dicksonx", 0.813),
            ("smith", "smith", 1.0),
            ("smith", "", 0.0),
            ("", "", 1.0),
            ("abc", "xyz", 0.0),
        ];
        for (a, b, want) in table {
            assert!((jw(a, b) - want).abs() < 0.001, "{a} {b}: {}", jw(a, b));
        }
    }

    proptest! {
        #[test]
        fn agrees_with_strsim(a in "[a-e]{0,12}", b in "[a-e]{0,12}") {
            let ours = jw(&a, &b);
            let theirs = strsim::jaro_winkler(&a, &b);
            prop_assert!((ours - theirs).abs() < 1e-9, "{} {} {} {}", a, b, ours, theirs);
        }

        #[test]
        fn symmetric_and_bounded(a in "\\PC{0,20}", b in "\\PC{0,20}") {
            let x = jw(&a, &b);
            prop_assert!((x - jw(&b, &a)).abs() < 1e-12);
            prop_assert!((0.0..=1.0).contains(&x));
        }
    }
}
