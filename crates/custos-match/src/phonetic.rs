//! Phonetic keys for names: Double Metaphone (primary and alternate codes; Philips, "The Double
//! Metaphone Search Algorithm", C/C++ Users Journal, 2000) and NYSIIS (New York State
//! Identification and Intelligence System, Taft 1970), computed with the `rphonetic` crate (a port
//! of Apache Commons Codec). Two names "sound alike" when any Double Metaphone code of one equals
//! any of the other, or their NYSIIS codes are equal.
//!
//! Encodings cost ~0.2 µs each, so they are computed once per name when a record is prepared
//! (see `record::Prepared`) and stored as blocking keys, never in the comparison hot path
//! (DESIGN.md, "Matching speed limit"). Winkler (1995) and Splink's documentation ("Phonetic
//! transformations") both use phonetic agreement as a comparison level between exact and
//! fuzzy agreement.

use rphonetic::{DoubleMetaphone, Encoder, Nysiis};

/// The phonetic codes of one folded name token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhoneticKeys {
    /// Double Metaphone primary code (at most 4 characters).
    pub metaphone: String,
    /// Double Metaphone alternate code; equal to `metaphone` when the name has no alternate.
    pub metaphone_alt: String,
    /// NYSIIS code (at most 6 characters).
    pub nysiis: String,
}

impl PhoneticKeys {
    /// The codes of a folded token; all empty for an empty token. Only the ASCII letters are
    /// encoded: the encoders know only the Latin alphabet (and Double Metaphone slices bytes, so
    /// it panics on other letters), and a name in another script has no code in them anyway.
    pub fn of(token: &str) -> Self {
        let ascii: String = token.chars().filter(char::is_ascii_alphabetic).collect();
        if ascii.is_empty() {
            return Self::default();
        }
        let token = ascii.as_str();
        let dm = DoubleMetaphone::default().double_metaphone(token);
        Self {
            metaphone: dm.primary(),
            metaphone_alt: dm.alternate(),
            nysiis: Nysiis::default().encode(token),
        }
    }

    /// Whether two names sound alike: any shared Double Metaphone code, or equal NYSIIS codes.
    /// Empty codes (names with no letters the encoders know) never agree.
    pub fn sounds_like(&self, other: &Self) -> bool {
        let dm = |a: &str, b: &str| !a.is_empty() && a == b;
        dm(&self.metaphone, &other.metaphone)
            || dm(&self.metaphone, &other.metaphone_alt)
            || dm(&self.metaphone_alt, &other.metaphone)
            || dm(&self.metaphone_alt, &other.metaphone_alt)
            || dm(&self.nysiis, &other.nysiis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_for_known_names() {
        let smith = PhoneticKeys::of("smith");
        assert_eq!(smith.metaphone, "SM0");
        assert_eq!(smith.metaphone_alt, "XMT");
        assert_eq!(PhoneticKeys::of("schmidt").metaphone_alt, "SMT");
        assert!(!PhoneticKeys::of("smith").nysiis.is_empty());
        assert_eq!(PhoneticKeys::of(""), PhoneticKeys::default());
    }

    #[test]
    fn letters_outside_ascii_never_panic() {
        // Double Metaphone slices bytes: "trần" used to panic inside the encoder.
        assert_eq!(PhoneticKeys::of("trần").metaphone, PhoneticKeys::of("trn").metaphone);
        assert_eq!(PhoneticKeys::of("иванов"), PhoneticKeys::default());
        assert!(!PhoneticKeys::of("иванов").sounds_like(&PhoneticKeys::of("петров")));
    }

    #[test]
    fn sounds_alike_table() {
        let yes = [
            ("smith", "smyth"),
            ("smith", "schmidt"),
            ("catherine", "kathryn"),
            ("mohammed", "muhammad"),
            ("stephen", "steven"),
            ("philips", "phillips"),
            ("reid", "reed"),
        ];
        for (a, b) in yes {
            assert!(
                PhoneticKeys::of(a).sounds_like(&PhoneticKeys::of(b)),
                "{a} ~ {b}: {:?} {:?}",
                PhoneticKeys::of(a),
                PhoneticKeys::of(b)
            );
        }
        let no = [("smith", "jones"), ("john", "mary"), ("", "")];
        for (a, b) in no {
            assert!(
                !PhoneticKeys::of(a).sounds_like(&PhoneticKeys::of(b)),
                "{a} !~ {b}"
            );
        }
    }
}
