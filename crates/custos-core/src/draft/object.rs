//! `ObjectDraft` → `Object`. One flat set of boxes (as a form sends them) whose meaning depends on
//! `kind`; a box that does not apply to the kind is an error rather than silently dropped.

use serde::{Deserialize, Serialize};

use super::{Collector, FieldErrors, present};
use crate::identifiers::{Imei, PhoneNumber, Vin, Vrm};
use crate::object::{Object, ObjectKind, ObjectType};
use crate::text::{Label, Text};

/// An object as typed in. `kind` is `vehicle`, `phone`, `weapon`, `property` or `document`;
/// `number` is the phone number for a phone and the document number for a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ObjectDraft {
    pub kind: String,
    pub vrm: Option<String>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub colour: Option<String>,
    pub vin: Option<String>,
    pub number: Option<String>,
    pub imei: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub serial: Option<String>,
    pub document_type: Option<String>,
    pub issuer: Option<String>,
    pub notes: Option<String>,
}

impl ObjectDraft {
    /// Every optional box with its name, for the "does not apply" check.
    fn boxes(&self) -> [(&'static str, Option<&str>); 12] {
        [
            ("vrm", self.vrm.as_deref()),
            ("make", self.make.as_deref()),
            ("model", self.model.as_deref()),
            ("colour", self.colour.as_deref()),
            ("vin", self.vin.as_deref()),
            ("number", self.number.as_deref()),
            ("imei", self.imei.as_deref()),
            ("category", self.category.as_deref()),
            ("description", self.description.as_deref()),
            ("serial", self.serial.as_deref()),
            ("document_type", self.document_type.as_deref()),
            ("issuer", self.issuer.as_deref()),
        ]
    }
}

fn applies(object_type: ObjectType) -> &'static [&'static str] {
    match object_type {
        ObjectType::Vehicle => &["vrm", "make", "model", "colour", "vin"],
        ObjectType::Phone => &["number", "imei"],
        ObjectType::Weapon => &["category", "description"],
        ObjectType::Property => &["category", "description", "serial"],
        ObjectType::Document => &["document_type", "number", "issuer"],
    }
}

/// A required box: blank is an error.
fn required<T, E: std::fmt::Display>(
    c: &mut Collector,
    field: &str,
    input: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    match present(input) {
        None => {
            c.push(field, "is required");
            None
        }
        Some(s) => c.take(field, parse(s)),
    }
}

impl TryFrom<ObjectDraft> for Object {
    type Error = FieldErrors;

