//! Creating an object, a location or an event. Each kind's form is a list of boxes named as the
//! draft's fields (`ObjectDraft`, `LocationDraft`, `EventDraft`), so the posted form becomes the
//! draft directly and its field errors land beside their boxes. An object's type is chosen first
//! (one link per type), so the form shows only the boxes that apply to it.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_core::draft::{EventDraft, FieldError, LocationDraft, ObjectDraft};
use custos_core::event::EventKind;
use custos_core::object::{ObjectType, WeaponCategory};
use custos_store::StoreError;
use custos_store::entities::Justification;
use maud::{Markup, html};
use serde_json::{Map, Value};

use super::auth::Officer;
use super::error::{PageError, see_other};
use super::form::{Fields, Posted};
use super::layout::{Page, alert, csrf_field, human, page};
use super::record::{query_fields, record_href};
use super::widgets::{Errors, marking, marking_controls, select, text_area, text_box};
use crate::AppState;
use crate::problem::{Code, Problem};
use crate::wire::Draft;

/// One box of a form.
enum Control {
    Text(&'static str, &'static str),
    Area(&'static str, &'static str),
    Choice(&'static str, &'static str, &'static [&'static str]),
}

impl Control {
    fn name(&self) -> &'static str {
        match self {
            Self::Text(name, _) | Self::Area(name, _) | Self::Choice(name, _, _) => name,
        }
    }
}

/// The kinds this page creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object(ObjectType),
    Location,
    Event,
}

impl Kind {
    fn parse(kind: &str, object_type: &str) -> Option<Self> {
        match kind {
            "object" => object_type.parse().ok().map(Self::Object),
            "location" => Some(Self::Location),
            "event" => Some(Self::Event),
            _ => None,
        }
    }

    fn path(self) -> String {
        match self {
            Self::Object(t) => format!("/new/object?type={}", t.as_str()),
            Self::Location => "/new/location".into(),
            Self::Event => "/new/event".into(),
        }
    }

    fn title(self) -> String {
        match self {
            Self::Object(t) => format!("New {}", t.as_str()),
            Self::Location => "New location".into(),
            Self::Event => "New event".into(),
        }
    }

    fn boxes(self) -> Vec<Control> {
        use Control::{Area, Choice, Text};
        match self {
            Self::Object(ObjectType::Vehicle) => vec![
                Text("vrm", "Registration (VRM)"),
                Text("make", "Make"),
                Text("model", "Model"),
                Text("colour", "Colour"),
                Text("vin", "VIN"),
                Area("notes", "Notes"),
            ],
            Self::Object(ObjectType::Phone) => vec![Text("number", "Phone number"), Text("imei", "IMEI"), Area("notes", "Notes")],
            Self::Object(ObjectType::Weapon) => vec![
                Choice("category", "Category", WeaponCategory::NAMES),
                Area("description", "Description"),
                Area("notes", "Notes"),
            ],
            Self::Object(ObjectType::Property) => vec![
                Text("category", "Category (e.g. jewellery, bicycle)"),
                Area("description", "Description"),
                Text("serial", "Serial number"),
                Area("notes", "Notes"),
            ],
            Self::Object(ObjectType::Document) => vec![
                Text("document_type", "Type of document"),
                Text("number", "Document number"),
                Text("issuer", "Issued by"),
                Area("notes", "Notes"),
            ],
            Self::Location => vec![
                Area("address_lines", "Address (one line per row)"),
                Text("town", "Town"),
                Text("postcode", "Postcode"),
                Text("uprn", "UPRN"),
                Text("latitude", "Latitude"),
                Text("longitude", "Longitude"),
                Text("premises_type", "Type of premises"),
            ],
            Self::Event => vec![
                Choice("kind", "Kind of event", EventKind::NAMES),
                Text("at", "When (e.g. 2026-11-27T14:30:00Z)"),
                Text("from", "Or between: from"),
                Text("to", "and to"),
                Area("summary", "Summary"),
            ],
        }
    }

    /// The posted boxes as the draft's JSON (address lines split per row; blanks left out).
    fn draft_json(self, fields: &Fields) -> Value {
        let mut map = Map::new();
        for b in self.boxes() {
            let value = fields.get(b.name());
            if b.name() == "address_lines" {
                let lines: Vec<Value> =
                    value.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Value::String(l.to_owned())).collect();
                map.insert("address_lines".into(), Value::Array(lines));
            } else if !value.is_empty() || b.name() == "summary" {
                map.insert(b.name().into(), Value::String(value.to_owned()));
            }
        }
        if let Self::Object(t) = self {
            map.insert("kind".into(), Value::String(t.as_str().into()));
        }
        Value::Object(map)
    }

    fn body(self, fields: &Fields) -> Result<custos_core::entity::EntityBody, Vec<FieldError>> {
        let json = self.draft_json(fields);
        let parsed = match self {
            Self::Object(_) => serde_json::from_value::<ObjectDraft>(json).map(Draft::into_body),
            Self::Location => serde_json::from_value::<LocationDraft>(json).map(Draft::into_body),
            Self::Event => serde_json::from_value::<EventDraft>(json).map(Draft::into_body),
        };
        match parsed {
            Ok(Ok(body)) => Ok(body),
            Ok(Err(errors)) => Err(errors.0),
            Err(e) => Err(vec![FieldError { field: String::new(), message: e.to_string() }]),
        }
    }
}

