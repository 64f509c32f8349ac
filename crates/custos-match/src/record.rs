//! The matcher's view of a person: [`MatchRecord`] (every name, dates of birth, gender, postcodes
//! and identifiers, possibly unparsed legacy values) and [`Prepared`], the same record with every
//! normalised form, phonetic key and variant group computed once, so that comparing two prepared
//! records only reads memory and never allocates.
//!
//! Precomputation follows the standard record-linkage pipeline (Fellegi & Sunter 1969;
//! Winkler 1995 on standardisation; Splink's documentation, "Feature engineering": derive
//! phonetic and normalised columns before comparison). Addresses are not part of
//! `custos_core::person::Person` (they are dated links to Locations), so postcodes are added by
//! the caller with [`MatchRecordBuilder::postcode`] or by pushing to [`MatchRecord::postcodes`].

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::sync::{Arc, Mutex};

use custos_core::identifiers::Postcode;
use custos_core::person::{Gender, IdentifierKind, Person, PersonIdentifier};
use serde::{Deserialize, Serialize};

use crate::normalise::{NormalisedName, normalise_name, split_full_name};
use crate::phonetic::PhoneticKeys;
use crate::variants;

/// One name as recorded: forenames (space separated) and surname, raw text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawName {
    pub forenames: String,
    pub surname: String,
}

/// A calendar date of birth; month and day are 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BirthDate {
    pub year: i16,
    pub month: u8,
    pub day: u8,
}

