//! Comparison vectors: for a pair of prepared records, one agreement *level* per field (or null
//! when either side lacks the field), as in Fellegi & Sunter (1969, "A Theory for Record
//! Linkage", JASA 64:1183) where each field's agreement pattern γ is scored by m/u ratios.
//! Levels within a field are tested in order and the first that holds wins, as in Splink's
//! "comparison levels" (its documentation, "Comparisons and comparison levels").
//!
//! Names are compared across *all* of each person's names (primary, aliases, previous, maiden)
//! and the best-scoring pair of names is kept. Within a pair of names, forenames compare by
//! position: first against first, or else one record's first forename found among the other's
//! later ones (`MiddleAsFirst`); middle names are a field of their own, compared only when the
//! first names do not differ (agree, or are close, or one is an initial) or when one record's
//! first name is the other's middle name (then the forenames left over on each side are
//! compared), so a shared middle name never passes for a shared first name.
//! Forenames and surnames use Jaro–Winkler bands
//! (0.92, 0.80: the bands Splink's name comparison uses, after Winkler 1990), the variant table
//! and phonetic keys; a name whose forename and surname appear the other way round on the other
//! record gets the `Swapped` level on both fields. The `Household` field is an interaction term
//! (Winkler 1993, "Improved decision rules in the Fellegi-Sunter model of record linkage";
//! Thibaudeau 1993, log-linear models with interactions): relatives who live together break the
//! conditional-independence assumption, so the patterns "same surname and date of birth but a
//! different forename" (twins, siblings) and "same name but a different date of birth or
//! generation suffix" (father and son) get their own level, as does "same forename and date of
//! birth, different surname, both men" (a surname change is mostly a woman's, on marriage).
//!
//! Nothing here allocates (beyond a thread's token memo, once): every normalised form is
//! precomputed in [`Prepared`].

use std::cell::RefCell;
use std::sync::{Arc, LazyLock};

use custos_core::person::{Gender, IdentifierKind};
use serde::{Deserialize, Serialize};

use crate::record::{BirthDate, Prepared, PreparedName, PreparedPostcode, NOT_PACKED, Token};
use crate::similarity::jaro_winkler;
use crate::variants::{self, share_group};

macro_rules! levels {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every level, strongest agreement first (the order in which they are tested).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// Stable level names (used in models and explanations).
            pub const NAMES: &'static [&'static str] = &[$($label),+];

            /// The position of this level in [`Self::ALL`].
            pub fn index(self) -> usize {
                self as usize
            }

            /// The stable name of this level.
            pub fn name(self) -> &'static str {
                Self::NAMES[self as usize]
            }
        }
    };
}

levels! {
    /// Agreement of a forename or a surname.
    NameLevel {
        Exact = "exact",
        /// Equivalent in the variant table (nickname or transliteration).
        Variant = "variant",
        /// Jaro–Winkler ≥ 0.92.
        JaroWinklerHigh = "jaro_winkler_0_92",
        /// Any shared Double Metaphone code, or the same NYSIIS code.
        Phonetic = "phonetic",
        /// Jaro–Winkler ≥ 0.80.
        JaroWinklerMid = "jaro_winkler_0_80",
        /// One side is only an initial, and it agrees.
        Initial = "initial",
        /// Forename and surname agree the other way round.
        Swapped = "swapped",
        /// Forenames only: the first forename of one record is a later forename of the other (a
        /// person known by a middle name, or a first name left off). Weaker than a first-name
        /// agreement, since siblings and cousins often share middle names.
        MiddleAsFirst = "middle_as_first",
        Different = "different",
    }
}

levels! {
    /// Agreement of the later forenames (middle names), compared only when both records have
    /// them and their first forenames do not differ: two Johns with different middle names are
    /// usually two people, and a shared middle name is evidence on top of a shared first name.
    /// When one record's first forename is the other's middle name, the forenames left over on
    /// each side are compared instead (Harry Oliver and Oliver Harry agree).
    MiddleLevel {
        /// A middle name agrees (exactly, as a variant, by spelling or by sound).
        Agree = "agree",
        /// One side has only an initial, and it agrees.
        Initial = "initial",
        Different = "different",
    }
}

