//! Form controls shared by the forms: a labelled box, text area or list, each showing its field
//! error above it (linked by `aria-describedby` and marked `aria-invalid`, so a screen reader
//! announces it) and keeping what was typed.

use custos_core::draft::FieldError;
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use maud::{Markup, html};

use super::auth::Officer;
use super::error::PageError;
use super::form::Fields;
use super::layout::human;
use crate::problem::Problem;

/// The marking chosen on a create form: owned by the officer's first unit, the chosen tier, and
/// when SENSITIVE, an access list of the officer alone (need-to-know starts with the author;
/// others are added deliberately).
pub fn marking(officer: &Officer, fields: &Fields) -> Result<SecurityMarking, PageError> {
    let Some(unit) = officer.principal.units.first().cloned() else {
        return Err(Problem::field("unit", "you belong to no unit, so you cannot create records").into());
    };
    let classification = match fields.get("classification") {
        "" => Classification::Official,
        tier => tier.parse().map_err(|_| Problem::field("classification", "is not a classification"))?,
    };
    let sensitive = fields.get("sensitive") == "on";
    let acl = if sensitive { vec![AclEntry::User(officer.principal.user.clone())] } else { Vec::new() };
    Ok(SecurityMarking { classification, sensitive, owning_unit: unit, acl })
}

/// The marking boxes of a create form.
pub fn marking_controls(fields: &Fields, errors: &Errors) -> Markup {
    let tiers: Vec<&str> = Classification::ALL.iter().map(|c| c.as_str()).collect();
    html! {
        fieldset {
            legend { "Marking" }
            (select("classification", "Classification", &tiers, fields, errors, false))
            label.check { input type="checkbox" name="sensitive" checked[fields.get("sensitive") == "on"]; " SENSITIVE (need to know: only you, until you add others)" }
        }
    }
}

/// Errors by form field; the ones that fit no box are shown at the top.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn on(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// Field ids are the field names; brackets and dots are allowed in HTML ids.
pub fn text_box(name: &str, label: &str, fields: &Fields, errors: &Errors, autocomplete: &str) -> Markup {
    let error = errors.on(name);
    let error_id = format!("{name}-error");
    html! {
        div.field {
            label for=(name) { (label) }
            @if let Some(message) = error { p.error id=(error_id) { (message) } }
            input id=(name) name=(name) value=(fields.get(name)) maxlength="500"
                autocomplete=(if autocomplete.is_empty() { "off" } else { autocomplete })
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
        }
    }
}

pub fn text_area(name: &str, label: &str, fields: &Fields, errors: &Errors) -> Markup {
    let error = errors.on(name);
    html! {
        div.field {
            label for=(name) { (label) }
            @if let Some(message) = error { p.error { (message) } }
            textarea id=(name) name=(name) rows="3" maxlength="4000" aria-invalid=[error.map(|_| "true")] { (fields.get(name)) }
        }
    }
}

pub fn select(name: &str, label: &str, options: &[&str], fields: &Fields, errors: &Errors, blank: bool) -> Markup {
    let chosen = fields.get(name);
    let error = errors.on(name);
    html! {
        div.field {
            label for=(name) { (label) }
            @if let Some(message) = error { p.error { (message) } }
            select id=(name) name=(name) aria-invalid=[error.map(|_| "true")] {
                @if blank { option value="" { "—" } }
                @for o in options { option value=(o) selected[*o == chosen] { (human(o)) } }
            }
        }
    }
}

