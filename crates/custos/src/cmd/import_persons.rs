//! `custos import persons`: streams a legacy system's person export (CSV) into the store.
//!
//! Checked before anything is written: the file is UTF-8 (a UTF-16 or binary file is refused,
//! naming the byte), the mapping names known fields once each, and every mapped column (and the
//! id column) is in the header. Then rows are read in chunks; each chunk is one transaction
//! (`Store::import_people`), so a killed import loses at most the chunk in flight and is resumed
//! by running the same command again: rows already imported are skipped by their source id.
//!
//! Legacy data is dirty, and a person is not lost for a bad value: a malformed postcode, an
//! invalid NI number, PNC ID or phone number, an unparseable or impossible date of birth, an
//! unknown gender code or a name with stray characters is kept as recorded in the store's
//! data-quality table and flagged, and the person imported without it. A row is rejected (and
//! reported with its line, source id, field and reason, never its personal data) only when it
//! cannot be parsed, identifies nobody (no name), carries an over-long field, or repeats a source
//! id already seen.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use custos_core::ids::UnitId;
use custos_core::identifiers::Postcode;
use custos_core::location::Location;
use custos_core::person::{Gender, IdentifierKind, NameKind, Person, PersonIdentifier, PersonName};
use custos_core::text::Label;
use custos_store::batch::{ImportOutcome, ImportedPerson, MAX_SOURCE_ID_CHARS, QualityIssue, SourceName, batch_unit};
use custos_store::users::batch_loader;
use custos_core::marking::SecurityMarking;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;

use crate::cli::{DbArgs, out};

/// The longest value accepted in any mapped column (a person's name part or an address line is
/// at most 100 characters in the store; a longer value is a broken export, not a person).
pub const MAX_FIELD_CHARS: usize = 100;

#[derive(Debug, Args)]
pub struct PersonsArgs {
    /// The CSV file (UTF-8, header row first).
    pub file: PathBuf,
    /// The name of the system the file comes from (letters, digits, '-', '_', '.').
    #[arg(long)]
    pub source: String,
    /// The column holding each row's id in that system (unique within the source).
    #[arg(long)]
    pub id_column: String,
    /// Which column holds which field: `field=COLUMN,…`. Fields: given_name, middle_name,
    /// surname, dob, gender, address_1, address_2, town, postcode, phone, email, ni_number,
    /// pnc_id, cro_number.
    #[arg(long)]
    pub map: String,
    /// The format of dates of birth, strftime-style (e.g. `%d/%m/%Y`); ISO `YYYY-MM-DD` without it.
    #[arg(long)]
    pub date_format: Option<String>,
    /// The unit that will own the imported records.
    #[arg(long)]
    pub unit: Option<String>,
    /// Where to write the rejected rows (line, source id, field, reason); default FILE.rejected.csv.
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Rows per transaction.
    #[arg(long, default_value_t = 2_000)]
    pub chunk: usize,
}

/// A field a column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    GivenName,
    MiddleName,
    Surname,
    Dob,
    Gender,
    Address1,
    Address2,
    Town,
    Postcode,
    Phone,
    Email,
    NiNumber,
    PncId,
    CroNumber,
}

impl Field {
    const ALL: [(Field, &'static str); 14] = [
        (Self::GivenName, "given_name"),
        (Self::MiddleName, "middle_name"),
        (Self::Surname, "surname"),
        (Self::Dob, "dob"),
        (Self::Gender, "gender"),
        (Self::Address1, "address_1"),
        (Self::Address2, "address_2"),
        (Self::Town, "town"),
        (Self::Postcode, "postcode"),
        (Self::Phone, "phone"),
        (Self::Email, "email"),
        (Self::NiNumber, "ni_number"),
        (Self::PncId, "pnc_id"),
        (Self::CroNumber, "cro_number"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(f, _)| *f == self).map_or("?", |(_, n)| n)
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(f, _)| *f)
    }
}