levels! {
    /// Agreement of dates of birth.
    DobLevel {
        Exact = "exact",
        /// Day and month swapped (12/03 against 03/12), year the same.
        DayMonthSwapped = "day_month_swapped",
        /// Day and month the same, year one apart.
        YearOffByOne = "year_off_by_one",
        /// One digit of YYYYMMDD different.
        OneDigit = "one_digit",
        /// Two adjacent digits of YYYYMMDD swapped (1947 for 1974): a keying slip.
        Transposed = "transposed",
        /// Within a week of each other (30/09 against 01/10 defeats the digit tests).
        WithinWeek = "within_week",
        /// Two slips: within 400 days, or the same day and month in either order with the year
        /// one apart. Too near for a parent and child, so the namesake pattern does not apply.
        Close = "close",
        Different = "different",
    }
}

levels! {
    /// Agreement of postcodes (any of each side's).
    PostcodeLevel {
        Full = "full",
        /// Same sector (`SW1A 1`).
        Sector = "sector",
        /// Same district (`SW1A`).
        District = "district",
        Different = "different",
    }
}

levels! {
    /// Agreement of recorded gender.
    GenderLevel {
        Same = "same",
        Different = "different",
    }
}

levels! {
    /// Agreement of person identifiers (PNC ID, NI number, CRO number, passport, driving licence).
    IdentifierLevel {
        /// At least one identifier of the same kind and value.
        Shared = "shared",
        /// Both carry a PNC ID or an NI number, and the values differ.
        Conflict = "conflict",
        /// Both carry an identifier of some kind, with no value in common.
        Different = "different",
    }
}

levels! {
    /// Agreement of contact details (phone, e-mail), which household members often share, so
    /// they are kept apart from the identifiers that belong to one person only.
    ContactLevel {
        Shared = "shared",
        Different = "different",
    }
}

levels! {
    /// The household interaction term (see the module documentation).
    HouseholdLevel {
        /// Same surname and date of birth, clearly different forename: twins or siblings.
        SiblingPattern = "sibling_pattern",
        /// Same forename and surname, different date of birth or a different generation suffix
        /// (Jr/Snr): a parent and child sharing a name.
        NamesakePattern = "namesake_pattern",
        /// Same forename and date of birth, a clearly different surname, both recorded male. A
        /// changed surname is mostly a woman's name on marriage (ONS, "Marriages in England and
        /// Wales": the custom of taking a husband's surname), so among men a different surname
        /// is stronger evidence of a different person than the surname field's average says.
        MaleSurnameChange = "male_surname_change",
        Neither = "neither",
    }
}

/// The fields compared, in vector order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Forename,
    Surname,
    DateOfBirth,
    Postcode,
    Gender,
    Identifier,
    Contact,
    Household,
    MiddleName,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Forename,
        Field::Surname,
        Field::DateOfBirth,
        Field::Postcode,
        Field::Gender,
        Field::Identifier,
        Field::Contact,
        Field::Household,
        Field::MiddleName,
    ];

    /// The level names of this field, strongest first.
    pub fn level_names(self) -> &'static [&'static str] {
        match self {
            Field::Forename | Field::Surname => NameLevel::NAMES,
            Field::DateOfBirth => DobLevel::NAMES,
            Field::Postcode => PostcodeLevel::NAMES,
            Field::Gender => GenderLevel::NAMES,
            Field::Identifier => IdentifierLevel::NAMES,
            Field::Contact => ContactLevel::NAMES,
            Field::Household => HouseholdLevel::NAMES,
            Field::MiddleName => MiddleLevel::NAMES,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Field::Forename => "forename",
            Field::Surname => "surname",
            Field::DateOfBirth => "date_of_birth",
            Field::Postcode => "postcode",
            Field::Gender => "gender",
            Field::Identifier => "identifier",
            Field::Contact => "contact",
            Field::Household => "household",
            Field::MiddleName => "middle_name",
        }
    }
}

/// Number of compared fields.
pub const FIELD_COUNT: usize = Field::ALL.len();

/// The comparison vector γ of one record pair; `None` is the null level (a side lacks the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ComparisonVector {
    pub forename: Option<NameLevel>,
    pub surname: Option<NameLevel>,
    pub date_of_birth: Option<DobLevel>,
    pub postcode: Option<PostcodeLevel>,
    pub gender: Option<GenderLevel>,
    pub identifier: Option<IdentifierLevel>,
    pub contact: Option<ContactLevel>,
    pub household: Option<HouseholdLevel>,
    pub middle_name: Option<MiddleLevel>,
}

