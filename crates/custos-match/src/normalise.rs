//! Name normalisation before comparison: case, diacritics, punctuation and spacing folded;
//! titles (Mr, Dr, Sir...) and generational suffixes (Jr, Snr, III) removed; hyphenated and
//! double-barrelled surnames kept whole *and* split into parts, so "Smith-Jones" can meet a
//! record that holds only "Jones" (a common result of marriage).
//!
//! Standardising values before comparing them is the first step of every record-linkage
//! pipeline (Fellegi & Sunter 1969 assume comparable fields; Winkler, "Matching and Record
//! Linkage", 1995, §3 on standardisation; Splink's documentation, "Data preparation / feature
//! engineering"). Folding reuses [`custos_core::search_key::name_key`], so the matcher and the
//! exact-key search agree on what "the same spelling" means; on top of it we map the digits that
//! OCR and keying confuse with letters (0/O, 1/l, 5/S, 8/B) back to letters, because a digit is
//! never part of a real name.

use custos_core::search_key::name_key;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Titles dropped from the front of forenames (lower case, after folding).
pub const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "doctor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "revd",
    "reverend",
    "prof",
    "professor",
    "master",
    "fr",
    "capt",
    "captain",
    "cllr",
    "hon",
    "rt",
];

/// Generational and honorific suffixes dropped from the end of a name.
pub const SUFFIXES: &[&str] = &[
    "jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv", "esq", "phd", "obe", "mbe",
    "cbe", "kc", "qc",
];

/// Surname particles: kept in the whole surname but not offered as a surname *part*, because
/// "van" or "al" matching on its own says nothing about identity.
const PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "la", "le", "du", "von", "da", "di", "del", "della", "dos", "das",
    "al", "el", "bin", "bint", "ibn", "ben", "st",
];

/// A name after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NormalisedName {
    /// Folded forename tokens, titles and suffixes removed, in order.
    pub forenames: Vec<String>,
    /// The whole folded surname, parts joined without separators ("smithjones").
    pub surname: String,
    /// The parts of a multi-part surname (["smith", "jones"]); empty for a one-part surname.
    pub surname_parts: Vec<String>,
    /// A generational suffix found and removed ("jr", "snr", "iii"), kept for display and review.
    pub generation: Option<String>,
}

/// Folds one token: OCR digits to letters, then case, diacritics and punctuation. Diacritics are
/// removed by canonical decomposition first, so letters the search key does not list ("Trần",
/// with two marks) fold too.
pub fn fold_token(raw: &str) -> String {
    let mut mapped = String::with_capacity(raw.len());
    for c in raw.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            '0' => mapped.push('o'),
            '1' => mapped.push('l'),
            '5' => mapped.push('s'),
            '8' => mapped.push('b'),
            'ß' => mapped.push_str("ss"),
            'æ' | 'Æ' => mapped.push_str("ae"),
            'œ' | 'Œ' => mapped.push_str("oe"),
            _ => mapped.push(c),
        }
    }
    name_key(&mapped)
}

/// Splits raw text into folded tokens on spaces, hyphens, dots, commas and slashes;
/// apostrophes join ("O'Brien" is one token, "obrien").
pub fn tokens(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '.' | ',' | '/' | '_'))
        .map(fold_token)
        .filter(|t| !t.is_empty())
        .collect()
}

/// Normalises a name given as forenames (space separated) and surname.
pub fn normalise_name(forenames: &str, surname: &str) -> NormalisedName {
    let mut generation = None;
    let mut fore = tokens(forenames);
    while fore.len() > 1 && fore.first().is_some_and(|t| TITLES.contains(&t.as_str())) {
        fore.remove(0);
    }
    // A lone title with no name after it is not a forename either.
    if fore.len() == 1 && TITLES.contains(&fore[0].as_str()) {
        fore.clear();
    }
    strip_suffixes(&mut fore, &mut generation, 0);
    let mut sur = tokens(surname);
    strip_suffixes(&mut sur, &mut generation, 1);
    let whole: String = sur.concat();
    let surname_parts = if sur.len() > 1 {
        sur.into_iter()
            .filter(|p| !PARTICLES.contains(&p.as_str()))
            .collect()
    } else {
        Vec::new()
    };
    NormalisedName {
        forenames: fore,
        surname: whole,
        surname_parts,
        generation,
    }
}

