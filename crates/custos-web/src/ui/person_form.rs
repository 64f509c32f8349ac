//! Creating and editing a person. The form's field names are the draft's own paths
//! (`names[0].surname`, `identifiers[1].value`), so an error from `custos_core::draft` lands
//! beside the box it is about; blank rows are skipped when the draft is built, and the errors'
//! indices are mapped back to the rows the officer typed in. A refused form is shown again with
//! everything typed kept and nothing saved. A valid new person is not created here: the post
//! runs the match search and shows the candidates (`person_match`), where the officer chooses.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_core::draft::{FieldError, IdentifierDraft, PersonDraft, PersonNameDraft};
use custos_core::entity::EntityBody;
use custos_core::person::{Gender, IdentifierKind, NameKind, ObservedEthnicity, Person, SelfDefinedEthnicity, WarningMarker};
use custos_core::version::ChangeKind;
use custos_store::StoreError;
use custos_store::entities::Justification;
use maud::html;

use super::auth::Officer;
use super::error::{PageError, see_other};
use super::form::{Fields, Posted};
use super::layout::{Page, alert, csrf_field, human, page};
use super::widgets::{Errors, marking, marking_controls, select, text_area, text_box};
use super::record::{ask_justification, carry, justification, query_fields};
use crate::AppState;
use crate::extract::IdParam;
use crate::problem::Problem;

/// Rows of names and identifiers the form offers beyond those already recorded.
const SPARE_ROWS: usize = 1;
/// The most rows read from a post (a form with more is refused field by field, not read).
const MAX_ROWS: usize = 20;

/// `GET /people/new`.
pub async fn new_page(officer: Officer) -> Response {
    form_page(&officer, FormKind::Create, &Fields::default(), &Errors::default(), None).into_response()
}

/// `POST /people/new`: search before create. A valid draft runs the match search and shows the
/// candidates page (nothing is created yet); an invalid one shows the form again with its errors.
pub async fn create(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let (draft, rows) = draft_from(&fields);
    let person = match Person::try_from(draft) {
        Ok(person) => person,
        Err(errors) => return Ok(refused(&officer, FormKind::Create, &fields, errors.0, &rows)),
    };
    // Checked now so that a bad marking is not first reported after the officer has chosen.
    marking(&officer, &fields)?;
    super::person_match::candidates(&state, &officer, &fields, &person).await
}

/// `GET /records/{id}/edit?justification=…`: the person's current version in the form.
pub async fn edit_page(
    State(state): State<AppState>,
    officer: Officer,
    IdParam(id): IdParam,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let Some(why) = justification(&query_fields(raw.as_deref()))? else {
        return Ok(ask_justification(&officer, &format!("/records/{id}/edit")).into_response());
    };
    let record = state.store.read_entity(&officer.principal, id, &why).await?;
    let EntityBody::Person(person) = &record.body else {
        return Err(Problem::new(crate::problem::Code::NotFound).detail("only people can be edited here").into());
    };
    let longest = [person.names().len(), person.identifiers.len(), person.dates_of_birth.len(), person.descriptions.len()];
    if longest.iter().any(|n| *n + SPARE_ROWS > MAX_ROWS) {
        // The form reads at most MAX_ROWS rows of a list: rather than drop the rest on saving,
        // it does not offer to edit such a record.
        return Err(Problem::new(crate::problem::Code::Refused)
            .detail(format!("this person has more than {} names, identifiers, dates or descriptions; edit them through the API", MAX_ROWS - SPARE_ROWS))
            .into());
    }
    let mut fields = fields_from(person);
    fields.0.push(("expected_version".into(), record.version.to_string()));
    fields.0.push(("justification".into(), why.as_str().to_owned()));
    let kind = FormKind::Edit { id: id.to_string(), submitted: record.submitted_at.is_some() };
    Ok(form_page(&officer, kind, &fields, &Errors::default(), None).into_response())
}

