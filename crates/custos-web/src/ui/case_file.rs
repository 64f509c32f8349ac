//! What a case preparer adds to a prosecution case file as it is built: exhibits for the
//! evidence list, items for the disclosure schedule of unused material (MG6C, or MG6D when
//! sensitive; CPIA 1996 Code of Practice para 6), and where the file is with the prosecutor
//! (submitted, returned with reasons, accepted). Each is a new version of the file, checked by
//! the same rules as any other; the charges are locked once the file is submitted, these are not.

use axum::extract::State;
use axum::response::Response;
use custos_core::ids::EntityId;
use custos_core::record::Record;
use custos_core::record::crime::{CaseFile, CaseFileStatus, EvidenceItem, UnusedItem};
use custos_core::text::{Label, Text};
use custos_store::entities::Justification;
use maud::{Markup, html};

use super::auth::Officer;
use super::custody::{amend, hidden};
use super::error::PageError;
use super::form::{Fields, Posted};
use super::layout::human;
use crate::AppState;
use crate::extract::IdParam;
use crate::problem::Problem;

/// The forms shown on a case file's page.
pub fn forms(id: EntityId, file: &CaseFile, version: u32, officer: &Officer, why: &Justification) -> Markup {
    let hidden = hidden(officer, why, version);
    html! {
        section aria-labelledby="exhibit-form" {
            h2 #exhibit-form { "Add an exhibit" }
            form method="post" action={ "/records/" (id) "/evidence" } {
                (hidden)
                label for="evidence-reference" { "Exhibit or statement reference" }
                input #evidence-reference name="reference" required maxlength=(Label::MAX_CHARS);
                label for="evidence-description" { "What it is" }
                textarea #evidence-description name="description" required {}
                button type="submit" { "Add the exhibit" }
            }
        }
        section aria-labelledby="unused-form" {
            h2 #unused-form { "Add unused material" }
            form method="post" action={ "/records/" (id) "/unused" } {
                (hidden)
                label for="unused-reference" { "Reference" }
                input #unused-reference name="reference" required maxlength=(Label::MAX_CHARS);
                label for="unused-description" { "What it is" }
                textarea #unused-description name="description" required {}
                label.check { input type="checkbox" name="sensitive" value="yes"; " Sensitive (MG6D schedule)" }
                button type="submit" { "Add to the schedule" }
            }
        }
        section aria-labelledby="status-form" {
            h2 #status-form { "Where the file is" }
            form method="post" action={ "/records/" (id) "/file-status" } {
                (hidden)
                label for="file-status" { "Status" }
                select #file-status name="status" required {
                    @for s in CaseFileStatus::ALL {
                        option value=(s.as_str()) selected[*s == file.status] { (human(s.as_str())) }
                    }
                }
                label for="returned-reasons" { "Why it was returned (when returned)" }
                textarea #returned-reasons name="returned_reasons" {}
                button type="submit" { "Record the status" }
            }
        }
    }
}

fn label(fields: &Fields, name: &str) -> Result<Label, PageError> {
    Label::parse(fields.get(name)).map_err(|e| Problem::field(name, e.to_string()).into())
}

fn text(fields: &Fields, name: &str) -> Result<Text, PageError> {
    Text::parse(fields.get(name)).map_err(|e| Problem::field(name, e.to_string()).into())
}

/// Applies `change` to the case file `id` as a new version.
async fn amend_file(
    state: &AppState,
    officer: &Officer,
    id: EntityId,
    fields: &Fields,
    change: impl FnOnce(&mut CaseFile) -> Result<(), PageError>,
) -> Result<Response, PageError> {
    amend(state, officer, id, fields, |record| match record {
        Record::CaseFile(f) => change(f),
        _ => Err(Problem::field("id", "this record is not a case file").into()),
    })
    .await
}

/// `POST /records/{id}/evidence`.
pub async fn add_evidence(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let item = EvidenceItem { reference: label(&fields, "reference")?, description: text(&fields, "description")?, object: None };
    amend_file(&state, &officer, id, &fields, |file| {
        file.evidence.push(item);
        Ok(())
    })
    .await
}

/// `POST /records/{id}/unused`.
pub async fn add_unused(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let item = UnusedItem {
        reference: label(&fields, "reference")?,
        description: text(&fields, "description")?,
        sensitive: fields.get("sensitive") == "yes",
    };
    amend_file(&state, &officer, id, &fields, |file| {
        file.unused_material.push(item);
        Ok(())
    })
    .await
}

/// `POST /records/{id}/file-status`.
pub async fn set_status(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let status: CaseFileStatus = fields.get("status").parse().map_err(|_| Problem::field("status", "choose a status"))?;
    let reasons = fields.optional("returned_reasons").map(|_| text(&fields, "returned_reasons")).transpose()?;
    amend_file(&state, &officer, id, &fields, |file| {
        file.status = status;
        file.returned_reasons = reasons.or(file.returned_reasons.take());
        Ok(())
    })
    .await
}
