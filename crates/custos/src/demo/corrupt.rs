//! The ways a second record of the same person comes out different from the first: keyboard
//! typos, OCR confusions, nicknames, transliterations and spelling variants, dropped diacritics
//! and punctuation, half of a double-barrelled surname, and date-of-birth slips. Every function
//! returns `None` when it cannot change the value (so callers never label a no-op).

use jiff::civil::Date;

use super::sample::{Stream, chance, date_of, days_of, index, pick, ymd};
use super::variants::{NICKNAMES, SPELLINGS, TRANSLITERATIONS};

/// One-character keyboard slips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Typo {
    Insert,
    Delete,
    Substitute,
    Transpose,
}

/// Keys next to each letter on a UK QWERTY keyboard.
fn neighbours(c: char) -> &'static str {
    match c.to_ascii_lowercase() {
        'q' => "wa",
        'w' => "qeas",
        'e' => "wrds",
        'r' => "etdf",
        't' => "ryfg",
        'y' => "tugh",
        'u' => "yihj",
        'i' => "uojk",
        'o' => "ipkl",
        'p' => "ol",
        'a' => "qwsz",
        's' => "awedxz",
        'd' => "serfcx",
        'f' => "drtgvc",
        'g' => "ftyhbv",
        'h' => "gyujnb",
        'j' => "huikmn",
        'k' => "jiolm",
        'l' => "kop",
        'z' => "asx",
        'x' => "zsdc",
        'c' => "xdfv",
        'v' => "cfgb",
        'b' => "vghn",
        'n' => "bhjm",
        'm' => "njk",
        _ => "",
    }
}

/// A neighbouring key of `c` in the same case, if `c` is a plain ASCII letter.
fn slip(rng: &mut Stream, c: char) -> Option<char> {
    let keys: Vec<char> = neighbours(c).chars().collect();
    if keys.is_empty() {
        return None;
    }
    let k = pick(rng, &keys);
    Some(if c.is_uppercase() { k.to_ascii_uppercase() } else { k })
}

/// Applies one typo of the given kind. The first letter is kept 85% of the time, as people rarely
/// mistype it.
pub(super) fn typo(rng: &mut Stream, name: &str, kind: Typo) -> Option<String> {
    let mut chars: Vec<char> = name.chars().collect();
    let n = chars.len();
    if n < 2 {
        return None;
    }
    let start = if chance(rng, 0.85) { 1 } else { 0 };
    let letters: Vec<usize> = (start..n).filter(|&i| chars[i].is_ascii_alphabetic()).collect();
    if letters.is_empty() {
        return None;
    }
    let i = pick(rng, &letters);
    // A name typed in capitals is mistyped in capitals.
    let shouting = name.chars().all(|c| !c.is_lowercase());
    let case = |c: char| if shouting { c.to_ascii_uppercase() } else { c };
    match kind {
        Typo::Substitute => chars[i] = slip(rng, chars[i])?,
        Typo::Insert => {
            let extra = if chance(rng, 0.4) { chars[i].to_ascii_lowercase() } else { slip(rng, chars[i])?.to_ascii_lowercase() };
            chars.insert(i + 1, case(extra));
        }
        Typo::Delete => {
            if n < 3 {
                return None;
            }
            chars.remove(i);
        }
        Typo::Transpose => {
            let j = if i + 1 < n { i } else { i.checked_sub(1)? };
            if chars[j] == chars[j + 1] || !chars[j + 1].is_alphabetic() {
                return None;
            }
            chars.swap(j, j + 1);
            if j == 0 && !shouting {
                chars[0] = chars[0].to_uppercase().next().unwrap_or(chars[0]);
                chars[1] = chars[1].to_lowercase().next().unwrap_or(chars[1]);
            }
        }
    }
    let out: String = chars.into_iter().collect();
    (out != name).then_some(out)
}