/// `POST /records/{id}/edit`: a new version (`edited`, or `corrected` with a reason once submitted).
pub async fn change(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let why = Justification::parse(fields.get("justification"))?;
    let submitted = fields.get("submitted") == "yes";
    let kind = FormKind::Edit { id: id.to_string(), submitted };
    let (draft, rows) = draft_from(&fields);
    let person = match Person::try_from(draft) {
        Ok(person) => person,
        Err(errors) => return Ok(refused(&officer, kind, &fields, errors.0, &rows)),
    };
    let Ok(expected) = fields.get("expected_version").parse::<u32>() else {
        return Err(Problem::field("expected_version", "is missing; reload the record and edit it again").into());
    };
    let change = if submitted { ChangeKind::Corrected } else { ChangeKind::Edited };
    let reason = fields.optional("reason");
    let result = state
        .store
        .change_entity(&officer.principal, id, expected, EntityBody::Person(person), change, reason.as_deref())
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/records/{id}?{}", carry(&why)))),
        Err(StoreError::Invalid(errors)) => Ok(refused(&officer, kind, &fields, errors.0, &rows)),
        Err(StoreError::Refused(message)) => {
            let errors = vec![FieldError { field: String::new(), message }];
            Ok(refused(&officer, kind, &fields, errors, &rows))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Clone)]
pub(super) enum FormKind {
    Create,
    Edit { id: String, submitted: bool },
}

/// The draft's row index → the form's row index, per repeated section.
#[derive(Debug, Default)]
pub(super) struct Rows {
    names: Vec<usize>,
    identifiers: Vec<usize>,
    dates: Vec<usize>,
    descriptions: Vec<usize>,
}

/// How many rows of a repeated section the form holds: up to the last row with something typed
/// in it (a row's kind list always posts a value, so it does not count).
fn rows_in(fields: &Fields, prefix: &str) -> usize {
    (0..MAX_ROWS)
        .rev()
        .find(|i| {
            let row = format!("{prefix}[{i}]");
            fields.0.iter().any(|(k, v)| k.starts_with(&row) && !k.ends_with(".kind") && !v.trim().is_empty())
        })
        .map_or(0, |i| i + 1)
}

/// Builds the draft from the posted boxes, skipping blank rows.
pub(super) fn draft_from(fields: &Fields) -> (PersonDraft, Rows) {
    let mut draft = PersonDraft::default();
    let mut rows = Rows::default();
    for i in 0..rows_in(fields, "names").max(1) {
        let at = |f: &str| format!("names[{i}].{f}");
        let (surname, forenames) = (fields.get(&at("surname")), fields.get(&at("forenames")));
        let dated = !fields.get(&at("from")).is_empty() || !fields.get(&at("to")).is_empty();
        if surname.is_empty() && forenames.is_empty() && !dated && i > 0 {
            continue;
        }
        rows.names.push(i);
        draft.names.push(PersonNameDraft {
            kind: fields.optional(&at("kind")),
            surname: surname.to_owned(),
            forenames: forenames.split_whitespace().map(str::to_owned).collect(),
            from: fields.optional(&at("from")),
            to: fields.optional(&at("to")),
        });
    }
    for i in 0..rows_in(fields, "dates_of_birth") {
        if let Some(date) = fields.optional(&format!("dates_of_birth[{i}]")) {
            rows.dates.push(i);
            draft.dates_of_birth.push(date);
        }
    }
    for i in 0..rows_in(fields, "identifiers") {
        let at = |f: &str| format!("identifiers[{i}].{f}");
        let Some(value) = fields.optional(&at("value")) else { continue };
        rows.identifiers.push(i);
        draft.identifiers.push(IdentifierDraft {
            kind: fields.get(&at("kind")).to_owned(),
            value,
            issuing_country: fields.optional(&at("issuing_country")),
        });
    }
    draft.gender = fields.optional("gender");
    draft.self_defined_ethnicity = fields.optional("self_defined_ethnicity");
    draft.officer_observed_ethnicity = fields.optional("officer_observed_ethnicity");
    draft.warning_markers = fields.all("warning_markers").into_iter().map(str::to_owned).collect();
    for i in 0..rows_in(fields, "descriptions") {
        if let Some(text) = fields.optional(&format!("descriptions[{i}]")) {
            rows.descriptions.push(i);
            draft.descriptions.push(text);
        }
    }
    (draft, rows)
}