/// Parses `field=COLUMN,…`: every field known and mapped once, at least one name field.
pub fn parse_map(map: &str) -> anyhow::Result<Vec<(Field, String)>> {
    let mut out: Vec<(Field, String)> = Vec::new();
    for pair in map.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((field, column)) = pair.split_once('=') else {
            bail!("--map: {pair:?} is not field=COLUMN");
        };
        let Some(field) = Field::parse(field.trim()) else {
            let known: Vec<&str> = Field::ALL.iter().map(|(_, n)| *n).collect();
            bail!("--map: unknown field {:?}; the fields are {}", field.trim(), known.join(", "));
        };
        if column.trim().is_empty() {
            bail!("--map: {} names no column", field.name());
        }
        if out.iter().any(|(f, _)| *f == field) {
            bail!("--map: {} is mapped twice", field.name());
        }
        out.push((field, column.trim().to_owned()));
    }
    if !out.iter().any(|(f, _)| matches!(f, Field::GivenName | Field::Surname)) {
        bail!("--map: map given_name or surname (a record with no name identifies nobody)");
    }
    Ok(out)
}

/// Refuses a file that is not UTF-8 text, before anything is written, naming where it fails.
pub fn check_encoding(path: &Path) -> anyhow::Result<()> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    let mut offset: u64 = 0;
    let mut first = true;
    loop {
        let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        let mut chunk = std::mem::take(&mut carry);
        chunk.extend_from_slice(&buf[..n]);
        if first {
            first = false;
            if chunk.starts_with(&[0xFF, 0xFE]) || chunk.starts_with(&[0xFE, 0xFF]) {
                bail!("{} is UTF-16; save it as UTF-8 (nothing was imported)", path.display());
            }
        }
        if let Some(nul) = chunk.iter().position(|&b| b == 0) {
            bail!("{} is not text: a NUL byte at byte {} (nothing was imported)", path.display(), offset + nul as u64);
        }
        match std::str::from_utf8(&chunk) {
            Ok(_) => offset += chunk.len() as u64,
            Err(e) if e.error_len().is_none() => {
                // A character split by the buffer: check it with the next read.
                let valid = e.valid_up_to();
                offset += valid as u64;
                carry = chunk[valid..].to_vec();
            }
            Err(e) => bail!(
                "{} is not UTF-8 (at byte {}); convert it to UTF-8 first (nothing was imported)",
                path.display(),
                offset + e.valid_up_to() as u64
            ),
        }
    }
    if !carry.is_empty() {
        bail!("{} ends in the middle of a UTF-8 character (nothing was imported)", path.display());
    }
    Ok(())
}

/// Why a row was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub field: String,
    pub reason: String,
}

fn reject(field: &str, reason: impl Into<String>) -> Reject {
    Reject { field: field.to_owned(), reason: reason.into() }
}

/// Turns rows into people by the mapping.
#[derive(Debug)]
pub struct RowParser {
    id_column: usize,
    width: usize,
    fields: Vec<(Field, usize)>,
    date_format: Option<String>,
    today: Date,
}

impl RowParser {
    /// Resolves the mapping against the header: every mapped column must be there.
    pub fn new(
        header: &csv::StringRecord,
        id_column: &str,
        map: &[(Field, String)],
        date_format: Option<String>,
        today: Date,
    ) -> anyhow::Result<Self> {
        let position = |name: &str| header.iter().position(|h| h.trim() == name);
        let mut missing: Vec<String> = Vec::new();
        let id = position(id_column);
        if id.is_none() {
            missing.push(format!("{id_column:?} (--id-column)"));
        }
        let mut fields = Vec::new();
        for (field, column) in map {
            match position(column) {
                Some(i) => fields.push((*field, i)),
                None => missing.push(format!("{column:?} (for {})", field.name())),
            }
        }
        if !missing.is_empty() {
            let found: Vec<&str> = header.iter().collect();
            bail!(
                "the file has no column {}; its columns are {} (nothing was imported)",
                missing.join(", "),
                found.join(", ")
            );
        }
        if let Some(format) = &date_format {
            // A format that cannot print a date cannot parse one either: refuse it now.
            jiff::fmt::strtime::format(format.as_str(), Date::constant(2000, 1, 2))
                .map_err(|e| anyhow::anyhow!("--date-format {format:?} is not a date format: {e}"))?;
        }
        Ok(Self { id_column: id.unwrap_or(0), width: header.len(), fields, date_format, today })
    }