impl BirthDate {
    /// A date if the month is 1–12 and the day 1–31 (day-of-month limits are not checked:
    /// legacy dates such as 31/02 are kept so a day–month swap can still be recognised).
    pub fn new(year: i16, month: u8, day: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY` or `YYYYMMDD`. A
    /// `DD/MM/YYYY` with a month over 12 but a day under 13 is read as an American `MM/DD/YYYY`.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let parts: Vec<&str> = raw
            .split(['-', '/', '.', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        let num = |s: &str| s.parse::<u16>().ok();
        let (y, m, d) = match parts.as_slice() {
            [a, b, c] if a.len() == 4 => (num(a)?, num(b)?, num(c)?),
            [a, b, c] if c.len() == 4 => {
                let (d, m) = (num(a)?, num(b)?);
                if m > 12 && d <= 12 {
                    (num(c)?, d, m)
                } else {
                    (num(c)?, m, d)
                }
            }
            [s] if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) => {
                (num(&s[..4])?, num(&s[4..6])?, num(&s[6..])?)
            }
            _ => return None,
        };
        Self::new(
            i16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }

    /// The eight digits `YYYYMMDD` (for one-digit-difference comparison and blocking keys).
    pub fn digits(&self) -> [u8; 8] {
        let mut out = [0u8; 8];
        let y = self.year.unsigned_abs();
        let v = [y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10];
        for (o, d) in out.iter_mut().zip(v) {
            *o = (d as u8) + b'0';
        }
        out[4] = self.month / 10 + b'0';
        out[5] = self.month % 10 + b'0';
        out[6] = self.day / 10 + b'0';
        out[7] = self.day % 10 + b'0';
        out
    }

    /// `YYYY-MM-DD`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Everything the matcher compares about one person.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchRecord {
    /// Every name: the primary first, then aliases, previous, maiden and nicknames.
    pub names: Vec<RawName>,
    pub dates_of_birth: Vec<BirthDate>,
    /// Dates of birth that could not be parsed (legacy data); kept, not compared.
    pub unparsed_dates: Vec<String>,
    pub gender: Option<Gender>,
    /// Postcodes, normalised to upper case with one space when well formed, else compacted.
    pub postcodes: Vec<String>,
    /// Identifiers by kind, normalised when they parse, else upper-cased without spaces.
    pub identifiers: Vec<(IdentifierKind, String)>,
}

impl MatchRecord {
    /// An empty builder.
    pub fn builder() -> MatchRecordBuilder {
        MatchRecordBuilder::default()
    }
}

impl From<&Person> for MatchRecord {
    fn from(p: &Person) -> Self {
        Self {
            names: p
                .names()
                .iter()
                .map(|n| RawName {
                    forenames: n.forenames().join(" "),
                    surname: n.surname().to_owned(),
                })
                .collect(),
            dates_of_birth: p
                .dates_of_birth
                .iter()
                .filter_map(|d| {
                    BirthDate::new(
                        d.year(),
                        u8::try_from(d.month()).ok()?,
                        u8::try_from(d.day()).ok()?,
                    )
                })
                .collect(),
            unparsed_dates: Vec::new(),
            gender: p.gender,
            postcodes: Vec::new(),
            identifiers: p
                .identifiers
                .iter()
                .map(|i| (i.kind(), i.value().to_owned()))
                .collect(),
        }
    }
}

/// Builds a [`MatchRecord`] from raw strings (legacy import): nothing is refused; what cannot be
/// parsed is kept in a compacted form or, for dates, set aside.
#[derive(Debug, Clone, Default)]
pub struct MatchRecordBuilder {
    record: MatchRecord,
}

impl MatchRecordBuilder {
    /// Adds a name from forenames and surname (the first name added is the primary).
    pub fn name(mut self, forenames: &str, surname: &str) -> Self {
        self.record.names.push(RawName {
            forenames: forenames.to_owned(),
            surname: surname.to_owned(),
        });
        self
    }

    /// Adds a name held in one field: "SMITH, John" or "John Smith".
    pub fn full_name(self, raw: &str) -> Self {
        let (f, s) = split_full_name(raw);
        self.name(&f, &s)
    }

    /// Adds a date of birth; an unparseable one is kept in `unparsed_dates`.
    pub fn dob(mut self, raw: &str) -> Self {
        match BirthDate::parse(raw) {
            Some(d) => self.record.dates_of_birth.push(d),
            None if raw.trim().is_empty() => {}
            None => self.record.unparsed_dates.push(raw.trim().to_owned()),
        }
        self
    }

    /// Sets the gender from a code ("M", "female", "u"); unknown codes leave it unset.
    pub fn gender(mut self, raw: &str) -> Self {
        self.record.gender = raw.trim().to_lowercase().parse::<Gender>().ok();
        self
    }

    /// Adds a postcode.
    pub fn postcode(mut self, raw: &str) -> Self {
        let pc = normalise_postcode(raw);
        if !pc.is_empty() {
            self.record.postcodes.push(pc);
        }
        self
    }

    /// Adds an identifier of a kind.
    pub fn identifier(mut self, kind: IdentifierKind, raw: &str) -> Self {
        let value = normalise_identifier(kind, raw);
        if !value.is_empty() {
            self.record.identifiers.push((kind, value));
        }
        self
    }

    pub fn build(self) -> MatchRecord {
        self.record
    }
}

/// A postcode in canonical form (`SW1A 1AA`) if it parses, else upper case without spaces.
pub fn normalise_postcode(raw: &str) -> String {
    match Postcode::parse(raw) {
        Ok(p) => p.as_str().to_owned(),
        Err(_) => raw
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect(),
    }
}

/// An identifier in canonical form if it parses as `kind`, else upper case alphanumerics only
/// (e-mail addresses: lower case, spaces removed).
pub fn normalise_identifier(kind: IdentifierKind, raw: &str) -> String {
    match PersonIdentifier::parse(kind, raw) {
        // Mailbox names are case-insensitive in practice, so compare e-mail in lower case.
        Ok(id) if kind == IdentifierKind::Email => id.value().to_lowercase(),
        Ok(id) => id.value().to_owned(),
        Err(_) if kind == IdentifierKind::Email => raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect(),
        Err(_) => raw
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect(),
    }
}

/// A folded token with the letters that OCR and keying confuse merged: `i` with `l` (both
/// from "1"), so "smlth" (from "SM1TH") and "smith" have the same form. 0/O, 5/S and 8/B are
/// already letters after folding.
pub fn ocr_form(folded: &str) -> String {
    folded
        .chars()
        .map(|c| if c == 'i' { 'l' } else { c })
        .collect()
}

/// One normalised name token with everything a comparison needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The folded text.
    pub text: String,
    /// The same as characters, for Jaro–Winkler without decoding.
    pub chars: Box<[char]>,
    pub phonetic: PhoneticKeys,
    /// The text with OCR look-alikes merged (i and l both read as l), see [`ocr_form`].
    pub ocr: String,
    /// Variant groups (see [`variants`]).
    pub groups: &'static [u16],
    /// A 64-bit hash of `text`, naming the token in the comparison memo (see
    /// `compare::token_level`).
    pub key: u64,
}

impl Token {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            chars: text.chars().collect(),
            phonetic: PhoneticKeys::of(text),
            ocr: ocr_form(text),
            groups: variants::groups(text),
            // Fixed keys: the same text has the same key on every thread of a run.
            key: std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(text),
        }
    }

    /// The first character, if any.
    pub fn initial(&self) -> Option<char> {
        self.chars.first().copied()
    }
}

/// One prepared name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedName {
    /// Forename tokens in order (the first is the given name in use, usually).
    pub forenames: Vec<Arc<Token>>,
    /// The whole surname; `None` when it normalised to nothing.
    pub surname: Option<Arc<Token>>,
    /// The parts of a multi-part surname (particles dropped).
    pub surname_parts: Vec<Arc<Token>>,
    /// A generational suffix (jr, snr, iii) seen on the name.
    pub generation: Option<String>,
}

impl PreparedName {
    fn new(n: &NormalisedName, token: &impl Fn(&str) -> Arc<Token>) -> Self {
        Self {
            forenames: n.forenames.iter().map(|t| token(t)).collect(),
            surname: (!n.surname.is_empty()).then(|| token(&n.surname)),
            surname_parts: n.surname_parts.iter().map(|t| token(t)).collect(),
            generation: n.generation.clone(),
        }
    }
}

/// Prepared tokens shared by the records prepared with the table ([`Prepared::with_tokens`]):
/// each distinct name token is prepared once (its phonetic codes, variant groups and the rest)
/// and held once. A million people have a few hundred thousand distinct tokens among five
/// million, so linking them this way prepares and holds a fraction of what it would otherwise.
/// For a batch: the table keeps every token it has seen until it is dropped.
#[derive(Debug, Default)]
pub struct TokenTable {
    tokens: Mutex<HashMap<Box<str>, Arc<Token>>>,
}

impl TokenTable {
    /// The prepared token of `text` (a folded token), prepared now if the table has not seen it.
    pub fn token(&self, text: &str) -> Arc<Token> {
        if let Some(token) = self.lock().get(text) {
            return token.clone();
        }
        // Prepared outside the lock; if another thread prepared it meanwhile, theirs is kept.
        let made = Arc::new(Token::new(text));
        self.lock().entry(text.into()).or_insert(made).clone()
    }

    /// Distinct tokens held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the table holds no token.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Arc<Token>>> {
        // A thread that panicked while holding the lock left the map whole (inserts are atomic
        // from the map's point of view), so a poisoned lock is still a usable table.
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A prepared postcode: full, sector and district (empty when the postcode did not parse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPostcode {
    pub full: String,
    pub sector: String,
    pub district: String,
    /// `full`, `sector` and `district` as [`packed_text`], so that comparing two postcodes reads
    /// no memory beyond the record's own list.
    pub packed: [u64; 3],
}

impl PreparedPostcode {
    fn new(full: String, sector: String, district: String) -> Self {
        let packed = [packed_text(&full), packed_text(&sector), packed_text(&district)];
        Self { full, sector, district, packed }
    }
}

/// A text of at most 8 bytes, none of them NUL, as one number (its bytes, zero-padded; 0 for
/// the empty text), or else [`NOT_PACKED`]: two texts are equal exactly when their numbers are,
/// unless both are `NOT_PACKED`, when the texts themselves must be compared.
pub fn packed_text(text: &str) -> u64 {
    let bytes = text.as_bytes();
    if bytes.len() > 8 || bytes.contains(&0) {
        return NOT_PACKED;
    }
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// [`packed_text`] of a text it cannot pack (no text packs to this: its bytes would all be
/// 0xFF, which UTF-8 never has).
pub const NOT_PACKED: u64 = u64::MAX;

/// A record ready for fast comparison. Build with [`Prepared::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub names: Vec<PreparedName>,
    pub dates_of_birth: Vec<BirthDate>,
    pub gender: Option<Gender>,
    pub postcodes: Vec<PreparedPostcode>,
    pub identifiers: Vec<(IdentifierKind, String)>,
}

impl Prepared {
    pub fn new(r: &MatchRecord) -> Self {
        Self::build(r, &|text| Arc::new(Token::new(text)))
    }