impl ComparisonVector {
    /// The level index of each field in [`Field::ALL`] order (`None` = null).
    pub fn levels(&self) -> [Option<usize>; FIELD_COUNT] {
        [
            self.forename.map(NameLevel::index),
            self.surname.map(NameLevel::index),
            self.date_of_birth.map(DobLevel::index),
            self.postcode.map(PostcodeLevel::index),
            self.gender.map(GenderLevel::index),
            self.identifier.map(IdentifierLevel::index),
            self.contact.map(ContactLevel::index),
            self.household.map(HouseholdLevel::index),
            self.middle_name.map(MiddleLevel::index),
        ]
    }
}

/// A comparison vector with the values that agreed exactly, for term-frequency adjustment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison<'a> {
    pub vector: ComparisonVector,
    /// The forename that agreed exactly, when the forename level is `Exact`.
    pub forename_value: Option<&'a str>,
    /// The surname (or surname part) that agreed exactly, when the surname level is `Exact`.
    pub surname_value: Option<&'a str>,
}

/// Compares two prepared records.
pub fn compare<'a>(a: &'a Prepared, b: &Prepared) -> Comparison<'a> {
    let names = compare_names(a, b);
    let date_of_birth = compare_dobs(&a.dates_of_birth, &b.dates_of_birth);
    let postcode = compare_postcodes(a, b);
    let gender = match (a.gender, b.gender) {
        (Some(x), Some(y)) if x == y => Some(GenderLevel::Same),
        (Some(_), Some(_)) => Some(GenderLevel::Different),
        _ => None,
    };
    let (identifier, contact) = compare_identifiers(a, b);
    let both_male = a.gender == Some(Gender::Male) && b.gender == Some(Gender::Male);
    let household = household(&names, date_of_birth, gender, both_male);
    Comparison {
        vector: ComparisonVector {
            forename: names.forename,
            surname: names.surname,
            date_of_birth,
            postcode,
            gender,
            identifier,
            contact,
            household,
            middle_name: names.middle,
        },
        forename_value: names.forename_value,
        surname_value: names.surname_value,
    }
}

/// The household interaction: only defined when both names and dates of birth are present.
/// Siblings: same surname and date of birth, and either a clearly different forename or a
/// loosely similar one with a different gender (Oliver and Olivia). Men: see `MaleSurnameChange`.
fn household(
    names: &NamesResult<'_>,
    dob: Option<DobLevel>,
    gender: Option<GenderLevel>,
    male: bool,
) -> Option<HouseholdLevel> {
    let (f, s, d) = (names.forename?, names.surname?, dob?);
    let surname_agrees = matches!(
        s,
        NameLevel::Exact | NameLevel::Variant | NameLevel::JaroWinklerHigh
    );
    // A misspelt forename still names the same person: a father and son are told apart by
    // their dates of birth, not by a typo.
    let forename_agrees = matches!(
        f,
        NameLevel::Exact | NameLevel::Variant | NameLevel::JaroWinklerHigh
    );
    let forename_differs = f == NameLevel::Different
        || (matches!(f, NameLevel::Phonetic | NameLevel::JaroWinklerMid)
            && gender == Some(GenderLevel::Different));
    Some(
        if surname_agrees && forename_differs && d == DobLevel::Exact {
            HouseholdLevel::SiblingPattern
        } else if surname_agrees
            && forename_agrees
            && (d == DobLevel::Different || names.generation_conflict)
        {
            HouseholdLevel::NamesakePattern
        } else if s == NameLevel::Different && forename_agrees && d != DobLevel::Different && male {
            HouseholdLevel::MaleSurnameChange
        } else {
            HouseholdLevel::Neither
        },
    )
}

/// Strength used to pick the best pair of names; roughly the default weights in bits.
fn strength(level: Option<NameLevel>) -> i32 {
    match level {
        Some(NameLevel::Exact) => 10,
        Some(NameLevel::Variant) => 8,
        Some(NameLevel::JaroWinklerHigh) => 7,
        Some(NameLevel::Swapped) => 6,
        Some(NameLevel::Phonetic) => 5,
        Some(NameLevel::MiddleAsFirst) => 4,
        Some(NameLevel::JaroWinklerMid) => 2,
        Some(NameLevel::Initial) => 2,
        None => 1,
        Some(NameLevel::Different) => -5,
    }
}

