//! Object: a vehicle, phone, weapon, item of property or document. Identifying numbers are parsed
//! newtypes (VRM, VIN, phone number, IMEI); descriptive fields are validated [`Label`]/[`Text`].

use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::identifiers::{Imei, PhoneNumber, Vin, Vrm};
use crate::text::{Label, Text};

code_list! {
    /// Broad weapon categories used when recording a weapon seen, used or seized.
    pub enum WeaponCategory ("weapon category") {
        Firearm = "firearm",
        ImitationFirearm = "imitation_firearm",
        Knife = "knife",
        OtherBladedArticle = "other_bladed_article",
        BluntInstrument = "blunt_instrument",
        CorrosiveSubstance = "corrosive_substance",
        Explosive = "explosive",
        Other = "other",
    }
}

code_list! {
    /// The kinds of object, as used in drafts and search filters.
    pub enum ObjectType ("object type") {
        Vehicle = "vehicle",
        Phone = "phone",
        Weapon = "weapon",
        Property = "property",
        Document = "document",
    }
}

/// What the object is, with the fields that identify and describe that kind of thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ObjectKind {
    Vehicle {
        vrm: Option<Vrm>,
        make: Option<Label>,
        model: Option<Label>,
        colour: Option<Label>,
        vin: Option<Vin>,
    },
    Phone {
        number: Option<PhoneNumber>,
        imei: Option<Imei>,
    },
    Weapon {
        category: WeaponCategory,
        description: Option<Text>,
    },
    Property {
        category: Label,
        description: Option<Text>,
        serial: Option<Label>,
    },
    Document {
        document_type: Label,
        number: Option<Label>,
        issuer: Option<Label>,
    },
}

impl ObjectKind {
    pub fn object_type(&self) -> ObjectType {
        match self {
            Self::Vehicle { .. } => ObjectType::Vehicle,
            Self::Phone { .. } => ObjectType::Phone,
            Self::Weapon { .. } => ObjectType::Weapon,
            Self::Property { .. } => ObjectType::Property,
            Self::Document { .. } => ObjectType::Document,
        }
    }

    /// The identifying numbers of the object, named: `[("VRM", "AB51ABC"), ("VIN", ...)]`.
    /// These are the object's critical fields once submitted, and its exact-match search keys.
    pub fn identifying_numbers(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        match self {
            Self::Vehicle { vrm, vin, .. } => {
                out.extend(vrm.as_ref().map(|v| ("VRM", v.as_str())));
                out.extend(vin.as_ref().map(|v| ("VIN", v.as_str())));
            }
            Self::Phone { number, imei } => {
                out.extend(number.as_ref().map(|n| ("phone number", n.as_str())));
                out.extend(imei.as_ref().map(|i| ("IMEI", i.as_str())));
            }
            Self::Weapon { .. } => {}
            Self::Property { serial, .. } => {
                out.extend(serial.as_ref().map(|s| ("serial number", s.as_str())))
            }
            Self::Document { number, .. } => {
                out.extend(number.as_ref().map(|n| ("document number", n.as_str())))
            }
        }
        out
    }
}

/// An object, with optional free-text notes (marks, damage, where it was found...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Object {
    pub kind: ObjectKind,
    #[serde(default)]
    pub notes: Option<Text>,
}

impl Object {
    pub fn new(kind: ObjectKind) -> Self {
        Self { kind, notes: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vehicle(vrm: &str) -> ObjectKind {
        ObjectKind::Vehicle {
            vrm: Some(Vrm::parse(vrm).unwrap()),
            make: Some(Label::parse("Ford").unwrap()),
            model: None,
            colour: Some(Label::parse("Blue").unwrap()),
            vin: None,
        }
    }

    #[test]
    fn serde_shape_is_tagged_and_checked() {
        let o = Object::new(vehicle("ab51abc"));
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(
            json,
            r#"{"kind":{"type":"vehicle","vrm":"AB51ABC","make":"Ford","model":null,"colour":"Blue","vin":null},"notes":null}"#
        );
        assert_eq!(serde_json::from_str::<Object>(&json).unwrap(), o);
        assert!(serde_json::from_str::<Object>(&json.replace("AB51ABC", "AB01ABC")).is_err());
        assert!(serde_json::from_str::<Object>(r#"{"kind":{"type":"boat"}}"#).is_err());
        let phone: Object =
            serde_json::from_str(r#"{"kind":{"type":"phone","imei":"490154203237518"}}"#).unwrap();
        assert_eq!(phone.kind.object_type(), ObjectType::Phone);
        assert!(
            serde_json::from_str::<Object>(r#"{"kind":{"type":"phone","imei":"490154203237519"}}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<Object>(r#"{"kind":{"type":"phone","vrm":"AB51ABC"}}"#).is_err()
        );
    }

    #[test]
    fn identifying_numbers() {
        assert_eq!(
            vehicle("AB51ABC").identifying_numbers(),
            vec![("VRM", "AB51ABC")]
        );
        let weapon = ObjectKind::Weapon {
            category: WeaponCategory::BluntInstrument,
            description: Some(Text::parse("Baseball bat").unwrap()),
        };
        assert!(weapon.identifying_numbers().is_empty());
        let doc = ObjectKind::Document {
            document_type: Label::parse("Tenancy agreement").unwrap(),
            number: Some(Label::parse("TA-1").unwrap()),
            issuer: None,
        };
        assert_eq!(doc.identifying_numbers(), vec![("document number", "TA-1")]);
    }
}
