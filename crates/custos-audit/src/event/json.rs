//! The canonical JSON encoding of an [`AuditEvent`], written by hand.
//!
//! The bytes are exactly what `serde_json::to_vec` writes for the derived
//! `Serialize` (fields in declaration order, no white space, serde_json's
//! string escaping), which a property test checks. Writing them here makes
//! encoding infallible and pins the leaf format against changes in a
//! dependency: leaves already signed must keep decoding.

use super::{AuditEvent, ObjectRef};

impl AuditEvent {
    /// Appends the event's canonical JSON to `out`.
    pub fn write_canonical_json(&self, out: &mut Vec<u8>) {
        // Destructured so that adding a field fails to compile here.
        let AuditEvent {
            kind,
            actor,
            at,
            objects,
            justification,
            decision,
            policies,
            payload,
        } = self;
        out.extend_from_slice(b"{\"kind\":");
        string(out, kind.as_str());
        out.extend_from_slice(b",\"actor\":");
        string(out, actor);
        out.extend_from_slice(b",\"at\":");
        string(out, &at.to_string());
        out.extend_from_slice(b",\"objects\":[");
        for (i, ObjectRef { kind, id }) in objects.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"kind\":");
            string(out, kind);
            out.extend_from_slice(b",\"id\":");
            string(out, id);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"justification\":");
        match justification {
            Some(text) => string(out, text),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"decision\":");
        string(out, decision.as_str());
        out.extend_from_slice(b",\"policies\":[");
        for (i, policy) in policies.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            string(out, policy);
        }
        out.extend_from_slice(b"],\"payload\":");
        match payload {
            Some(hash) => string(out, &hex::encode(hash)),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
    }

    /// The event's canonical JSON.
    #[must_use]
    pub fn to_canonical_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write_canonical_json(&mut out);
        out
    }
}

/// A JSON string with serde_json's escaping (RFC 8259 §7): `"` and `\`
/// escaped, the short forms `\b \f \n \r \t`, other control characters as
/// `\u00xx` in lower-case hex, everything else as UTF-8.
fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => &[],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0x0f)]);
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::super::{AuditKind, Decision};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn enum_names_match_serde() {
        for kind in AuditKind::ALL {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
        for decision in [Decision::Allow, Decision::Deny] {
            assert_eq!(
                serde_json::to_string(&decision).unwrap(),
                format!("\"{}\"", decision.as_str())
            );
        }
    }

    fn event_strategy() -> impl Strategy<Value = AuditEvent> {
        // Any characters, control characters included.
        let text = "(?s).{0,16}";
        (
            (
                0..AuditKind::ALL.len(),
                text,
                -377_705_116_800i64..253_402_207_200,
                0..1_000_000_000i32,
            ),
            proptest::collection::vec((text, text), 0..3),
            proptest::option::of(text),
            any::<bool>(),
            proptest::collection::vec(text, 0..3),
            proptest::option::of(any::<[u8; 32]>()),
        )
            .prop_map(
                |((k, actor, secs, nanos), objects, justification, allow, policies, payload)| {
                    AuditEvent {
                        kind: AuditKind::ALL[k],
                        actor,
                        at: jiff::Timestamp::new(secs, nanos).unwrap_or_default(),
                        objects: objects
                            .into_iter()
                            .map(|(kind, id)| ObjectRef { kind, id })
                            .collect(),
                        justification,
                        decision: if allow {
                            Decision::Allow
                        } else {
                            Decision::Deny
                        },
                        policies,
                        payload,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn canonical_json_is_serde_json(event in event_strategy()) {
            let ours = event.to_canonical_json();
            prop_assert_eq!(&ours, &serde_json::to_vec(&event).unwrap());
            prop_assert_eq!(serde_json::from_slice::<AuditEvent>(&ours).unwrap(), event);
        }

        #[test]
        fn control_characters_escape_like_serde(s in "[\\x00-\\x20\"\\\\\\x7f\u{80}-\u{10ffff}]{0,12}") {
            let mut ours = Vec::new();
            string(&mut ours, &s);
            prop_assert_eq!(ours, serde_json::to_vec(&s).unwrap());
        }
    }
}