#[derive(Debug, Clone, Copy)]
struct NamesResult<'a> {
    forename: Option<NameLevel>,
    surname: Option<NameLevel>,
    forename_value: Option<&'a str>,
    surname_value: Option<&'a str>,
    middle: Option<MiddleLevel>,
    generation_conflict: bool,
}

/// Slots of a thread's token memo (a power of two; 24 bytes each, so 6 MB). Tests use a small
/// table, so that pairs evict one another.
const TOKEN_MEMO_SLOTS: usize = if cfg!(test) { 1 << 6 } else { 1 << 18 };

/// One slot of the memo: the two tokens' keys and their level.
type MemoSlot = (u64, u64, NameLevel);

thread_local! {
    /// The levels of token pairs this thread compared lately, by the tokens' keys, in a
    /// direct-mapped table (a pair evicts whatever shared its slot). Batch linking compares the
    /// same few thousand names against each other millions of times, and a level is a function
    /// of the two texts alone, so most pairs of texts are worked out once; a fixed table keeps
    /// each look-up to one memory access (a growing hash map cost as much as it saved).
    static TOKEN_LEVELS: RefCell<Vec<MemoSlot>> = const { RefCell::new(Vec::new()) };
}

/// The level of two tokens (never `Swapped`), remembered per thread by the tokens' 64-bit keys.
/// Two different texts with the same key would share an answer: over a million distinct names
/// the chance that any two collide is about 3 in 100 million.
pub fn token_level(a: &Token, b: &Token) -> NameLevel {
    if a.key == b.key {
        // The same text: an initial against itself, or else an exact match.
        return if a.chars.len() == 1 { NameLevel::Initial } else { NameLevel::Exact };
    }
    let slot = (a.key ^ b.key.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - TOKEN_MEMO_SLOTS.trailing_zeros());
    TOKEN_LEVELS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.is_empty() {
            // An empty slot holds two equal keys, which no look-up asks for (equal keys were
            // answered above).
            memo.resize(TOKEN_MEMO_SLOTS, (0, 0, NameLevel::Different));
        }
        let entry = &mut memo[slot as usize];
        if entry.0 == a.key && entry.1 == b.key {
            return entry.2;
        }
        let level = token_level_uncached(a, b);
        *entry = (a.key, b.key, level);
        level
    })
}

/// [`token_level`] worked out.
fn token_level_uncached(a: &Token, b: &Token) -> NameLevel {
    let initial_only = a.chars.len() == 1 || b.chars.len() == 1;
    if initial_only {
        return if a.initial() == b.initial() {
            NameLevel::Initial
        } else {
            NameLevel::Different
        };
    }
    if a.text == b.text {
        return NameLevel::Exact;
    }
    if share_group(a.groups, b.groups) {
        return NameLevel::Variant;
    }
    // Equal once OCR look-alikes are merged (SM1TH read as "smlth" against "smith"): a typo.
    if a.ocr == b.ocr {
        return NameLevel::JaroWinklerHigh;
    }
    let jw = jaro_winkler(&a.chars, &b.chars);
    // Slips Jaro–Winkler underrates: two neighbouring letters typed the wrong way round in a short
    // name (Cme for Cem), and a misspelt short form (Jimy for James).
    if jw >= 0.92 || adjacent_swap_of(&a.chars, &b.chars) || misspelt_variant(a, b) || misspelt_variant(b, a) {
        NameLevel::JaroWinklerHigh
    } else if a.phonetic.sounds_like(&b.phonetic) {
        NameLevel::Phonetic
    } else if jw >= 0.80 {
        NameLevel::JaroWinklerMid
    } else {
        NameLevel::Different
    }
}

/// Each variant group's names as characters, for [`misspelt_variant`].
static GROUP_CHARS: LazyLock<Vec<Vec<Box<[char]>>>> =
    LazyLock::new(|| variants::GROUPS.iter().map(|g| g.iter().map(|n| n.chars().collect()).collect()).collect());