/// Character confusions made by optical character recognition of typed or handwritten forms.
/// Only confusions that give letters are used (rn/m, cl/d, vv/w, li/h, l/I, O/D, e/c...): digit
/// confusions such as 0/O, 1/l and 5/S would make names the store refuses (names hold letters,
/// apostrophes, hyphens and spaces only).
const OCR: &[(&str, &str)] = &[
    ("rn", "m"),
    ("m", "rn"),
    ("cl", "d"),
    ("d", "cl"),
    ("vv", "w"),
    ("w", "vv"),
    ("nn", "m"),
    ("li", "h"),
    ("h", "li"),
    ("l", "I"),
    ("I", "l"),
    ("i", "l"),
    ("O", "D"),
    ("D", "O"),
    ("O", "Q"),
    ("e", "c"),
    ("c", "e"),
    ("S", "B"),
];

/// Whether `ocr` can change `name`.
pub(super) fn ocr_applies(name: &str) -> bool {
    OCR.iter().any(|(from, _)| name.contains(from))
}

/// Applies one OCR confusion at a random place where one applies.
pub(super) fn ocr(rng: &mut Stream, name: &str) -> Option<String> {
    let spots: Vec<(usize, &str, &str)> =
        OCR.iter().flat_map(|&(from, to)| name.match_indices(from).map(move |(at, _)| (at, from, to))).collect();
    if spots.is_empty() {
        return None;
    }
    let (at, from, to) = spots[index(rng, spots.len())];
    Some(format!("{}{}{}", &name[..at], to, &name[at + from.len()..]))
}

/// A nickname for a formal forename, or the formal name behind a nickname.
pub(super) fn nickname(rng: &mut Stream, forename: &str) -> Option<String> {
    let mut options: Vec<&str> = Vec::new();
    for (formal, nicks) in NICKNAMES {
        if *formal == forename {
            options.extend_from_slice(nicks);
        } else if nicks.contains(&forename) {
            options.push(formal);
        }
    }
    options.retain(|o| *o != forename);
    (!options.is_empty()).then(|| pick(rng, &options).to_owned())
}

/// Whether `nickname` knows `forename`.
pub(super) fn has_nickname(forename: &str) -> bool {
    NICKNAMES.iter().any(|(formal, nicks)| *formal == forename || nicks.contains(&forename))
}

/// Whether `transliterate` knows `name`.
pub(super) fn has_transliteration(name: &str) -> bool {
    TRANSLITERATIONS.iter().any(|g| g.contains(&name))
}

/// Whether `respell` knows `name`.
pub(super) fn has_spelling(name: &str) -> bool {
    SPELLINGS.iter().any(|g| g.contains(&name))
}

/// Whether `punctuation` can change `name`.
pub(super) fn punctuation_applies(name: &str) -> bool {
    name.contains(['\'', '-', ' ']) || name.strip_prefix("Mc").is_some_and(|r| r.starts_with(char::is_uppercase))
}

/// Another member of `name`'s group in `groups`.
fn other_in_group(rng: &mut Stream, groups: &[&[&str]], name: &str) -> Option<String> {
    let options: Vec<&str> =
        groups.iter().filter(|g| g.contains(&name)).flat_map(|g| g.iter().copied()).filter(|o| *o != name).collect();
    (!options.is_empty()).then(|| pick(rng, &options).to_owned())
}

/// A different transliteration of the same name (Mohammed → Muhammad).
pub(super) fn transliterate(rng: &mut Stream, name: &str) -> Option<String> {
    other_in_group(rng, TRANSLITERATIONS, name)
}

/// A different English spelling of the same name (Stephen → Steven).
pub(super) fn respell(rng: &mut Stream, name: &str) -> Option<String> {
    other_in_group(rng, SPELLINGS, name)
}

