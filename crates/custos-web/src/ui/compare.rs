//! Two people side by side, as the pages that ask a person "is this the same person?" show them:
//! the candidates of search before create (`person_match`) and the duplicate-review queue
//! (`reviews`). One table of the fields an officer tells people apart by, a difference marked in
//! words ("differs") as well as by the row's band (so colour is never the only signal), the match
//! probability as a percentage that never rounds to certainty, and the matcher's explanation in
//! words. Kept in one place so both pages compare alike.

use custos_core::person::Person;
use custos_match::Explanation;
use maud::{Markup, html};

use super::layout::human;

/// One line of a comparison: a field on each side.
pub struct Row {
    pub label: &'static str,
    pub left: String,
    pub right: String,
}

impl Row {
    /// Both sides say something, and not the same thing (case and spacing aside).
    pub fn differs(&self) -> bool {
        let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        !self.left.is_empty() && !self.right.is_empty() && fold(&self.left) != fold(&self.right)
    }
}

/// The fields an officer compares to tell two people apart; rows empty on both sides are left out.
pub fn compare(left: &Person, right: &Person) -> Vec<Row> {
    let row = |label, side: fn(&Person) -> String| Row { label, left: side(left), right: side(right) };
    let rows = [
        row("Name", |p| p.primary_name().display_name()),
        row("Other names", |p| {
            let others: Vec<String> =
                p.names().iter().skip(1).map(|n| format!("{} ({})", n.display_name(), human(n.kind().as_str()))).collect();
            others.join("; ")
        }),
        row("Date of birth", |p| sorted(p.dates_of_birth.iter().map(ToString::to_string))),
        row("Gender", |p| p.gender.map(|g| human(g.as_str())).unwrap_or_default()),
        row("Identifiers", |p| sorted(p.identifiers.iter().map(|i| format!("{} {}", human(i.kind().as_str()), i.value())))),
        row("Warning markers", |p| sorted(p.warning_markers.iter().map(|m| human(m.as_str())))),
    ];
    rows.into_iter().filter(|r| !(r.left.is_empty() && r.right.is_empty())).collect()
}

/// The comparison table: `headings` name the two sides' columns (also each cell's label when the
/// table is stacked on a phone), `missing` is what an empty cell on each side says.
pub fn compare_table(rows: &[Row], headings: [&str; 2], missing: [&str; 2]) -> Markup {
    let cell = |value: &str, missing: &str| html! { @if value.is_empty() { span.muted { (missing) } } @else { (value) } };
    html! {
        table.compare {
            thead { tr { th scope="col" { "Field" } th scope="col" { (headings[0]) } th scope="col" { (headings[1]) } } }
            tbody {
                @for row in rows {
                    tr class=[row.differs().then_some("differs")] {
                        th scope="row" { (row.label) @if row.differs() { " " span.flag { "differs" } } }
                        td data-label=(headings[0]) { (cell(&row.left, missing[0])) }
                        td data-label=(headings[1]) { (cell(&row.right, missing[1])) }
                    }
                }
            }
        }
    }
}

/// A list as one sorted line, so that the same items in another order compare equal.
fn sorted(items: impl Iterator<Item = String>) -> String {
    let mut items: Vec<String> = items.collect();
    items.sort();
    items.join(", ")
}

/// A probability as a whole percentage, never rounding to a certainty it is not.
pub fn percent(probability: f64) -> String {
    let pct = (probability * 100.0).clamp(0.0, 100.0);
    if pct > 99.0 && pct < 100.0 {
        "Over 99%".to_owned()
    } else if pct > 0.0 && pct < 1.0 {
        "Under 1%".to_owned()
    } else {
        format!("{pct:.0}%")
    }
}