/// Whether `a`, a name the variant table does not know, is a slip away from a variant of `b`
/// ("Jimy" for James through Jimmy; "Tomj" for Thomas through Tom): Jaro–Winkler ≥ 0.92 against
/// a name of one of `b`'s groups that starts with the same letter (a slip in the first letter is
/// rarer, and the check stays cheap). A known name is never taken for a slip: Dean is not a
/// misspelt Dan, so Dean and Daniel stay different (twins keep their household pattern).
fn misspelt_variant(a: &Token, b: &Token) -> bool {
    if !a.groups.is_empty() {
        return false;
    }
    let Some(&first) = a.chars.first() else { return false };
    b.groups.iter().filter_map(|&g| GROUP_CHARS.get(usize::from(g))).flatten().any(|name| {
        name.first() == Some(&first) && name.len().abs_diff(a.chars.len()) <= 2 && jaro_winkler(&a.chars, name) >= 0.92
    })
}

/// Whether `a` is `b` with two neighbouring letters exchanged (three letters or more).
fn adjacent_swap_of(a: &[char], b: &[char]) -> bool {
    if a.len() != b.len() || a.len() < 3 {
        return false;
    }
    let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) else {
        return false;
    };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

/// Best level over two lists of tokens, with the token of `a` that agreed.
fn best<'a, 'b>(
    a: impl Iterator<Item = &'a Token>,
    b: impl Iterator<Item = &'b Token> + Clone,
) -> (Option<NameLevel>, Option<&'a str>) {
    let mut out: (Option<NameLevel>, Option<&'a str>) = (None, None);
    for x in a {
        for y in b.clone() {
            let level = token_level(x, y);
            if out.0.is_none_or(|o| level < o) {
                out = (Some(level), Some(x.text.as_str()));
            }
        }
    }
    out
}

fn surname_tokens(n: &PreparedName) -> impl Iterator<Item = &Token> + Clone {
    n.surname.iter().chain(n.surname_parts.iter()).map(|t| &**t)
}

/// The tokens of a list, as tokens.
fn tokens(list: &[Arc<Token>]) -> impl Iterator<Item = &Token> + Clone {
    list.iter().map(|t| &**t)
}

/// A level that says the same name, allowing for a nickname or a slip.
fn agrees(level: NameLevel) -> bool {
    matches!(level, NameLevel::Exact | NameLevel::Variant | NameLevel::JaroWinklerHigh)
}

/// Forenames by position: first against first; failing that, a first forename found among the
/// other record's later forenames (`MiddleAsFirst`, the forenames left over then compared as
/// middle names); middle names separately, only when the first forenames do not differ (agree,
/// are close, or one is an initial of the other). Taking the best over every pair of forenames
/// instead would make "Sophia Olivia" and "Amelia Olivia" agree as strongly as two Olivias.
fn compare_forenames<'a>(a: &'a PreparedName, b: &PreparedName) -> (Option<NameLevel>, Option<&'a str>, Option<MiddleLevel>) {
    let (Some(fa), Some(fb)) = (a.forenames.first(), b.forenames.first()) else {
        return (None, None, None);
    };
    let first = token_level(fa, fb);
    if !agrees(first) && fa.chars.len() > 1 && fb.chars.len() > 1 {
        let full = |t: &&Token| t.chars.len() > 1;
        // One record's first forename is a later forename of the other: someone known by a
        // middle name. The forenames left over on both sides are then compared like middle
        // names, so "Harry Oliver" and "Oliver Harry" agree while "Logan Jack" and "Jack Jacob"
        // (brothers) differ; a record holding only the name in use says nothing more.
        if let Some(i) = tokens(&a.forenames).skip(1).position(|x| full(&x) && agrees(token_level(x, fb))) {
            return (Some(NameLevel::MiddleAsFirst), None, middle_level(except(&a.forenames, i + 1), tokens(&b.forenames[1..])));
        }
        if let Some(j) = tokens(&b.forenames).skip(1).position(|y| full(&y) && agrees(token_level(fa, y))) {
            return (Some(NameLevel::MiddleAsFirst), None, middle_level(tokens(&a.forenames[1..]), except(&b.forenames, j + 1)));
        }
    }
    let middle = if first == NameLevel::Different {
        None
    } else {
        middle_level(tokens(&a.forenames[1..]), tokens(&b.forenames[1..]))
    };
    (Some(first), Some(fa.text.as_str()), middle)
}

