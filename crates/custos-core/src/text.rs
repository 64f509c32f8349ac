//! Validated free text. `Label` is a short single-line value (a make, a colour, a town, an address
//! line); `Text` is a longer note (a description, an event summary). Both are trimmed, non-empty
//! and free of control characters, so storage never receives blank or binary "text".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters (this is {len})")]
    TooLong { max: usize, len: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must be a single line")]
    MultiLine,
}

fn check(s: &str, max: usize, multi_line: bool) -> Result<String, TextError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    let len = s.chars().count();
    if len > max {
        return Err(TextError::TooLong { max, len });
    }
    for c in s.chars() {
        if c == '\n' || c == '\r' {
            if !multi_line {
                return Err(TextError::MultiLine);
            }
        } else if c.is_control() {
            return Err(TextError::ControlCharacter);
        }
    }
    Ok(s.to_owned())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $max:expr, $multi:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The longest accepted value, in characters.
            pub const MAX_CHARS: usize = $max;

            pub fn parse(s: &str) -> Result<Self, TextError> {
                check(s, $max, $multi).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(t: $name) -> String {
                t.0
            }
        }

        impl FromStr for $name {
            type Err = TextError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// A short single-line value: 1–100 characters.
    Label,
    100,
    false
);
text_type!(
    /// A note of up to 4,000 characters; line breaks allowed.
    Text,
    4000,
    true
);

#[cfg(test)]
mod tests {
    use super::*;

    fn check_label(input: &str, expected: Result<&str, TextError>) {
        let got = Label::parse(input).map(|l| l.as_str().to_owned());
        assert_eq!(got, expected.map(str::to_owned), "{input:?}");
    }

    #[test]
    fn labels() {
        check_label("  Ford ", Ok("Ford"));
        check_label("Café Rouge", Ok("Café Rouge"));
        check_label("   ", Err(TextError::Empty));
        check_label("a\nb", Err(TextError::MultiLine));
        check_label("a\u{0007}b", Err(TextError::ControlCharacter));
        check_label(
            &"x".repeat(101),
            Err(TextError::TooLong { max: 100, len: 101 }),
        );
        check_label(&"é".repeat(100), Ok(&"é".repeat(100)));
    }

    #[test]
    fn texts_allow_lines_but_not_controls() {
        assert_eq!(
            Text::parse("line one\nline two").unwrap().as_str(),
            "line one\nline two"
        );
        assert_eq!(
            Text::parse("a\u{0000}").unwrap_err(),
            TextError::ControlCharacter
        );
        assert!(Text::parse(&"x".repeat(4001)).is_err());
        assert!(serde_json::from_str::<Text>("\"  \"").is_err());
        let t: Text = serde_json::from_str("\" padded \"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"padded\"");
    }
}