    /// [`Prepared::new`], taking the record's name tokens from `tokens` (the same record either
    /// way: only where the tokens are held differs).
    pub fn with_tokens(r: &MatchRecord, tokens: &TokenTable) -> Self {
        Self::build(r, &|text| tokens.token(text))
    }

    fn build(r: &MatchRecord, token: &impl Fn(&str) -> Arc<Token>) -> Self {
        let mut names: Vec<PreparedName> = r
            .names
            .iter()
            .map(|n| PreparedName::new(&normalise_name(&n.forenames, &n.surname), token))
            .filter(|n| n.surname.is_some() || !n.forenames.is_empty())
            .collect();
        names.dedup();
        let mut dates_of_birth = r.dates_of_birth.clone();
        dates_of_birth.dedup();
        Self {
            names,
            dates_of_birth,
            // "Not known" carries no evidence either way: treat it as missing.
            gender: r.gender.filter(|g| *g != Gender::NotKnown),
            postcodes: r
                .postcodes
                .iter()
                .map(|p| match Postcode::parse(p) {
                    Ok(pc) => PreparedPostcode::new(pc.as_str().to_owned(), pc.sector().to_owned(), pc.district().to_owned()),
                    Err(_) => PreparedPostcode::new(normalise_postcode(p), String::new(), String::new()),
                })
                .collect(),
            identifiers: r
                .identifiers
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .cloned()
                .collect(),
        }
    }