/// The level of two lists of middle names (`None` when either is empty).
fn middle_level<'x, 'y>(a: impl Iterator<Item = &'x Token>, b: impl Iterator<Item = &'y Token> + Clone) -> Option<MiddleLevel> {
    best(a, b).0.map(|l| match l {
        NameLevel::Initial => MiddleLevel::Initial,
        l if agrees(l) || l == NameLevel::Phonetic => MiddleLevel::Agree,
        _ => MiddleLevel::Different,
    })
}

/// Every token but the one at `skip`.
fn except(list: &[Arc<Token>], skip: usize) -> impl Iterator<Item = &Token> + Clone {
    tokens(list).enumerate().filter(move |(k, _)| *k != skip).map(|(_, t)| t)
}

fn compare_name_pair<'a>(a: &'a PreparedName, b: &PreparedName) -> NamesResult<'a> {
    let (forename, forename_value, middle) = compare_forenames(a, b);
    let (surname, surname_value) = best(surname_tokens(a), surname_tokens(b));
    let mut result = NamesResult {
        forename,
        surname,
        forename_value: forename_value.filter(|_| forename == Some(NameLevel::Exact)),
        surname_value: surname_value.filter(|_| surname == Some(NameLevel::Exact)),
        middle,
        generation_conflict: matches!((&a.generation, &b.generation), (Some(x), Some(y)) if generation_rank(x) != generation_rank(y)),
    };
    // Swapped: a's forenames against b's surname and a's surname against b's forenames.
    let direct = strength(forename) + strength(surname);
    let strong = |l: Option<NameLevel>| l.is_some_and(agrees);
    if !(strong(forename) && strong(surname)) {
        let (cross_f, _) = best(tokens(&a.forenames), surname_tokens(b));
        let (cross_s, _) = best(surname_tokens(a), tokens(&b.forenames));
        // A swap often comes with a slip in one of the two names (Sullivn Imsni for Imani
        // Sullivan): one side must agree strongly, the other at least by sound or spelling.
        // A swapped name may also be cut to its initial (Metcalfe H for Harry Metcalfe).
        let close = |l: Option<NameLevel>| {
            strong(l) || matches!(l, Some(NameLevel::Phonetic | NameLevel::JaroWinklerMid | NameLevel::Initial))
        };
        let swapped = (strong(cross_f) && close(cross_s)) || (close(cross_f) && strong(cross_s));
        if swapped && 2 * strength(Some(NameLevel::Swapped)) > direct {
            // A swap with one name cut to its initial says no more than an initial and a name
            // that agree, and is scored as that: never above the record against itself.
            if cross_f == Some(NameLevel::Initial) || cross_s == Some(NameLevel::Initial) {
                result.forename = Some(NameLevel::Initial);
                result.surname = if cross_f == Some(NameLevel::Initial) { cross_s } else { cross_f };
            } else {
                result.forename = Some(NameLevel::Swapped);
                result.surname = Some(NameLevel::Swapped);
            }
            result.forename_value = None;
            result.surname_value = None;
            result.middle = None;
        }
    }
    result
}

/// Jr/junior/ii are the younger generation; Snr/senior the older; others compare as written.
fn generation_rank(s: &str) -> &str {
    match s {
        "jr" | "jnr" | "junior" => "junior",
        "sr" | "snr" | "senior" => "senior",
        other => other,
    }
}

fn compare_names<'a>(a: &'a Prepared, b: &Prepared) -> NamesResult<'a> {
    let mut best_result = NamesResult {
        forename: None,
        surname: None,
        forename_value: None,
        surname_value: None,
        middle: None,
        generation_conflict: false,
    };
    // Ties are broken on the levels themselves (surname first) so that the choice, and hence the
    // vector, is the same whichever record comes first.
    let mut best_strength = (i32::MIN, None, None, None, false);
    for na in &a.names {
        for nb in &b.names {
            let r = compare_name_pair(na, nb);
            let s = (
                strength(r.forename) + strength(r.surname),
                r.surname.map(std::cmp::Reverse),
                r.forename.map(std::cmp::Reverse),
                r.middle.map(std::cmp::Reverse),
                !r.generation_conflict,
            );
            if s > best_strength {
                best_strength = s;
                best_result = r;
            }
        }
    }
    best_result
}