/// Maps a draft error path to the form's box: `names[1].forenames[0]` → `names[3].forenames`
/// when the draft's second name came from the form's fourth row.
fn form_field(path: &str, rows: &Rows) -> String {
    for (section, map) in [
        ("names", &rows.names),
        ("identifiers", &rows.identifiers),
        ("dates_of_birth", &rows.dates),
        ("descriptions", &rows.descriptions),
    ] {
        let Some(rest) = path.strip_prefix(section).and_then(|r| r.strip_prefix('[')) else { continue };
        let Some((index, tail)) = rest.split_once(']') else { continue };
        let Some(row) = index.parse::<usize>().ok().and_then(|j| map.get(j)) else { continue };
        let tail = if tail.starts_with(".forenames[") { ".forenames" } else { tail };
        return format!("{section}[{row}]{tail}");
    }
    path.to_owned()
}

/// The form again, with its errors, status 422.
pub(super) fn refused(officer: &Officer, kind: FormKind, fields: &Fields, errors: Vec<FieldError>, rows: &Rows) -> Response {
    let errors = Errors(errors.into_iter().map(|e| FieldError { field: form_field(&e.field, rows), message: e.message }).collect());
    let mut page = form_page(officer, kind, fields, &errors, Some("Nothing was saved: correct the boxes marked below."));
    page.status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    page.into_response()
}

/// The boxes of a recorded person (for the edit form).
fn fields_from(person: &Person) -> Fields {
    let mut f = Vec::new();
    for (i, n) in person.names().iter().enumerate() {
        f.push((format!("names[{i}].kind"), n.kind().as_str().to_owned()));
        f.push((format!("names[{i}].surname"), n.surname().to_owned()));
        f.push((format!("names[{i}].forenames"), n.forenames().join(" ")));
        f.extend(n.from().map(|d| (format!("names[{i}].from"), d.to_string())));
        f.extend(n.to().map(|d| (format!("names[{i}].to"), d.to_string())));
    }
    for (i, d) in person.dates_of_birth.iter().enumerate() {
        f.push((format!("dates_of_birth[{i}]"), d.to_string()));
    }
    for (i, id) in person.identifiers.iter().enumerate() {
        f.push((format!("identifiers[{i}].kind"), id.kind().as_str().to_owned()));
        f.push((format!("identifiers[{i}].value"), id.value().to_owned()));
        if let custos_core::person::PersonIdentifier::Passport(p) = id
            && let Some(country) = p.issuing_country()
        {
            f.push((format!("identifiers[{i}].issuing_country"), country.as_str().to_owned()));
        }
    }
    f.extend(person.gender.map(|g| ("gender".to_owned(), g.as_str().to_owned())));
    f.extend(person.self_defined_ethnicity.map(|e| ("self_defined_ethnicity".to_owned(), e.as_str().to_owned())));
    f.extend(person.officer_observed_ethnicity.map(|e| ("officer_observed_ethnicity".to_owned(), e.as_str().to_owned())));
    f.extend(person.warning_markers.iter().map(|m| ("warning_markers".to_owned(), m.as_str().to_owned())));
    for (i, d) in person.descriptions.iter().enumerate() {
        f.push((format!("descriptions[{i}]"), d.as_str().to_owned()));
    }
    Fields(f)
}