    /// The row's source id, if it has one (for reporting a rejected row).
    pub fn source_id<'a>(&self, record: &'a csv::StringRecord) -> &'a str {
        record.get(self.id_column).map_or("", str::trim)
    }

    /// Parses one row into a person, its address and the values kept only as recorded.
    pub fn parse(&self, line: u64, record: &csv::StringRecord) -> Result<ImportedPerson, Reject> {
        if record.len() != self.width {
            return Err(reject("", format!("has {} fields; the header has {}", record.len(), self.width)));
        }
        let source_id = self.source_id(record);
        if source_id.is_empty() {
            return Err(reject("source_id", "no source id"));
        }
        if source_id.chars().count() > MAX_SOURCE_ID_CHARS {
            return Err(reject("source_id", format!("longer than {MAX_SOURCE_ID_CHARS} characters")));
        }
        let mut values: HashMap<Field, &str> = HashMap::new();
        for (field, column) in &self.fields {
            let value = record.get(*column).unwrap_or("").trim();
            if value.chars().count() > MAX_FIELD_CHARS {
                return Err(reject(field.name(), format!("longer than {MAX_FIELD_CHARS} characters")));
            }
            if !value.is_empty() {
                values.insert(*field, value);
            }
        }
        let mut issues: Vec<QualityIssue> = Vec::new();

        // Names: stray characters are dropped (and flagged); one name alone is kept as the surname.
        let mut clean = |field: Field| -> Vec<String> {
            let Some(raw) = values.get(&field) else { return Vec::new() };
            let cleaned = clean_name(raw);
            if cleaned.join(" ") != raw.split_whitespace().collect::<Vec<_>>().join(" ") {
                let problem = format!("characters that are not part of a name were dropped: {:?}", cleaned.join(" "));
                flag(&mut issues, field, raw, problem);
            }
            cleaned
        };
        let given = clean(Field::GivenName);
        let middle = clean(Field::MiddleName);
        let surname = clean(Field::Surname);
        let mut forenames: Vec<String> = given.into_iter().chain(middle).collect();
        let surname = if surname.is_empty() {
            match forenames.pop() {
                Some(only) if forenames.is_empty() => {
                    flag(&mut issues, Field::Surname, "", "no surname: the one name recorded is kept as the surname".into());
                    only
                }
                Some(last) => {
                    flag(&mut issues, Field::Surname, "", "no surname: the last forename recorded is kept as the surname".into());
                    last
                }
                None => return Err(reject("surname", "no name: the row identifies nobody")),
            }
        } else {
            surname.join(" ")
        };
        let forename_refs: Vec<&str> = forenames.iter().map(String::as_str).collect();
        let name = PersonName::new(NameKind::Primary, &forename_refs, &surname)
            .map_err(|e| reject("surname", format!("the name cannot be stored: {e}")))?;
        let mut person = Person::new(vec![name]).map_err(|e| reject("surname", format!("the name cannot be stored: {e}")))?;

        if let Some(raw) = values.get(&Field::Dob) {
            match self.date(raw) {
                Ok(date) if date > self.today => flag(&mut issues, Field::Dob, raw, "a date of birth in the future".into()),
                Ok(date) if date.year() < 1880 => flag(&mut issues, Field::Dob, raw, "a date of birth before 1880".into()),
                Ok(date) => person.dates_of_birth.push(date),
                Err(problem) => flag(&mut issues, Field::Dob, raw, problem),
            }
        }
        if let Some(raw) = values.get(&Field::Gender) {
            match gender(raw) {
                Some(g) => person.gender = Some(g),
                None => flag(&mut issues, Field::Gender, raw, "not a gender code (male, female, other, unknown; M, F, U; 1, 2, 0, 9)".into()),
            }
        }
        for (field, kind) in [
            (Field::PncId, IdentifierKind::PncId),
            (Field::CroNumber, IdentifierKind::CroNumber),
            (Field::NiNumber, IdentifierKind::NiNumber),
            (Field::Phone, IdentifierKind::Phone),
            (Field::Email, IdentifierKind::Email),
        ] {
            if let Some(raw) = values.get(&field) {
                match PersonIdentifier::parse(kind, raw) {
                    Ok(id) => person.identifiers.push(id),
                    Err(e) => flag(&mut issues, field, raw, e.to_string()),
                }
            }
        }

        let postcode = values.get(&Field::Postcode).and_then(|raw| match Postcode::parse(raw) {
            Ok(p) => Some(p),
            Err(e) => {
                flag(&mut issues, Field::Postcode, raw, e.to_string());
                None
            }
        });
        let town = values.get(&Field::Town).map(|t| label(t)).transpose().map_err(|e| reject("town", e))?;
        let mut lines: Vec<Label> = Vec::new();
        for field in [Field::Address1, Field::Address2] {
            if let Some(raw) = values.get(&field) {
                lines.push(label(raw).map_err(|e| reject(field.name(), e))?);
            }
        }
        let address = if lines.is_empty() && town.is_none() && postcode.is_none() {
            None
        } else {
            // A location needs an address line: the town or postcode stands in when none was kept.
            if lines.is_empty() {
                let stand_in = town.clone().or_else(|| postcode.as_ref().and_then(|p| Label::parse(p.as_str()).ok()));
                lines.extend(stand_in);
            }
            let mut location = Location::new(lines).map_err(|e| reject("address_1", e.to_string()))?;
            location.town = town;
            location.postcode = postcode;
            Some(location)
        };
        Ok(ImportedPerson { source_id: source_id.to_owned(), line, person, address, issues })
    }

    fn date(&self, raw: &str) -> Result<Date, String> {
        match &self.date_format {
            Some(format) => Date::strptime(format.as_str(), raw).map_err(|_| format!("not a date in the format {format:?}")),
            None => raw.parse::<Date>().map_err(|_| "not a date (YYYY-MM-DD; give --date-format for others)".to_owned()),
        }
    }
}