/// Removes suffix tokens from the end, keeping at least `keep` tokens.
fn strip_suffixes(parts: &mut Vec<String>, generation: &mut Option<String>, keep: usize) {
    while parts.len() > keep {
        match parts.last() {
            Some(last) if SUFFIXES.contains(&last.as_str()) => {
                if generation.is_none() {
                    *generation = Some(last.clone());
                }
                parts.pop();
            }
            _ => break,
        }
    }
}

/// Splits a legacy single-field name: "SMITH, John Paul" (surname first, comma) or
/// "John Paul Smith" (surname last). Returns (forenames, surname) as raw text.
pub fn split_full_name(raw: &str) -> (String, String) {
    if let Some((surname, forenames)) = raw.split_once(',') {
        return (forenames.trim().to_owned(), surname.trim().to_owned());
    }
    let words: Vec<&str> = raw.split_whitespace().collect();
    // Drop trailing suffixes so "John Smith Jr" keeps "Smith" as the surname.
    let mut end = words.len();
    while end > 1 && SUFFIXES.contains(&fold_token(words[end - 1]).as_str()) {
        end -= 1;
    }
    match words[..end].split_last() {
        Some((surname, fore)) => {
            let mut forenames = fore.join(" ");
            for suffix in &words[end..] {
                forenames.push(' ');
                forenames.push_str(suffix);
            }
            (forenames.trim().to_owned(), (*surname).to_owned())
        }
        None => (String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_case_accents_punctuation_and_ocr_digits() {
        let table: &[(&str, &[&str])] = &[
            ("John", &["john"]),
            ("  JOHN   paul ", &["john", "paul"]),
            ("O'Brien", &["obrien"]),
            ("Smith-Jones", &["smith", "jones"]),
            ("José María", &["jose", "maria"]),
            ("J0HN", &["john"]),
            ("Wi11iam", &["william"]),
            ("5MITH", &["smith"]),
            ("Strauß", &["strauss"]),
            ("Trần Nguyễn", &["tran", "nguyen"]),
            ("Ștefan", &["stefan"]),
            ("J.", &["j"]),
            ("", &[]),
            ("--", &[]),
        ];
        for (raw, want) in table {
            assert_eq!(&tokens(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn titles_and_suffixes_are_removed() {
        type Row<'a> = (&'a str, &'a str, &'a [&'a str], &'a str, Option<&'a str>);
        let table: &[Row] = &[
            ("Mr John", "Smith", &["john"], "smith", None),
            ("Dr. Jane Ann", "Doe", &["jane", "ann"], "doe", None),
            ("Sir", "Jones", &[], "jones", None),
            ("John", "Smith Jr", &["john"], "smith", Some("jr")),
            ("John Snr", "Smith", &["john"], "smith", Some("snr")),
            ("Henry", "Ford III", &["henry"], "ford", Some("iii")),
            // A surname is never removed entirely, even if it looks like a suffix.
            ("Amy", "Senior", &["amy"], "senior", None),
        ];
        for (f, s, fore, sur, generation) in table {
            let n = normalise_name(f, s);
            assert_eq!(&n.forenames, fore, "{f} {s}");
            assert_eq!(&n.surname, sur, "{f} {s}");
            assert_eq!(n.generation.as_deref(), *generation, "{f} {s}");
        }
    }

    #[test]
    fn double_barrelled_surnames_are_kept_whole_and_split() {
        let n = normalise_name("Anna", "Smith-Jones");
        assert_eq!(n.surname, "smithjones");
        assert_eq!(n.surname_parts, ["smith", "jones"]);
        let n = normalise_name("Piet", "van der Berg");
        assert_eq!(n.surname, "vanderberg");
        assert_eq!(n.surname_parts, ["berg"], "particles are not parts");
        assert!(normalise_name("Ann", "Lee").surname_parts.is_empty());
    }

    #[test]
    fn full_names_split_either_way_round() {
        let table = [
            ("SMITH, John Paul", ("John Paul", "SMITH")),
            ("John Paul Smith", ("John Paul", "Smith")),
            ("John Smith Jr", ("John Jr", "Smith")),
            ("Madonna", ("", "Madonna")),
            ("", ("", "")),
        ];
        for (raw, (f, s)) in table {
            assert_eq!(split_full_name(raw), (f.to_owned(), s.to_owned()), "{raw}");
        }
    }
}