pub(super) fn form_page(officer: &Officer, kind: FormKind, fields: &Fields, errors: &Errors, notice: Option<&str>) -> Page {
    let (title, action) = match &kind {
        FormKind::Create => ("New person".to_owned(), "/people/new".to_owned()),
        FormKind::Edit { id, .. } => ("Edit person".to_owned(), format!("/records/{id}/edit")),
    };
    let name_rows = rows_in(fields, "names").max(1) + SPARE_ROWS;
    let id_rows = rows_in(fields, "identifiers") + SPARE_ROWS;
    let dob_rows = rows_in(fields, "dates_of_birth").max(1);
    let desc_rows = rows_in(fields, "descriptions") + SPARE_ROWS;
    let general: Vec<&FieldError> =
        errors.0.iter().filter(|e| !is_box(&e.field, [name_rows, id_rows, dob_rows, desc_rows])).collect();
    let markers = fields.all("warning_markers");
    let body = html! {
        @if let Some(notice) = notice { (alert(notice)) }
        @if !general.is_empty() { div.alert role="alert" { ul { @for e in &general { li { (e.message) } } } } }
        form method="post" action=(action) novalidate {
            (csrf_field(officer))
            @if let FormKind::Edit { submitted, .. } = &kind {
                input type="hidden" name="expected_version" value=(fields.get("expected_version"));
                input type="hidden" name="justification" value=(fields.get("justification"));
                input type="hidden" name="submitted" value=(if *submitted { "yes" } else { "no" });
            }
            fieldset {
                legend { "Names" }
                @for i in 0..name_rows {
                    div.row {
                        @if i == 0 {
                            input type="hidden" name="names[0].kind" value="primary";
                        } @else {
                            (select(&format!("names[{i}].kind"), "Kind of name", &NameKind::NAMES[1..], fields, errors, false))
                        }
                        (text_box(&format!("names[{i}].surname"), if i == 0 { "Surname" } else { "Other surname" }, fields, errors, ""))
                        (text_box(&format!("names[{i}].forenames"), "Forenames", fields, errors, ""))
                        (text_box(&format!("names[{i}].from"), "Used from (YYYY-MM-DD, if known)", fields, errors, ""))
                        (text_box(&format!("names[{i}].to"), "Used until (YYYY-MM-DD, if known)", fields, errors, ""))
                    }
                }
            }
            fieldset {
                legend { "About them" }
                @for i in 0..dob_rows {
                    (text_box(&format!("dates_of_birth[{i}]"), "Date of birth (YYYY-MM-DD)", fields, errors, "bday"))
                }
                (select("gender", "Gender", Gender::NAMES, fields, errors, true))
                (select("self_defined_ethnicity", "Self-defined ethnicity", SelfDefinedEthnicity::NAMES, fields, errors, true))
                (select("officer_observed_ethnicity", "Officer-observed ethnicity", ObservedEthnicity::NAMES, fields, errors, true))
            }
            fieldset.warnings {
                legend { "Warning markers" }
                @for m in WarningMarker::NAMES {
                    label.check {
                        input type="checkbox" name="warning_markers" value=(m) checked[markers.contains(m)];
                        " " (human(m))
                    }
                }
                @if let Some(e) = errors.0.iter().find(|e| e.field.starts_with("warning_markers")) { p.error { (e.message) } }
            }
            fieldset {
                legend { "Identifiers" }
                @for i in 0..id_rows {
                    div.row {
                        (select(&format!("identifiers[{i}].kind"), "Kind", IdentifierKind::NAMES, fields, errors, false))
                        (text_box(&format!("identifiers[{i}].value"), "Number", fields, errors, ""))
                        (text_box(&format!("identifiers[{i}].issuing_country"), "Passport country (e.g. GBR)", fields, errors, ""))
                    }
                }
            }
            fieldset {
                legend { "Descriptions" }
                @for i in 0..desc_rows { (text_area(&format!("descriptions[{i}]"), "Description", fields, errors)) }
            }
            @if let FormKind::Create = kind { (marking_controls(fields, errors)) }
            @if let FormKind::Edit { submitted: true, .. } = kind {
                (text_box("reason", "Reason for the correction (required, at least 10 characters)", fields, errors, ""))
            }
            button type="submit" { @if let FormKind::Create = kind { "Create person" } @else { "Save changes" } }
        }
    };
    Page::ok(page(&title, Some(officer), body))
}