    /// The value of a unique identifier kind, if the record carries one.
    pub fn identifier(&self, kind: IdentifierKind) -> impl Iterator<Item = &str> {
        self.identifiers
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, v)| v.as_str())
    }
}

impl From<&MatchRecord> for Prepared {
    fn from(r: &MatchRecord) -> Self {
        Self::new(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custos_core::person::{NameKind, PersonName};

    #[test]
    fn birth_dates_parse_in_common_layouts() {
        let d = BirthDate::new(1980, 3, 12);
        let table = [
            ("1980-03-12", d),
            ("12/03/1980", d),
            ("12-03-1980", d),
            ("12.03.1980", d),
            ("19800312", d),
            (" 12/3/1980 ", d),
            ("03/25/1980", BirthDate::new(1980, 3, 25)),
            ("1980-13-01", None),
            ("12/03/80", None),
            ("unknown", None),
            ("", None),
        ];
        for (raw, want) in table {
            assert_eq!(BirthDate::parse(raw), want, "{raw}");
        }
        assert_eq!(
            BirthDate::new(1980, 3, 12).map(|d| d.digits()),
            Some(*b"19800312")
        );
    }

    #[test]
    fn builder_keeps_legacy_values() {
        let r = MatchRecord::builder()
            .full_name("SMITH, Mr John")
            .name("Johnny", "Smith")
            .dob("12/03/1980")
            .dob("about 1980")
            .dob("")
            .gender("M")
            .postcode("sw1a1aa")
            .postcode("not a postcode")
            .identifier(IdentifierKind::PncId, "08/56560z")
            .identifier(IdentifierKind::NiNumber, "xx 99 bad")
            .identifier(IdentifierKind::Email, " J.Smith@Example.COM ")
            .identifier(IdentifierKind::Phone, "  ")
            .build();
        assert_eq!(r.names[0].surname, "SMITH");
        assert_eq!(r.dates_of_birth.len(), 1);
        assert_eq!(r.unparsed_dates, ["about 1980"]);
        assert_eq!(r.gender, Some(Gender::Male));
        assert_eq!(r.postcodes, ["SW1A 1AA", "NOTAPOSTCODE"]);
        assert_eq!(
            r.identifiers[0],
            (IdentifierKind::PncId, "2008/0056560Z".to_owned())
        );
        assert_eq!(
            r.identifiers[1],
            (IdentifierKind::NiNumber, "XX99BAD".to_owned())
        );
        assert_eq!(r.identifiers[2].1, "j.smith@example.com");
        assert_eq!(r.identifiers.len(), 3, "an empty identifier is dropped");
        let p = Prepared::new(&r);
        assert_eq!(p.names[0].forenames[0].text, "john", "title removed");
        assert_eq!(p.postcodes[0].district, "SW1A");
        assert_eq!(p.postcodes[0].sector, "SW1A 1");
        assert_eq!(
            p.postcodes[1].district, "",
            "an unparsed postcode has no district"
        );
        assert_eq!(
            p.identifier(IdentifierKind::PncId).collect::<Vec<_>>(),
            ["2008/0056560Z"]
        );
    }

    #[test]
    fn from_person_takes_all_names_dates_and_identifiers() {
        let mut person = Person::new(vec![
            PersonName::new(NameKind::Primary, &["Anna", "Marie"], "Smith-Jones").unwrap(),
            PersonName::new(NameKind::Maiden, &["Anna"], "Jones").unwrap(),
        ])
        .unwrap();
        person.dates_of_birth.push(jiff::civil::date(1990, 7, 1));
        person.gender = Some(Gender::NotKnown);
        person
            .identifiers
            .push(PersonIdentifier::parse(IdentifierKind::NiNumber, "AB123456C").unwrap());
        let r = MatchRecord::from(&person);
        assert_eq!(r.names.len(), 2);
        assert_eq!(r.names[0].forenames, "Anna Marie");
        assert_eq!(
            r.dates_of_birth,
            [BirthDate {
                year: 1990,
                month: 7,
                day: 1
            }]
        );
        assert_eq!(r.identifiers[0].0, IdentifierKind::NiNumber);
        let p = Prepared::new(&r);
        assert_eq!(p.names[0].surname_parts.len(), 2);
        assert_eq!(p.gender, None, "not known is missing");
    }

    #[test]
    fn records_prepared_with_a_token_table_are_the_same_and_share_their_tokens() {
        let records = [
            MatchRecord::builder().name("John Paul", "Smith").dob("1980-03-12").postcode("sw1a 1aa").build(),
            MatchRecord::builder().name("Paul", "Smith-Jones").name("John", "Smith").gender("m").build(),
            MatchRecord::builder().name("Zoë", "O'Brien").identifier(IdentifierKind::PncId, "2001/123456A").build(),
            MatchRecord::builder().name("", "Smith").build(),
        ];
        let table = TokenTable::default();
        assert!(table.is_empty());
        // Prepared on several threads at once, as the linker does.
        let prepared: Vec<Vec<Prepared>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..3)
                .map(|_| scope.spawn(|| records.iter().map(|r| Prepared::with_tokens(r, &table)).collect::<Vec<_>>()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for batch in &prepared {
            for (r, p) in records.iter().zip(batch) {
                assert_eq!(*p, Prepared::new(r), "the same record either way");
            }
        }
        // john, paul, smith, smith-jones and its part jones, zoe, o'brien: each
        // prepared and held once, whichever record or thread met it first.
        let surname = |p: &Prepared, n: usize| p.names[n].surname.clone().unwrap();
        let (a, b) = (&prepared[0], &prepared[2]);
        assert!(Arc::ptr_eq(&surname(&a[0], 0), &surname(&b[3], 0)), "smith in two records, two threads");
        assert!(Arc::ptr_eq(&a[0].names[0].forenames[1], &b[1].names[0].forenames[0]), "paul as a middle and a first name");
        assert!(Arc::ptr_eq(&surname(&a[0], 0), &a[1].names[0].surname_parts[0]), "a surname and a part of another");
        assert!(!Arc::ptr_eq(&surname(&a[0], 0), &surname(&a[1], 0)), "smith is not smith-jones");
        let distinct: std::collections::HashSet<&str> = prepared
            .iter()
            .flatten()
            .flat_map(|p| &p.names)
            .flat_map(|n| n.forenames.iter().chain(&n.surname).chain(&n.surname_parts))
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(table.len(), distinct.len());
        // Without a table every record holds its own tokens.
        let (x, y) = (Prepared::new(&records[0]), Prepared::new(&records[0]));
        assert!(!Arc::ptr_eq(&surname(&x, 0), &surname(&y, 0)));
    }
}