/// The level of two dates of birth.
pub fn dob_level(a: BirthDate, b: BirthDate) -> DobLevel {
    if a == b {
        return DobLevel::Exact;
    }
    if a.year == b.year && a.day == b.month && a.month == b.day {
        return DobLevel::DayMonthSwapped;
    }
    if a.month == b.month && a.day == b.day && (a.year - b.year).abs() == 1 {
        return DobLevel::YearOffByOne;
    }
    let differing = a
        .digits()
        .iter()
        .zip(b.digits())
        .filter(|(x, y)| **x != *y)
        .count();
    if differing == 1 {
        return DobLevel::OneDigit;
    }
    if differing == 2 && adjacent_swap(&a.digits(), &b.digits()) {
        return DobLevel::Transposed;
    }
    let days = (day_number(a) - day_number(b)).abs();
    if days <= 7 {
        return DobLevel::WithinWeek;
    }
    let day_month_either_way = (a.day == b.day && a.month == b.month) || (a.day == b.month && a.month == b.day);
    if days <= 400 || ((a.year - b.year).abs() <= 1 && day_month_either_way) {
        DobLevel::Close
    } else {
        DobLevel::Different
    }
}

/// Whether [`dob_level`] of `a` and `b` is short of `Different`, decided with the least work:
/// blocking asks this of hundreds of millions of pairs, almost all of them years apart. Within
/// 400 days every level but `Different` holds (`Close` at worst); beyond, only the typing-error
/// levels can: day and month equal or swapped a year apart, one digit, or two adjacent digits
/// transposed. A test holds it equal to `dob_level(a, b) != DobLevel::Different`.
pub fn dob_not_different(a: BirthDate, b: BirthDate) -> bool {
    if (day_number(a) - day_number(b)).abs() <= 400 {
        return true;
    }
    let day_month_either_way = (a.day == b.day && a.month == b.month) || (a.day == b.month && a.month == b.day);
    if day_month_either_way && (a.year - b.year).abs() <= 1 {
        return true;
    }
    let (x, y) = (a.digits(), b.digits());
    match x.iter().zip(&y).filter(|(p, q)| p != q).count() {
        1 => true,
        2 => adjacent_swap(&x, &y),
        _ => false,
    }
}

/// A record's dates of birth in 32 bits, for the blocking index: 0 for none; for one date, its
/// eight digits YYYYMMDD in binary-coded decimal (a nibble each; never 0: months start at 1), so
/// that [`packed_not_different`] compares digits without arithmetic; [`SEVERAL_DOBS`] for more,
/// or for a date out of range (a year not of four digits, a month or day `BirthDate::new` would
/// refuse): then the record's list must be read.
pub(crate) fn packed_dob(dobs: &[BirthDate]) -> u32 {
    match dobs {
        [] => 0,
        [d] if (0..=9999).contains(&d.year) && (1..=12).contains(&d.month) && (1..=31).contains(&d.day) => {
            d.digits().iter().fold(0, |packed, digit| (packed << 4) | u32::from(digit - b'0'))
        }
        _ => SEVERAL_DOBS,
    }
}

/// [`packed_dob`] of a record whose dates must be read from its list (no date packs to it: its
/// nibbles would be 15, which no digit is).
pub(crate) const SEVERAL_DOBS: u32 = u32::MAX;

/// The date a [`packed_dob`] of one date holds.
pub(crate) fn unpacked_dob(packed: u32) -> BirthDate {
    let digit = |k: u32| (packed >> (28 - 4 * k)) & 0xF;
    let number = |from: u32, to: u32| (from..to).fold(0, |n, k| n * 10 + digit(k));
    BirthDate { year: number(0, 4) as i16, month: number(4, 6) as u8, day: number(6, 8) as u8 }
}