fn flag(issues: &mut Vec<QualityIssue>, field: Field, recorded: &str, problem: String) {
    issues.push(QualityIssue { field: field.name().to_owned(), recorded: recorded.to_owned(), problem });
}

/// Today's date in UTC (a date of birth after it is impossible).
fn today_utc() -> Date {
    let days = jiff::Timestamp::now().as_second().div_euclid(86_400);
    Date::constant(1970, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap_or(Date::MAX)
}

/// The words of a name with every character a name cannot hold dropped (`.` and `,` separate
/// words: "J.R." is two initials).
fn clean_name(raw: &str) -> Vec<String> {
    raw.split(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '/' | '_'))
        .map(|w| w.chars().filter(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-')).collect::<String>())
        .map(|w| w.trim_matches(|c| c == '-' || c == '\'').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

fn gender(raw: &str) -> Option<Gender> {
    // ONS/NHS person-stated gender codes: 1 male, 2 female, 0 not known, 9 not specified.
    match raw.trim().to_lowercase().as_str() {
        "1" => Some(Gender::Male),
        "2" => Some(Gender::Female),
        "0" | "9" => Some(Gender::NotKnown),
        other => other.replace(' ', "_").parse().ok(),
    }
}

fn label(raw: &str) -> Result<Label, String> {
    Label::parse(&raw.split_whitespace().collect::<Vec<_>>().join(" ")).map_err(|e| e.to_string())
}

pub async fn run(db: &DbArgs, args: PersonsArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.chunk >= 1, "--chunk must be at least 1");
    let source: SourceName = args.source.parse().map_err(|e| anyhow::anyhow!("--source: {e}"))?;
    let map = parse_map(&args.map)?;
    let unit = match &args.unit {
        Some(u) => UnitId::parse(u).map_err(|e| anyhow::anyhow!("--unit: {e}"))?,
        None => batch_unit(),
    };
    check_encoding(&args.file)?;
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let header = reader.headers().with_context(|| format!("cannot read the header of {}", args.file.display()))?.clone();
    let today = today_utc();
    let parser = RowParser::new(&header, &args.id_column, &map, args.date_format.clone(), today)?;
    let rejects_path = args.rejects.clone().unwrap_or_else(|| {
        let mut p = args.file.clone().into_os_string();
        p.push(".rejected.csv");
        PathBuf::from(p)
    });
    let mut rejects = csv::Writer::from_path(&rejects_path)
        .with_context(|| format!("cannot write the rejected-rows report {}", rejects_path.display()))?;
    rejects.write_record(["line", "source_id", "field", "reason"])?;

    let store = db.open().await?;
    let principal = batch_loader(unit.clone());
    let marking = SecurityMarking::official(unit);
    let reason = format!("imported from {source} ({})", args.file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()));
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, {eta} left) {msg}")
            .context("progress bar template")?
            .progress_chars("=> "),
    );

    let mut seen: HashMap<String, u64> = HashMap::new();
    let (mut read, mut created, mut skipped, mut rejected, mut flagged) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut chunk: Vec<ImportedPerson> = Vec::with_capacity(args.chunk);
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        let more = match reader.read_record(&mut record) {
            Ok(more) => more,
            // A failing disk or file is not a bad row: stop (the chunks stored so far stay, and a
            // re-run resumes after them).
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(anyhow::anyhow!("cannot read {} at line {line}: {e}", args.file.display()));
            }
            Err(e) => {
                read += 1;
                rejected += 1;
                rejects.write_record([line.to_string(), String::new(), String::new(), format!("cannot be parsed: {e}")])?;
                continue;
            }
        };
        if !more {
            break;
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        read += 1;
        let id = parser.source_id(&record).to_owned();
        let parsed = match seen.get(&id) {
            Some(first) if !id.is_empty() => Err(reject("source_id", format!("repeats the source id of line {first}"))),
            _ => parser.parse(line, &record),
        };
        match parsed {
            Ok(person) => {
                seen.insert(id, line);
                flagged += person.issues.len() as u64;
                chunk.push(person);
            }
            Err(r) => {
                rejected += 1;
                rejects.write_record([line.to_string(), id, r.field, r.reason])?;
            }
        }
        if chunk.len() >= args.chunk {
            let (c, s) = write_chunk(&store, &principal, &source, &marking, &mut chunk, &reason).await?;
            created += c;
            skipped += s;
            bar.set_position(reader.position().byte());
            bar.set_message(format!("{created} imported, {rejected} rejected"));
        }
    }
    let (c, s) = write_chunk(&store, &principal, &source, &marking, &mut chunk, &reason).await?;
    created += c;
    skipped += s;
    bar.finish_and_clear();
    rejects.flush()?;
    store.integrate_audit().await?;
    store.close().await;
    out(format_args!(
        "{read} rows read: {created} people imported, {skipped} already imported, {rejected} rejected \
         (reasons in {}), {flagged} values kept as recorded and flagged for data quality",
        rejects_path.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// Imports one chunk (one transaction), then seals its audit events; returns (created, skipped).
async fn write_chunk(
    store: &custos_store::Store,
    principal: &custos_authz::Principal,
    source: &SourceName,
    marking: &SecurityMarking,
    chunk: &mut Vec<ImportedPerson>,
    reason: &str,
) -> anyhow::Result<(u64, u64)> {
    if chunk.is_empty() {
        return Ok((0, 0));
    }
    let outcomes = store.import_people(principal, source, marking, chunk, reason).await?;
    chunk.clear();
    store.integrate_audit().await?;
    let created = outcomes.iter().filter(|o| matches!(o, ImportOutcome::Created(_))).count() as u64;
    Ok((created, outcomes.len() as u64 - created))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cols: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cols.to_vec())
    }

    fn parser(date_format: Option<&str>) -> RowParser {
        let h = header(&["id", "first", "last", "born", "sex", "street", "town", "pc", "ni", "pnc", "tel"]);
        let map = parse_map(
            "given_name=first,surname=last,dob=born,gender=sex,address_1=street,town=town,postcode=pc,ni_number=ni,pnc_id=pnc,phone=tel",
        )
        .unwrap();
        RowParser::new(&h, "id", &map, date_format.map(str::to_owned), Date::constant(2026, 12, 4)).unwrap()
    }

    fn row(values: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(values.to_vec())
    }

    #[test]
    fn a_clean_row_becomes_a_person_with_an_address() {
        let p = parser(None)
            .parse(2, &row(&["A1", "John Paul", "Smith", "1980-02-29", "M", "12 High St", "Leeds", "ls1 4ap", "AB123456C", "", ""]))
            .unwrap();
        assert_eq!(p.source_id, "A1");
        assert_eq!(p.person.primary_name().forenames(), ["John", "Paul"]);
        assert_eq!(p.person.primary_name().surname(), "Smith");
        assert_eq!(p.person.dates_of_birth, vec![Date::constant(1980, 2, 29)]);
        assert_eq!(p.person.gender, Some(Gender::Male));
        assert_eq!(p.person.identifiers.len(), 1);
        let address = p.address.unwrap();
        assert_eq!(address.postcode.unwrap().as_str(), "LS1 4AP");
        assert!(p.issues.is_empty(), "{:?}", p.issues);
    }

    #[test]
    fn bad_values_are_kept_as_recorded_and_flagged_not_lost() {
        let p = parser(None)
            .parse(3, &row(&["A2", "Mary", "O'Brien", "31/02/1990", "X", "", "", "NOT A PC", "QQ12", "2001/1", "12"]))
            .unwrap();
        assert!(p.person.dates_of_birth.is_empty());
        assert!(p.person.identifiers.is_empty());
        assert!(p.address.is_none());
        let flagged: Vec<(&str, &str)> = p.issues.iter().map(|i| (i.field.as_str(), i.recorded.as_str())).collect();
        for expected in [("dob", "31/02/1990"), ("gender", "X"), ("postcode", "NOT A PC"), ("ni_number", "QQ12"), ("pnc_id", "2001/1"), ("phone", "12")] {
            assert!(flagged.contains(&expected), "{expected:?} not in {flagged:?}");
        }
    }

    #[test]
    fn impossible_dates_are_flagged() {
        let future = parser(None).parse(2, &row(&["A", "Ann", "Lee", "2027-01-01", "", "", "", "", "", "", ""])).unwrap();
        assert!(future.person.dates_of_birth.is_empty());
        assert_eq!(future.issues[0].problem, "a date of birth in the future");
        let ancient = parser(None).parse(2, &row(&["A", "Ann", "Lee", "1850-01-01", "", "", "", "", "", "", ""])).unwrap();
        assert!(ancient.person.dates_of_birth.is_empty());
    }

    #[test]
    fn a_date_format_reads_uk_dates() {
        let p = parser(Some("%d/%m/%Y")).parse(2, &row(&["A", "Ann", "Lee", "03/04/1975", "", "", "", "", "", "", ""])).unwrap();
        assert_eq!(p.person.dates_of_birth, vec![Date::constant(1975, 4, 3)]);
        let iso = parser(Some("%d/%m/%Y")).parse(2, &row(&["A", "Ann", "Lee", "1975-04-03", "", "", "", "", "", "", ""])).unwrap();
        assert!(iso.person.dates_of_birth.is_empty(), "the given format is the only one read");
    }

    #[test]
    fn stray_characters_are_dropped_from_names_and_flagged() {
        let p = parser(None).parse(2, &row(&["A", "J.R.", "Sm1th", "", "", "", "", "", "", "", ""])).unwrap();
        assert_eq!(p.person.primary_name().forenames(), ["J", "R"]);
        assert_eq!(p.person.primary_name().surname(), "Smth");
        assert_eq!(p.issues.iter().filter(|i| i.field == "surname").count(), 1);
    }

    #[test]
    fn a_surname_of_stray_characters_is_flagged_for_both_problems() {
        // The store keeps one issue per field, joining the two (see the `link_cli` test).
        let p = parser(None).parse(2, &row(&["A", "Ann", "?", "", "", "", "", "", "", "", ""])).unwrap();
        assert_eq!(p.person.primary_name().surname(), "Ann");
        let surname: Vec<&str> = p.issues.iter().filter(|i| i.field == "surname").map(|i| i.problem.as_str()).collect();
        assert!(surname.iter().any(|p| p.contains("dropped")) && surname.iter().any(|p| p.contains("no surname")), "{surname:?}");
    }

    #[test]
    fn one_name_alone_is_kept_as_the_surname() {
        let p = parser(None).parse(2, &row(&["A", "Madonna", "", "", "", "", "", "", "", "", ""])).unwrap();
        assert_eq!(p.person.primary_name().surname(), "Madonna");
        assert!(p.person.primary_name().forenames().is_empty());
        assert_eq!(p.issues[0].field, "surname");
    }

    #[test]
    fn rows_that_identify_nobody_or_are_broken_are_rejected() {
        let p = parser(None);
        let cases: [(&[&str], &str); 5] = [
            (&["A", "", "", "1980-01-01", "", "", "", "", "", "", ""], "surname"),
            (&["A", "--", "..", "", "", "", "", "", "", "", ""], "surname"),
            (&["", "Ann", "Lee", "", "", "", "", "", "", "", ""], "source_id"),
            (&["A", "Ann", "Lee"], ""),
            (&["A", "Ann", &"x".repeat(101), "", "", "", "", "", "", "", ""], "surname"),
        ];
        for (values, field) in cases {
            let r = p.parse(2, &row(values)).unwrap_err();
            assert_eq!(r.field, field, "{values:?}: {r:?}");
        }
    }

    #[test]
    fn the_mapping_is_checked_before_reading() {
        assert!(parse_map("given_name=a,surname=b").is_ok());
        for bad in ["", "dob=x", "given_name", "shoe_size=x,surname=s", "surname=a,surname=b", "surname="] {
            assert!(parse_map(bad).is_err(), "{bad:?}");
        }
        let h = header(&["id", "first"]);
        let map = parse_map("given_name=first,surname=last").unwrap();
        let e = RowParser::new(&h, "id", &map, None, Date::constant(2026, 1, 1)).unwrap_err().to_string();
        assert!(e.contains("\"last\""), "{e}");
        let e = RowParser::new(&h, "key", &parse_map("given_name=first").unwrap(), None, Date::constant(2026, 1, 1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("--id-column"), "{e}");
        assert!(RowParser::new(&h, "id", &parse_map("given_name=first").unwrap(), Some("%Q".into()), Date::constant(2026, 1, 1)).is_err());
    }

    #[test]
    fn files_that_are_not_utf8_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        assert!(check_encoding(&write("ok.csv", "id,name\n1,Zoë\n".as_bytes())).is_ok());
        let latin1 = check_encoding(&write("latin1.csv", b"id,name\n1,Zo\xeb\n")).unwrap_err().to_string();
        assert!(latin1.contains("not UTF-8") && latin1.contains("byte 12"), "{latin1}");
        let utf16 = check_encoding(&write("utf16.csv", &[0xFF, 0xFE, b'i', 0, b'd', 0])).unwrap_err().to_string();
        assert!(utf16.contains("UTF-16"), "{utf16}");
        assert!(check_encoding(&write("cut.csv", &[b'a', 0xC3])).is_err());
        // A character split across the 1 MiB read boundary is still valid.
        let mut big = vec![b'a'; (1 << 20) - 1];
        big.extend_from_slice("ë\n".as_bytes());
        assert!(check_encoding(&write("big.csv", &big)).is_ok());
    }

    #[test]
    fn gender_codes() {
        for (raw, g) in [("M", Gender::Male), ("female", Gender::Female), ("1", Gender::Male), ("2", Gender::Female), ("9", Gender::NotKnown), ("Not Known", Gender::NotKnown)] {
            assert_eq!(gender(raw), Some(g), "{raw}");
        }
        assert_eq!(gender("Z"), None);
    }
}
