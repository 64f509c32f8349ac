//! Keys under which names are indexed for exact-key search: lower case, letters and digits only,
//! common Latin diacritics folded (so "O'Brien", "o brien" and "OBRIEN" share a key, and
//! "Jiménez" finds "Jimenez"). Fuzzy matching builds on top of these keys; it does not replace them.

/// The search key of a name part.
pub fn name_key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(fold)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Folds a lower-case Latin letter with a diacritic to its base letter.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ł' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(name_key(input), expected, "input {input:?}");
    }

    #[test]
    fn keys_fold_case_punctuation_and_accents() {
        check("O'Brien", "obrien");
        check("o brien", "obrien");
        check("SMITH-JONES", "smithjones");
        check("Jiménez", "jimenez");
        check("Łukasz", "lukasz");
        // Letters outside the fold table keep their accents (still one key per spelling).
        check("Nguyễn", "nguyễn");
        check("  ", "");
    }
}