    fn try_from(d: ObjectDraft) -> Result<Self, Self::Error> {
        let mut c = Collector::default();
        let notes = c.optional("notes", d.notes.as_deref(), Text::parse);
        let object_type = c.take("kind", d.kind.parse::<ObjectType>());
        if let Some(t) = object_type {
            for (name, value) in d.boxes() {
                if present(value).is_some() && !applies(t).contains(&name) {
                    c.push(name, format!("does not apply to a {t}"));
                }
            }
        }
        let kind = object_type.and_then(|t| -> Option<ObjectKind> {
            let c = &mut c;
            Some(match t {
                ObjectType::Vehicle => {
                    let (vrm, make) = (
                        c.optional("vrm", d.vrm.as_deref(), Vrm::parse),
                        c.optional("make", d.make.as_deref(), Label::parse),
                    );
                    let (model, colour) = (
                        c.optional("model", d.model.as_deref(), Label::parse),
                        c.optional("colour", d.colour.as_deref(), Label::parse),
                    );
                    let vin = c.optional("vin", d.vin.as_deref(), Vin::parse);
                    ObjectKind::Vehicle {
                        vrm: vrm.ok()?,
                        make: make.ok()?,
                        model: model.ok()?,
                        colour: colour.ok()?,
                        vin: vin.ok()?,
                    }
                }
                ObjectType::Phone => {
                    let number = c.optional("number", d.number.as_deref(), PhoneNumber::parse);
                    let imei = c.optional("imei", d.imei.as_deref(), Imei::parse);
                    ObjectKind::Phone {
                        number: number.ok()?,
                        imei: imei.ok()?,
                    }
                }
                ObjectType::Weapon => {
                    let category = required(c, "category", d.category.as_deref(), str::parse);
                    let description =
                        c.optional("description", d.description.as_deref(), Text::parse);
                    ObjectKind::Weapon {
                        category: category?,
                        description: description.ok()?,
                    }
                }
                ObjectType::Property => {
                    let category = required(c, "category", d.category.as_deref(), Label::parse);
                    let description =
                        c.optional("description", d.description.as_deref(), Text::parse);
                    let serial = c.optional("serial", d.serial.as_deref(), Label::parse);
                    ObjectKind::Property {
                        category: category?,
                        description: description.ok()?,
                        serial: serial.ok()?,
                    }
                }
                ObjectType::Document => {
                    let document_type =
                        required(c, "document_type", d.document_type.as_deref(), Label::parse);
                    let number = c.optional("number", d.number.as_deref(), Label::parse);
                    let issuer = c.optional("issuer", d.issuer.as_deref(), Label::parse);
                    ObjectKind::Document {
                        document_type: document_type?,
                        number: number.ok()?,
                        issuer: issuer.ok()?,
                    }
                }
            })
        });
        match (kind, notes) {
            (Some(kind), Ok(notes)) if c.is_empty() => Ok(Object { kind, notes }),
            _ => Err(c.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::WeaponCategory;

    fn convert(json: &str) -> Result<Object, FieldErrors> {
        Object::try_from(serde_json::from_str::<ObjectDraft>(json).unwrap())
    }

    #[test]
    fn good_drafts() {
        let v = convert(
            r#"{"kind":"vehicle","vrm":"ab51 abc","make":"Ford","colour":"blue","model":""}"#,
        )
        .unwrap();
        assert_eq!(v.kind.identifying_numbers(), vec![("VRM", "AB51ABC")]);
        let w = convert(r#"{"kind":"weapon","category":"blunt instrument","description":"Baseball bat behind the door"}"#).unwrap();
        assert!(matches!(
            w.kind,
            ObjectKind::Weapon {
                category: WeaponCategory::BluntInstrument,
                ..
            }
        ));
        let p = convert(r#"{"kind":"phone","number":"07700 900123","notes":"Cracked screen"}"#)
            .unwrap();
        assert_eq!(
            p.kind.identifying_numbers(),
            vec![("phone number", "+447700900123")]
        );
        assert!(
            convert(r#"{"kind":"document","document_type":"Passport","number":"123456789"}"#)
                .is_ok()
        );
        assert!(convert(r#"{"kind":"property","category":"Bicycle","serial":"WTU123"}"#).is_ok());
    }

    #[test]
    fn all_errors_at_once() {
        let err = convert(r#"{"kind":"vehicle","vrm":"AB01ABC","vin":"123","imei":"490154203237518","notes":" "}"#).unwrap_err();
        let fields: Vec<&str> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["imei", "vrm", "vin"]);
        assert_eq!(err.message_for("imei"), Some("does not apply to a vehicle"));
        assert_eq!(
            err.message_for("vrm"),
            Some("vehicle registration age identifier 01 has never been issued")
        );

        let err = convert(r#"{"kind":"weapon","category":"spoon","serial":"1"}"#).unwrap_err();
        assert_eq!(
            err.message_for("serial"),
            Some("does not apply to a weapon")
        );
        assert!(
            err.message_for("category")
                .is_some_and(|m| m.contains("not a known weapon category"))
        );
        assert_eq!(
            convert(r#"{"kind":"document"}"#)
                .unwrap_err()
                .message_for("document_type"),
            Some("is required")
        );
        assert!(
            convert(r#"{"kind":"boat"}"#)
                .unwrap_err()
                .message_for("kind")
                .is_some()
        );
        let err =
            convert(r#"{"kind":"phone","imei":"490154203237519","notes":"a\u0000"}"#).unwrap_err();
        assert_eq!(
            err.message_for("imei"),
            Some("IMEI check digit should be 8, not 9")
        );
        assert_eq!(
            err.message_for("notes"),
            Some("must not contain control characters")
        );
    }
}