/// The plain-ASCII letters for a letter with a diacritic (ß becomes "ss").
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ą' | 'ă' | 'ạ' | 'ầ' | 'ậ' => "a",
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' | 'Ą' | 'Ă' => "A",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'é' | 'è' | 'ê' | 'ë' | 'ě' | 'ę' | 'ē' | 'ė' | 'ễ' | 'ệ' => "e",
        'É' | 'È' | 'Ê' | 'Ë' | 'Ě' | 'Ę' | 'Ē' | 'Ė' => "E",
        'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ī' | 'į' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' | 'İ' | 'Ī' | 'Į' => "I",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ő' | 'ō' | 'ồ' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' | 'Ő' | 'Ō' => "O",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'Ś' | 'Š' | 'Ş' | 'Ș' => "S",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ł' => "l",
        'Ł' => "L",
        'ğ' => "g",
        'Ğ' => "G",
        'ț' | 'ţ' => "t",
        'Ț' | 'Ţ' => "T",
        'ř' => "r",
        'Ř' => "R",
        'ď' => "d",
        'đ' => "d",
        'Đ' => "D",
        'ß' => "ss",
        _ => return None,
    })
}

/// The name with every diacritic removed (Jiménez → Jimenez, Łukasz → Lukasz).
pub(super) fn fold_diacritics(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match fold_char(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    out
}

/// The name without diacritics, if it had any.
pub(super) fn drop_diacritics(name: &str) -> Option<String> {
    let folded = fold_diacritics(name);
    (folded != name).then_some(folded)
}

/// A punctuation or spacing variant: O'Brien → OBrien / O Brien, Al-Sayed → Al Sayed,
/// De Luca → DeLuca, St John → Saint John, McDonald → Mc Donald (never with characters a name
/// may not hold, such as the full stop of "St.").
pub(super) fn punctuation(rng: &mut Stream, name: &str) -> Option<String> {
    let mut options: Vec<String> = Vec::new();
    if name.contains('\'') {
        options.push(name.replace('\'', ""));
        options.push(name.replace('\'', " "));
    }
    if name.contains('-') {
        options.push(name.replace('-', " "));
        options.push(name.replace('-', ""));
    }
    if let Some(rest) = name.strip_prefix("St ") {
        options.push(format!("Saint {rest}"));
        options.push(format!("St-{rest}"));
    } else if name.contains(' ') {
        options.push(name.replace(' ', ""));
        options.push(name.replace(' ', "-"));
    }
    if let Some(rest) = name.strip_prefix("Mc").filter(|r| r.starts_with(char::is_uppercase)) {
        options.push(format!("Mc {rest}"));
        options.push(format!("Mc{}", rest.to_lowercase()));
    }
    options.retain(|o| o != name && !o.is_empty());
    (!options.is_empty()).then(|| options.swap_remove(index(rng, options.len())))
}

/// One half of a double-barrelled (Smith-Jones) or two-part (García López) surname.
pub(super) fn partial_surname(rng: &mut Stream, surname: &str) -> Option<String> {
    let parts: Vec<&str> = surname.split(['-', ' ']).filter(|p| p.len() > 2).collect();
    if parts.len() != 2 || surname.starts_with("St ") {
        return None;
    }
    Some(parts[if chance(rng, 0.6) { 1 } else { 0 }].to_owned())
}

/// The initial of a forename ("J").
pub(super) fn initial(forename: &str) -> Option<String> {
    forename.chars().next().filter(|c| c.is_alphabetic()).map(|c| c.to_string())
}

/// Day and month exchanged (a US-style date read as UK): only when both are 12 or less and
/// differ, so the result is always a real, different date.
pub(super) fn swap_day_month(dob: Date) -> Option<Date> {
    let (d, m) = (dob.day(), dob.month());
    if d > 12 || d == m {
        return None;
    }
    ymd(i64::from(dob.year()), i64::from(d), i64::from(m))
}

/// The same day and month one year earlier or later (none for 29 February).
pub(super) fn year_off(rng: &mut Stream, dob: Date) -> Option<Date> {
    let delta = if chance(rng, 0.5) { 1 } else { -1 };
    ymd(i64::from(dob.year()) + delta, i64::from(dob.month()), i64::from(dob.day()))
}

/// The day before or after.
pub(super) fn day_off(rng: &mut Stream, dob: Date) -> Date {
    date_of(days_of(dob) + if chance(rng, 0.5) { 1 } else { -1 })
}

/// The last two digits of the year exchanged (1987 → 1978), if they differ and the result is a
/// plausible birth year.
pub(super) fn year_digits_swapped(dob: Date) -> Option<Date> {
    let y = i64::from(dob.year());
    let (tens, units) = ((y / 10) % 10, y % 10);
    if tens == units {
        return None;
    }
    let swapped = y - tens * 10 - units + units * 10 + tens;
    if !(1930..=2016).contains(&swapped) {
        return None;
    }
    ymd(swapped, i64::from(dob.month()), i64::from(dob.day()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rand::SeedableRng;

    fn rng() -> Stream {
        Stream::seed_from_u64(3)
    }

    #[test]
    fn typos_change_exactly_one_thing() {
        let mut r = rng();
        for _ in 0..200 {
            let sub = typo(&mut r, "Jennifer", Typo::Substitute).unwrap();
            assert_eq!(sub.chars().count(), 8);
            assert_eq!(sub.chars().zip("Jennifer".chars()).filter(|(a, b)| a != b).count(), 1, "{sub}");
            assert_eq!(typo(&mut r, "Jennifer", Typo::Insert).unwrap().chars().count(), 9);
            assert_eq!(typo(&mut r, "Jennifer", Typo::Delete).unwrap().chars().count(), 7);
            if let Some(t) = typo(&mut r, "Dawson", Typo::Transpose) {
                let mut a: Vec<char> = t.to_lowercase().chars().collect();
                let mut b: Vec<char> = "dawson".chars().collect();
                a.sort_unstable();
                b.sort_unstable();
                assert_eq!(a, b, "{t} is a permutation");
                assert!(t.starts_with(char::is_uppercase), "{t}");
            }
        }
        for kind in [Typo::Insert, Typo::Substitute, Typo::Transpose] {
            if let Some(t) = typo(&mut r, "HUGHES", kind) {
                assert!(!t.chars().any(char::is_lowercase), "{t}");
            }
        }
        assert_eq!(typo(&mut r, "A", Typo::Delete), None);
        assert_eq!(typo(&mut r, "Li", Typo::Delete), None);
        assert_eq!(typo(&mut r, "Ng", Typo::Transpose).filter(|t| t == "Ng"), None);
    }

    #[test]
    fn substitutions_use_adjacent_keys() {
        let mut r = rng();
        for _ in 0..100 {
            let out = typo(&mut r, "Ka", Typo::Substitute).unwrap();
            assert!(["Kq", "Kw", "Ks", "Kz", "Ja", "Ia", "Oa", "La", "Ma"].contains(&out.as_str()), "{out}");
        }
    }

    #[test]
    fn ocr_and_lookups() {
        let mut r = rng();
        let seen: Vec<String> = (0..100).filter_map(|_| ocr(&mut r, "Carmen")).collect();
        assert!(seen.iter().any(|s| s == "Carmcn") && seen.iter().any(|s| s == "Carrnen"), "{seen:?}");
        assert_eq!(ocr(&mut r, "Arn").as_deref(), Some("Am"));
        for name in ["Oliver", "Sam", "William", "Delroy", "Imran", "Clarke"] {
            for _ in 0..20 {
                let out = ocr(&mut r, name).unwrap();
                assert!(out.chars().all(char::is_alphabetic), "{out} is not a valid name");
            }
        }
        assert_eq!(ocr(&mut r, "Yuk"), None);
        assert!(["Bill", "Billy", "Will", "Liam", "Willie"].contains(&nickname(&mut r, "William").unwrap().as_str()));
        assert_eq!(nickname(&mut r, "Peggy").as_deref(), Some("Margaret"));
        assert_eq!(nickname(&mut r, "Xyzzy"), None);
        let m = transliterate(&mut r, "Mohammed").unwrap();
        assert!(m != "Mohammed" && TRANSLITERATIONS[0].contains(&m.as_str()));
        assert!(["Choudhury", "Chaudhary", "Chowdhury", "Choudhry"].contains(&transliterate(&mut r, "Chaudhry").unwrap().as_str()));
        assert_eq!(transliterate(&mut r, "Smith"), None);
        assert!(["Steven", "Stephan"].contains(&respell(&mut r, "Stephen").unwrap().as_str()));
    }

    #[test]
    fn diacritics_and_punctuation() {
        assert_eq!(drop_diacritics("Jiménez").as_deref(), Some("Jimenez"));
        assert_eq!(fold_diacritics("Łukasz Wójcik"), "Lukasz Wojcik");
        assert_eq!(fold_diacritics("Şahin Öztürk İbrahim"), "Sahin Ozturk Ibrahim");
        assert_eq!(fold_diacritics("Nguyễn Trần"), "Nguyen Tran");
        assert_eq!(drop_diacritics("Smith"), None);
        let mut r = rng();
        let v: Vec<String> = (0..50).filter_map(|_| punctuation(&mut r, "O'Brien")).collect();
        assert!(v.iter().all(|s| s == "OBrien" || s == "O Brien"), "{v:?}");
        assert!(["Saint John", "St-John"].contains(&punctuation(&mut r, "St John").unwrap().as_str()));
        assert!(["Mc Donald", "Mcdonald"].contains(&punctuation(&mut r, "McDonald").unwrap().as_str()));
        assert_eq!(punctuation(&mut r, "Smith"), None);
        assert!(punctuation_applies("O'Brien") && punctuation_applies("McKay") && !punctuation_applies("Mcintosh"));
        assert!(has_nickname("Bill") && has_nickname("William") && !has_nickname("Zebedee"));
        assert!(has_transliteration("Nguyen") && has_spelling("Thomson") && !has_spelling("Nguyen"));
        assert!(ocr_applies("Sam") && !ocr_applies("Yuk"));
        let p = partial_surname(&mut r, "Smith-Jones").unwrap();
        assert!(p == "Smith" || p == "Jones");
        assert!(["García", "López"].contains(&partial_surname(&mut r, "García López").unwrap().as_str()));
        assert_eq!(partial_surname(&mut r, "Smith"), None);
        assert_eq!(initial("Łukasz").as_deref(), Some("Ł"));
    }

    #[test]
    fn date_slips() {
        assert_eq!(swap_day_month(date(1990, 7, 3)), Some(date(1990, 3, 7)));
        assert_eq!(swap_day_month(date(1990, 7, 13)), None, "day over 12");
        assert_eq!(swap_day_month(date(1990, 5, 5)), None, "no change");
        assert_eq!(swap_day_month(date(1992, 2, 12)), Some(date(1992, 12, 2)));
        let mut r = rng();
        assert_eq!(year_off(&mut r, date(1992, 2, 29)), None);
        let y = year_off(&mut r, date(1990, 6, 1)).unwrap();
        assert!(y == date(1989, 6, 1) || y == date(1991, 6, 1));
        let d = day_off(&mut r, date(1990, 1, 1));
        assert!(d == date(1989, 12, 31) || d == date(1990, 1, 2));
        assert_eq!(year_digits_swapped(date(1987, 4, 2)), Some(date(1978, 4, 2)));
        assert_eq!(year_digits_swapped(date(1988, 4, 2)), None);
        assert_eq!(year_digits_swapped(date(2012, 4, 2)), None, "2021 is not a plausible birth year");
    }

    #[test]
    fn every_day_month_swap_in_a_leap_year_is_valid() {
        let mut d = date(2000, 1, 1);
        while d.year() == 2000 {
            if let Some(s) = swap_day_month(d) {
                assert_eq!((s.day(), s.month()), (d.month(), d.day()));
            }
            d = date_of(days_of(d) + 1);
        }
    }
}
