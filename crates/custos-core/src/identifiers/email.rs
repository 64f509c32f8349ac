//! E-mail address, checked pragmatically rather than against the full RFC 5322 grammar: one `@`;
//! a local part of 1–64 characters (RFC 5321 §4.5.3.1.1) without spaces, quotes or brackets, not
//! starting or ending with a dot and without `..`; a domain with at least one dot, each label
//! 1–63 letters, digits or hyphens not at either end (RFC 1035 §2.3.1, RFC 5890 for non-ASCII
//! letters), a last label that is not all digits, and at most 254 characters overall
//! (RFC 5321 errata 1690). The domain is lower-cased; the local part is kept as written.

use serde::{Deserialize, Serialize};

use super::{IdentifierError, string_identifier};

const KIND: &str = "email address";

/// An e-mail address such as `Jo.Bloggs@example.police.uk`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

string_identifier!(Email);

fn invalid(reason: impl std::fmt::Display) -> IdentifierError {
    IdentifierError::invalid(KIND, reason)
}

impl Email {
    /// Parses an address, trimming surrounding spaces and lower-casing the domain.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(IdentifierError::Empty { kind: KIND });
        }
        let (local, domain) = match s.split('@').collect::<Vec<_>>()[..] {
            [local, domain] => (local, domain),
            [_] => return Err(invalid("needs an @, like name@example.com")),
            _ => return Err(invalid("should contain exactly one @")),
        };
        if local.is_empty() {
            return Err(invalid("needs a name before the @"));
        }
        if local.chars().count() > 64 {
            return Err(invalid("can have at most 64 characters before the @"));
        }
        if let Some(c) = local
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || "()<>[]\\,;:\"".contains(*c))
        {
            return Err(invalid(format!("cannot contain {c:?} before the @")));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(invalid(
                "cannot start or end with a dot, or have two dots together, before the @",
            ));
        }
        let domain = domain.to_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return Err(invalid(
                "needs a domain with a dot after the @, like example.com",
            ));
        }
        for label in &labels {
            if label.is_empty() || label.chars().count() > 63 {
                return Err(invalid("has an empty or over-long part in the domain"));
            }
            if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
                return Err(invalid(format!(
                    "domain part {label:?} can only use letters, digits and hyphens"
                )));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(invalid(format!(
                    "domain part {label:?} cannot start or end with a hyphen"
                )));
            }
        }
        if labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(invalid("domain cannot end with a number"));
        }
        let address = format!("{local}@{domain}");
        if address.chars().count() > 254 {
            return Err(invalid("can have at most 254 characters"));
        }
        Ok(Self(address))
    }

    /// The part after the `@`, lower case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        crate::identifiers::check_parse(Email::parse, input, expected);
    }

    #[test]
    fn valid_addresses() {
        check(
            " Jo.Bloggs@Example.Police.UK ",
            Ok("Jo.Bloggs@example.police.uk"),
        );
        check("a+tag@sub.example.com", Ok("a+tag@sub.example.com"));
        check("o'neil@example.ie", Ok("o'neil@example.ie"));
        check("jürgen@müller.de", Ok("jürgen@müller.de"));
        check("x@a-b.co", Ok("x@a-b.co"));
    }

    #[test]
    fn refusals() {
        check("", Err("email address is empty"));
        check(
            "jo.example.com",
            Err("email address needs an @, like name@example.com"),
        );
        check(
            "a@b@c.com",
            Err("email address should contain exactly one @"),
        );
        check(
            "@example.com",
            Err("email address needs a name before the @"),
        );
        check(
            &format!("{}@example.com", "a".repeat(65)),
            Err("email address can have at most 64 characters before the @"),
        );
        check(
            "jo bloggs@example.com",
            Err("email address cannot contain ' ' before the @"),
        );
        check(
            "\"jo\"@example.com",
            Err("email address cannot contain '\"' before the @"),
        );
        check(
            ".jo@example.com",
            Err(
                "email address cannot start or end with a dot, or have two dots together, before the @",
            ),
        );
        check(
            "jo..b@example.com",
            Err(
                "email address cannot start or end with a dot, or have two dots together, before the @",
            ),
        );
        check(
            "jo@localhost",
            Err("email address needs a domain with a dot after the @, like example.com"),
        );
        check(
            "jo@example..com",
            Err("email address has an empty or over-long part in the domain"),
        );
        check(
            "jo@exa_mple.com",
            Err("email address domain part \"exa_mple\" can only use letters, digits and hyphens"),
        );
        check(
            "jo@-example.com",
            Err("email address domain part \"-example\" cannot start or end with a hyphen"),
        );
        check(
            "jo@10.0.0.1",
            Err("email address domain cannot end with a number"),
        );
        check(
            &format!("jo@{}.com", "a".repeat(64)),
            Err("email address has an empty or over-long part in the domain"),
        );
        let long_domain = vec!["a".repeat(60); 4].join(".");
        check(
            &format!("{}@{long_domain}.com", "b".repeat(10)),
            Err("email address can have at most 254 characters"),
        );
    }

    #[test]
    fn domain_and_serde() {
        let e = Email::parse("Jo@EXAMPLE.com").unwrap();
        assert_eq!(e.domain(), "example.com");
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"Jo@example.com\"");
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }

    proptest! {
        #[test]
        fn generated_addresses_round_trip(local in "[a-zA-Z0-9_+-]{1,20}(\\.[a-z0-9]{1,5})?", labels in proptest::collection::vec("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", 1..4), tld in "[a-z]{2,6}") {
            let text = format!("{local}@{}.{tld}", labels.join("."));
            let e = Email::parse(&text.to_uppercase().replace(&local.to_uppercase(), &local)).unwrap();
            prop_assert_eq!(e.as_str(), text.as_str());
            prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
        }
    }
}
