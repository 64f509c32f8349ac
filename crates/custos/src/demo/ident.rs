//! Identifiers built to their issuers' rules: National Insurance numbers (HMRC NIM39110), PNC IDs
//! and CRO numbers with their modulus-23 check letters (CJSE data standards), DVLA driving licence
//! numbers encoding surname, date of birth and initials, passports, UK mobile numbers, e-mail
//! addresses from names, current-format vehicle registrations (DVLA INF104) and IMEIs with a Luhn
//! check digit (3GPP TS 23.003). Serial parts come from `permute` over a caller-supplied counter,
//! so two different people never share a number.

use jiff::civil::Date;

use super::corrupt::fold_diacritics;
use super::sample::{Stream, between, chance, index, mix, permute, pick, weighted};

/// The PNC/CRO check-letter alphabet: remainder 0 is Z, 1 is A, ... without I, O and S.
const MOD23: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";

pub(super) fn mod23_letter(n: u64) -> char {
    char::from(MOD23[(n % 23) as usize])
}

/// Letters allowed as the first and second letter of a NINO prefix (NIM39110).
const NINO_FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
const NINO_SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
const NINO_UNALLOCATED: &[&str] = &["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

/// A National Insurance number such as `AB123456C`; `serial` must be unique per person.
pub(super) fn ni_number(rng: &mut Stream, serial: u64, key: u64) -> String {
    let prefix = loop {
        let p = format!("{}{}", char::from(pick(rng, NINO_FIRST)), char::from(pick(rng, NINO_SECOND)));
        if !NINO_UNALLOCATED.contains(&p.as_str()) {
            break p;
        }
    };
    let digits = permute(serial, 1_000_000, key ^ 0x4E49);
    let suffix = char::from(b"ABCD"[index(rng, 4)]);
    format!("{prefix}{digits:06}{suffix}")
}

/// A PNC ID `YYYY/NNNNNNNA`: the check letter is (2-digit year followed by the 7-digit serial, as
/// one number) mod 23.
pub(super) fn pnc_id(year: i16, serial: u64, key: u64) -> String {
    let n = 1 + permute(serial, 999_999, key ^ 0x504E43);
    let check = mod23_letter((year as u64 % 100) * 10_000_000 + n);
    format!("{year:04}/{n:07}{check}")
}

/// A CRO number `NNNNNN/YYA`: the check letter is (2-digit year followed by the 6-digit serial)
/// mod 23.
pub(super) fn cro_number(year: i16, serial: u64, key: u64) -> String {
    let n = 1 + permute(serial, 999_999, key ^ 0x43524F);
    let yy = year as u64 % 100;
    let check = mod23_letter(yy * 1_000_000 + n);
    format!("{n:06}/{yy:02}{check}")
}

/// A GB driving licence number (DVLA): the first five letters of the surname padded with 9s
/// (Mac written MC), the decade digit of the birth year, the birth month (+50 for women), the day,
/// the last digit of the year, two initials padded with 9, the digit 9 and two check letters.
pub(super) fn driving_licence(rng: &mut Stream, surname: &str, forenames: &[String], dob: Date, female: bool) -> String {
    let mut letters: String = fold_diacritics(surname).chars().filter(char::is_ascii_alphabetic).collect::<String>().to_uppercase();
    if let Some(rest) = letters.strip_prefix("MAC") {
        letters = format!("MC{rest}");
    }
    let mut out: String = letters.chars().chain(std::iter::repeat('9')).take(5).collect();
    let year = i32::from(dob.year());
    let month = i32::from(dob.month()) + if female { 50 } else { 0 };
    out.push_str(&format!("{}{month:02}{:02}{}", (year / 10) % 10, dob.day(), year % 10));
    let initials: String = forenames
        .iter()
        .filter_map(|f| fold_diacritics(f).chars().find(char::is_ascii_alphabetic))
        .map(|c| c.to_ascii_uppercase())
        .chain(std::iter::repeat('9'))
        .take(2)
        .collect();
    out.push_str(&initials);
    out.push('9');
    for _ in 0..2 {
        out.push(char::from(b'A' + index(rng, 26) as u8));
    }
    out
}

/// A passport number of the given ISO 3166 alpha-3 country: UK passports are 9 digits; other
/// countries follow their usual letter/digit shapes.
pub(super) fn passport(rng: &mut Stream, country: &str, serial: u64, key: u64) -> String {
    let shape = match country {
        "POL" => "AA9999999",
        "ROU" | "LTU" => "99999999",
        "NGA" | "GHA" | "SLE" => "A99999999",
        "IND" | "BGD" => "A9999999",
        "PAK" => "AA9999999",
        "TUR" => "A99999999",
        "PRT" | "ESP" | "ITA" => "AA999999",
        "CHN" => "E99999999",
        _ => "",
    };
    if shape.is_empty() {
        let n = 100_000_000 + permute(serial, 500_000_000, key ^ 0x5041);
        return format!("{n:09}");
    }
    shape
        .chars()
        .map(|c| match c {
            'A' => char::from(b'A' + index(rng, 26) as u8),
            '9' => char::from(b'0' + index(rng, 10) as u8),
            other => other,
        })
        .collect()
}

/// A UK mobile number `07xxxxxxxxx` (Ofcom allocates 071–075 and 077–079 to mobiles).
pub(super) fn mobile(serial: u64, key: u64) -> String {
    const SECOND: &[u8] = b"12345789";
    let v = permute(serial, 8 * 100_000_000, key ^ 0x4D4F42);
    format!("07{}{:08}", char::from(SECOND[(v / 100_000_000) as usize]), v % 100_000_000)
}

const EMAIL_DOMAINS: &[(&str, f64)] = &[
    ("gmail.com", 40.0),
    ("hotmail.com", 12.0),
    ("hotmail.co.uk", 10.0),
    ("outlook.com", 8.0),
    ("yahoo.co.uk", 7.0),
    ("icloud.com", 7.0),
    ("yahoo.com", 4.0),
    ("live.co.uk", 4.0),
    ("btinternet.com", 3.0),
    ("googlemail.com", 2.0),
    ("aol.com", 1.0),
    ("sky.com", 2.0),
];

/// A personal e-mail address made from the name, as people choose them.
pub(super) fn email(rng: &mut Stream, forename: &str, surname: &str, birth_year: i16, serial: u64) -> String {
    let clean = |s: &str| -> String { fold_diacritics(s).chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase() };
    let (first, last) = (clean(forename), clean(surname));
    let f = first.chars().next().unwrap_or('x');
    let n = mix(serial) % 1000;
    let yy = birth_year % 100;
    let local = match index(rng, 7) {
        0 => format!("{first}.{last}{n}"),
        1 => format!("{first}{last}{yy:02}"),
        2 => format!("{f}{last}{n}"),
        3 => format!("{first}_{last}{}", n % 100),
        4 => format!("{last}.{first}{n}"),
        5 => format!("{first}{birth_year}{}", n % 10),
        _ => format!("{first}.{f}{last}{n}"),
    };
    format!("{local}@{}", weighted(rng, EMAIL_DOMAINS))
}

/// Local memory tag first letters (DVLA regions); London (L) is the most common here.
const TAG_FIRST: &[(u8, f64)] = &[
    (b'L', 30.0), (b'E', 8.0), (b'K', 6.0), (b'G', 5.0), (b'R', 5.0), (b'A', 4.0), (b'B', 4.0), (b'M', 4.0),
    (b'W', 3.0), (b'Y', 4.0), (b'N', 3.0), (b'P', 3.0), (b'S', 3.0), (b'O', 3.0), (b'H', 3.0), (b'F', 3.0),
    (b'D', 2.0), (b'C', 2.0), (b'V', 2.0),
];
/// Letters allowed in the second letter of the memory tag (not I, Q or Z).
const TAG_SECOND: &[u8; 23] = b"ABCDEFGHJKLMNOPRSTUVWXY";
/// Letters allowed in the three random letters (not I or Q).
const RANDOM_LETTERS: &[u8; 24] = b"ABCDEFGHJKLMNOPRSTUVWXYZ";

/// A current-format registration `AA99AAA` for a vehicle first registered in `year` (2001 to
/// 2025): the age identifier is the year's last two digits for March–August registrations and
/// that plus 50 for September–February ones. `serial` must be unique per vehicle.
pub(super) fn vrm(rng: &mut Stream, year: i16, serial: u64, key: u64) -> String {
    let first = weighted(rng, TAG_FIRST);
    let year = year.clamp(2001, 2025);
    let age = if year == 2001 || chance(rng, 0.5) { (year % 100) + 50 } else { year % 100 };
    let v = permute(serial, 23 * 24 * 24 * 24, key ^ u64::from(first));
    let second = TAG_SECOND[(v / 13_824) as usize];
    let r = v % 13_824;
    let letters = [RANDOM_LETTERS[(r / 576) as usize], RANDOM_LETTERS[((r / 24) % 24) as usize], RANDOM_LETTERS[(r % 24) as usize]];
    format!("{}{}{age:02}{}{}{}", char::from(first), char::from(second), char::from(letters[0]), char::from(letters[1]), char::from(letters[2]))
}

/// The Luhn check digit for a string of ASCII digits (the rightmost payload digit is doubled).
pub(super) fn luhn_digit(payload: &str) -> u32 {
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// An IMEI: the 8-digit type allocation code of the handset model, a 6-digit serial unique per
/// `serial`, and the Luhn check digit.
pub(super) fn imei(tac: &str, serial: u64, key: u64) -> String {
    let body = format!("{tac}{:06}", permute(serial, 1_000_000, key ^ mix(tac.len() as u64)));
    let check = luhn_digit(&body);
    format!("{body}{check}")
}

/// A year between `lo` and `hi` inclusive.
pub(super) fn year_between(rng: &mut Stream, lo: i16, hi: i16) -> i16 {
    between(rng, i64::from(lo), i64::from(hi.max(lo))) as i16
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rand::SeedableRng;

    #[test]
    fn check_letters_match_published_examples() {
        // CJSE / hmpps-person-record examples: PNC 2008/0056560Z and CRO 265416/21G.
        assert_eq!(mod23_letter(8 * 10_000_000 + 56_560), 'Z');
        assert_eq!(mod23_letter(21 * 1_000_000 + 265_416), 'G');
        let p = pnc_id(2012, 5, 77);
        let (year, rest) = p.split_once('/').unwrap();
        let serial: u64 = rest[..7].parse().unwrap();
        assert_eq!(year, "2012");
        assert_eq!(rest.chars().last().unwrap(), mod23_letter(12 * 10_000_000 + serial));
    }

    #[test]
    fn luhn_matches_the_3gpp_example() {
        // 3GPP TS 23.003 Annex B: IMEI 49015420323751 has check digit 8.
        assert_eq!(luhn_digit("49015420323751"), 8);
        assert_eq!(imei("49015420", 1, 2).len(), 15);
    }

    #[test]
    fn licence_encodes_name_and_birth() {
        let mut rng = Stream::seed_from_u64(1);
        let forenames = vec!["Sarah".to_owned(), "Jane".to_owned()];
        let dl = driving_licence(&mut rng, "Morgan", &forenames, date(1976, 7, 5), true);
        assert_eq!(&dl[..14], "MORGA757056SJ9");
        assert_eq!(dl.len(), 16);
        let dl = driving_licence(&mut rng, "MacLeod", &["Ian".to_owned()], date(1985, 11, 23), false);
        assert_eq!(&dl[..14], "MCLEO811235I99");
        let dl = driving_licence(&mut rng, "Ng", &["Wei".to_owned()], date(2001, 1, 2), false);
        assert_eq!(&dl[..5], "NG999");
    }

    #[test]
    fn serial_based_numbers_are_unique() {
        let mut all: Vec<String> = (0..5000).map(|s| mobile(s, 9)).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 5000);
        let mut rng = Stream::seed_from_u64(2);
        let mut plates: Vec<String> = (0..5000).map(|s| vrm(&mut rng, 2015, s, 9)).collect();
        plates.sort_unstable();
        plates.dedup();
        assert_eq!(plates.len(), 5000);
    }
}