/// [`dob_not_different`] of two dates packed by [`packed_dob`] (neither 0 nor [`SEVERAL_DOBS`]).
/// More than three years apart (over 400 days, whatever the days and months) only the digit
/// levels can hold, and those are read off the nibbles: one differs, or two adjacent ones are
/// swapped. Blocking asks this of hundreds of millions of pairs, nearly all years apart.
pub(crate) fn packed_not_different(a: u32, b: u32) -> bool {
    let (x, y) = (unpacked_dob(a), unpacked_dob(b));
    if (x.year - y.year).abs() <= 3 {
        return dob_not_different(x, y);
    }
    let differ = a ^ b;
    // One bit (the lowest of its nibble) for each digit that differs.
    let digits = (differ | differ >> 1 | differ >> 2 | differ >> 3) & 0x1111_1111;
    match digits.count_ones() {
        1 => true,
        2 => {
            let low = digits.trailing_zeros();
            let nibble = |v: u32, at: u32| (v >> at) & 0xF;
            digits == 0x11 << low && nibble(a, low) == nibble(b, low + 4) && nibble(a, low + 4) == nibble(b, low)
        }
        _ => false,
    }
}

/// Whether `b` is `a` with two adjacent characters swapped (and nothing else changed).
fn adjacent_swap(a: &[u8], b: &[u8]) -> bool {
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return false;
    };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`); a legacy
/// day past the month's end (31/02) simply runs on into the next month.
fn day_number(d: BirthDate) -> i64 {
    let (m, day) = (i64::from(d.month), i64::from(d.day));
    let y = i64::from(d.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn compare_dobs(a: &[BirthDate], b: &[BirthDate]) -> Option<DobLevel> {
    a.iter()
        .flat_map(|x| b.iter().map(|y| dob_level(*x, *y)))
        .min()
}

fn compare_postcodes(a: &Prepared, b: &Prepared) -> Option<PostcodeLevel> {
    // Equal packed forms are equal texts, unless neither could be packed.
    let same = |x: &PreparedPostcode, y: &PreparedPostcode, k: usize, text: fn(&PreparedPostcode) -> &str| {
        x.packed[k] == y.packed[k] && (x.packed[k] != NOT_PACKED || text(x) == text(y))
    };
    a.postcodes
        .iter()
        .flat_map(|x| {
            b.postcodes.iter().map(move |y| {
                if same(x, y, 0, |p| &p.full) {
                    PostcodeLevel::Full
                } else if x.packed[1] != 0 && same(x, y, 1, |p| &p.sector) {
                    PostcodeLevel::Sector
                } else if x.packed[2] != 0 && same(x, y, 2, |p| &p.district) {
                    PostcodeLevel::District
                } else {
                    PostcodeLevel::Different
                }
            })
        })
        .min()
}

/// Whether an identifier kind belongs to one person for life, so two values mean two people.
pub fn is_unique_kind(kind: IdentifierKind) -> bool {
    matches!(kind, IdentifierKind::PncId | IdentifierKind::NiNumber)
}

fn is_contact_kind(kind: IdentifierKind) -> bool {
    matches!(kind, IdentifierKind::Phone | IdentifierKind::Email)
}

fn compare_identifiers(
    a: &Prepared,
    b: &Prepared,
) -> (Option<IdentifierLevel>, Option<ContactLevel>) {
    let mut id_shared = false;
    let mut id_both_kinds = false;
    let mut contact_shared = false;
    let mut contact_both = false;
    for (ka, va) in &a.identifiers {
        for (kb, vb) in &b.identifiers {
            if ka != kb {
                continue;
            }
            if is_contact_kind(*ka) {
                contact_both = true;
                contact_shared |= va == vb;
            } else {
                id_both_kinds = true;
                id_shared |= va == vb;
            }
        }
    }
    let conflict = [IdentifierKind::PncId, IdentifierKind::NiNumber]
        .into_iter()
        .any(|k| unique_conflict(a, b, k));
    let identifier = if id_shared {
        Some(IdentifierLevel::Shared)
    } else if conflict {
        Some(IdentifierLevel::Conflict)
    } else if id_both_kinds {
        Some(IdentifierLevel::Different)
    } else {
        None
    };
    let contact = if contact_shared {
        Some(ContactLevel::Shared)
    } else if contact_both {
        Some(ContactLevel::Different)
    } else {
        None
    };
    (identifier, contact)
}

/// Both records carry `kind` and no value is shared.
pub fn unique_conflict(a: &Prepared, b: &Prepared, kind: IdentifierKind) -> bool {
    a.identifier(kind).next().is_some()
        && b.identifier(kind).next().is_some()
        && !a
            .identifier(kind)
            .any(|va| b.identifier(kind).any(|vb| vb == va))
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