/// Whether an error's field is one of the form's boxes (else it is shown at the top).
fn is_box(field: &str, [names, identifiers, dates, descriptions]: [usize; 4]) -> bool {
    let rows_of = |section: &str, n: usize| (0..n).any(|i| field.starts_with(&format!("{section}[{i}]")));
    rows_of("names", names)
        || rows_of("identifiers", identifiers)
        || rows_of("dates_of_birth", dates)
        || rows_of("descriptions", descriptions)
        || field.starts_with("warning_markers")
        || ["gender", "self_defined_ethnicity", "officer_observed_ethnicity", "reason"].contains(&field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn blank_rows_are_skipped_and_errors_map_back_to_the_rows_typed_in() {
        let f = fields(&[
            ("names[0].kind", "primary"),
            ("names[0].surname", "Smith"),
            ("names[0].forenames", "John  Paul"),
            ("names[1].surname", ""),
            ("names[2].kind", "alias"),
            ("names[2].surname", "Sm1th"),
            ("names[2].forenames", "J0hn"),
            ("identifiers[0].kind", "pnc_id"),
            ("identifiers[0].value", ""),
            ("identifiers[1].kind", "ni_number"),
            ("identifiers[1].value", "not a number"),
            ("warning_markers", "violent"),
            ("warning_markers", "firearms"),
        ]);
        let (draft, rows) = draft_from(&f);
        assert_eq!(draft.names.len(), 2);
        assert_eq!(draft.names[0].forenames, vec!["John", "Paul"]);
        assert_eq!(draft.identifiers.len(), 1);
        assert_eq!(draft.warning_markers, vec!["violent", "firearms"]);
        let errors = Person::try_from(draft).unwrap_err();
        let mapped: Vec<String> = errors.0.iter().map(|e| form_field(&e.field, &rows)).collect();
        assert!(mapped.contains(&"names[2].surname".to_owned()), "{mapped:?}");
        assert!(mapped.contains(&"names[2].forenames".to_owned()), "{mapped:?}");
        assert!(mapped.contains(&"identifiers[1].value".to_owned()), "{mapped:?}");
        assert_eq!(form_field("gender", &rows), "gender");
    }

    #[test]
    fn a_recorded_person_fills_the_form_it_came_from() {
        let f = fields(&[
            ("names[0].kind", "primary"),
            ("names[0].surname", "O'Brien"),
            ("names[0].forenames", "Siobhán"),
            ("names[1].kind", "alias"),
            ("names[1].surname", "Bryan"),
            ("dates_of_birth[0]", "1990-02-03"),
            ("gender", "female"),
            ("warning_markers", "self_harm"),
            ("names[1].from", "2001-05-06"),
            ("names[1].to", "2010-01-01"),
            ("descriptions[0]", "Scar on left hand"),
            ("descriptions[1]", "Tattoo of a swallow on the neck"),
            ("identifiers[0].kind", "passport"),
            ("identifiers[0].value", "123456789"),
            ("identifiers[0].issuing_country", "GBR"),
            ("identifiers[1].kind", "ni_number"),
            ("identifiers[1].value", "AB123456C"),
            ("self_defined_ethnicity", SelfDefinedEthnicity::NAMES[0]),
            ("officer_observed_ethnicity", ObservedEthnicity::NAMES[0]),
        ]);
        let person = Person::try_from(draft_from(&f).0).unwrap();
        assert_eq!(person.descriptions.len(), 2);
        assert_eq!(person.identifiers.len(), 2);
        assert!(person.self_defined_ethnicity.is_some() && person.officer_observed_ethnicity.is_some());
        assert!(person.names()[1].from().is_some() && person.names()[1].to().is_some());
        let again = Person::try_from(draft_from(&fields_from(&person)).0).unwrap();
        assert_eq!(again, person);
    }
}