/// The explanation in words: each compared field, how it compared and its weight of evidence
/// (bits; positive for the same person), fields missing on a side and the household term when it
/// found no pattern left out.
pub fn why(explanation: &Explanation) -> String {
    let parts: Vec<String> = explanation
        .contributions
        .iter()
        .filter(|c| !["null", "neither"].contains(&c.level))
        .map(|c| format!("{} {} ({:+.1})", human(c.field.name()), level_words(c.level), c.weight))
        .collect();
    if parts.is_empty() { "no field could be compared".to_owned() } else { parts.join(", ") }
}

/// A comparison level as an officer would say it (the level names are `custos_match`'s).
fn level_words(level: &str) -> String {
    match level {
        "jaro_winkler_0_92" => "spelt very nearly the same".to_owned(),
        "jaro_winkler_0_80" => "spelt similarly".to_owned(),
        "phonetic" => "sounds the same".to_owned(),
        "variant" => "a variant (nickname or transliteration)".to_owned(),
        "initial" => "initial agrees".to_owned(),
        "swapped" => "forename and surname swapped".to_owned(),
        "middle_as_first" => "one's first name is the other's middle name".to_owned(),
        "agree" => "agrees".to_owned(),
        "year_off_by_one" => "year one apart".to_owned(),
        "one_digit" => "one digit different".to_owned(),
        "transposed" => "two digits swapped".to_owned(),
        "sibling_pattern" => "looks like a brother or sister".to_owned(),
        "namesake_pattern" => "looks like a parent or child of the same name".to_owned(),
        "male_surname_change" => "two men with the same forename and (nearly) the same date of birth but different surnames".to_owned(),
        other => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custos_core::draft::{PersonDraft, PersonNameDraft};

    fn person(forename: &str, surname: &str, dob: &str) -> Person {
        let draft = PersonDraft {
            names: vec![PersonNameDraft { surname: surname.into(), forenames: vec![forename.into()], ..Default::default() }],
            dates_of_birth: vec![dob.into()],
            ..Default::default()
        };
        Person::try_from(draft).unwrap()
    }

    #[test]
    fn differences_are_flagged_only_where_both_sides_say_something_different() {
        let rows = compare(&person("Bill", "Smith", "1980-03-12"), &person("William", "SMITH", "1980-03-12"));
        let name = rows.iter().find(|r| r.label == "Name").unwrap();
        assert!(name.differs(), "{} / {}", name.left, name.right);
        assert!(!rows.iter().find(|r| r.label == "Date of birth").unwrap().differs());
        assert!(rows.iter().all(|r| r.label != "Gender"), "a field neither side has is left out");
        let same = compare(&person("Ann", "Lee", "1990-01-01"), &person("ann", "LEE", "1990-01-01"));
        assert!(same.iter().all(|r| !r.differs()), "case is not a difference");
    }

    #[test]
    fn the_table_marks_a_difference_in_words_and_names_missing_values() {
        let rows = compare(&person("Bill", "Smith", "1980-03-12"), &person("William", "Smith", "1980-03-12"));
        let html = compare_table(&rows, ["Record A", "Record B"], ["absent A", "absent B"]).into_string();
        let name_row = html.split("<tr").find(|r| r.contains("Bill SMITH")).unwrap();
        assert!(name_row.contains("class=\"differs\"") && name_row.contains(">differs<"), "{name_row}");
        let dob_row = html.split("<tr").find(|r| r.contains("Date of birth")).unwrap();
        assert!(!dob_row.contains("differs"), "{dob_row}");
        let mut one_sided = person("Ann", "Lee", "1990-01-01");
        one_sided.gender = Some("female".parse().unwrap());
        let html = compare_table(&compare(&one_sided, &person("Ann", "Lee", "1990-01-01")), ["A", "B"], ["absent A", "absent B"]).into_string();
        assert!(html.contains("absent B") && !html.contains("absent A"), "{html}");
    }

    #[test]
    fn percentages_never_round_to_certainty() {
        assert_eq!(percent(0.873), "87%");
        assert_eq!(percent(0.9999), "Over 99%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.001), "Under 1%");
        assert_eq!(percent(0.0), "0%");
    }
}