/// `GET /new/{kind}`: the form (for an object without a type, the choice of type).
pub async fn form_handler(officer: Officer, Path(kind): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    if kind == "object" && query.get("type").is_empty() {
        let body = html! {
            p { "What kind of object?" }
            ul.records { @for t in ObjectType::ALL { li { a.button href={ "/new/object?type=" (t.as_str()) } { (human(t.as_str())) } } } }
        };
        return Ok(Page::ok(page("New object", Some(&officer), body)).into_response());
    }
    let kind = Kind::parse(&kind, query.get("type")).ok_or_else(|| Problem::new(Code::NotFound))?;
    Ok(form_page(&officer, kind, &Fields::default(), &Errors::default(), None).into_response())
}

/// `POST /new/{kind}`: creates the record and shows it, or the form again with its errors.
pub async fn create(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    RawQuery(raw): RawQuery,
    posted: Posted,
) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let kind = Kind::parse(&kind, query_fields(raw.as_deref()).get("type")).ok_or_else(|| Problem::new(Code::NotFound))?;
    let body = match kind.body(&fields) {
        Ok(body) => body,
        Err(errors) => return Ok(refused(&officer, kind, &fields, errors)),
    };
    let marking = marking(&officer, &fields)?;
    match state.store.create_entity(&officer.principal, body, marking, None).await {
        Ok(id) => {
            let why = Justification::parse("viewing the record I have just created")?;
            Ok(see_other(&record_href(id, Some(&why))))
        }
        Err(StoreError::Invalid(errors)) => Ok(refused(&officer, kind, &fields, errors.0)),
        Err(e) => Err(e.into()),
    }
}

fn refused(officer: &Officer, kind: Kind, fields: &Fields, errors: Vec<FieldError>) -> Response {
    // `address_lines[2]` belongs to the address box.
    let errors = errors
        .into_iter()
        .map(|e| FieldError { field: e.field.split('[').next().unwrap_or_default().to_owned(), message: e.message })
        .collect();
    let mut page = form_page(officer, kind, fields, &Errors(errors), Some("Nothing was saved: correct the boxes marked below."));
    page.status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    page.into_response()
}

fn form_page(officer: &Officer, kind: Kind, fields: &Fields, errors: &Errors, notice: Option<&str>) -> Page {
    let boxes = kind.boxes();
    let general: Vec<&FieldError> = errors.0.iter().filter(|e| !boxes.iter().any(|b| b.name() == e.field)).collect();
    let body = html! {
        @if let Some(notice) = notice { (alert(notice)) }
        @if !general.is_empty() { div.alert role="alert" { ul { @for e in &general { li { @if !e.field.is_empty() { (e.field) ": " } (e.message) } } } } }
        form method="post" action=(kind.path()) novalidate {
            (csrf_field(officer))
            @for b in &boxes { (render(b, fields, errors)) }
            (marking_controls(fields, errors))
            button type="submit" { "Create" }
        }
    };
    Page::ok(page(&kind.title(), Some(officer), body))
}

fn render(b: &Control, fields: &Fields, errors: &Errors) -> Markup {
    match b {
        Control::Text(name, label) => text_box(name, label, fields, errors, ""),
        Control::Area(name, label) => text_area(name, label, fields, errors),
        Control::Choice(name, label, options) => select(name, label, options, fields, errors, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custos_core::entity::EntityBody;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn each_kinds_boxes_make_its_draft() {
        let vehicle = Kind::Object(ObjectType::Vehicle).body(&fields(&[("vrm", "ab51 abc"), ("colour", "Blue")])).unwrap();
        assert!(matches!(vehicle, EntityBody::Object(_)));
        let place = Kind::Location.body(&fields(&[("address_lines", "Flat 2\r\n\r\n10 High Street\n"), ("postcode", "sw1a 2aa")])).unwrap();
        let EntityBody::Location(place) = place else { panic!("not a location") };
        assert_eq!(place.address_lines().len(), 2);
        let errors = Kind::Event.body(&fields(&[("kind", "party"), ("summary", "")])).unwrap_err();
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(named.contains(&"kind") && named.contains(&"summary") && named.contains(&"at"), "{named:?}");
    }

    #[test]
    fn every_object_type_has_a_form_whose_boxes_apply_to_it() {
        for t in ObjectType::ALL {
            let kind = Kind::Object(*t);
            assert_eq!(Kind::parse("object", t.as_str()), Some(kind));
            // A box the form offers is never refused as "does not apply".
            let filled: Vec<(String, String)> = kind.boxes().iter().map(|b| (b.name().to_owned(), "x".to_owned())).collect();
            let errors = kind.body(&Fields(filled)).err().unwrap_or_default();
            assert!(errors.iter().all(|e| !e.message.contains("does not apply")), "{t}: {errors:?}");
        }
        assert_eq!(Kind::parse("object", "boat"), None);
        assert_eq!(Kind::parse("person", ""), None);
    }
}
