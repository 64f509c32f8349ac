//! Closed code lists (gender, ethnicity, warning markers, event kinds...) as enums with stable
//! snake_case names. The `code_list!` macro generates the enum, its serde names, `ALL`,
//! `as_str()`, `Display` and a forgiving `FromStr` (any case; spaces and hyphens read as `_`;
//! optional aliases such as official codes).

use std::fmt;

/// A value that is not on a closed code list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UnknownCode {
    /// What the list is, in words ("gender", "warning marker").
    pub list: &'static str,
    /// The value that was given.
    pub value: String,
    /// The accepted names.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a known {}; use one of: {}",
            self.value,
            self.list,
            self.expected.join(", ")
        )
    }
}

/// Normalises user input for comparison with list names: trimmed, lower case, `-` and spaces as `_`.
#[doc(hidden)]
pub fn normalise_code(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[macro_export]
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($list:literal) {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $text:literal $(| $alias:literal)*
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $text)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable names, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The stable snake_case name (also the serde name).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::code_list::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = $crate::code_list::normalise_code(s);
                $(
                    if wanted == $text $(|| wanted == $crate::code_list::normalise_code($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::code_list::UnknownCode {
                    list: $list,
                    value: s.to_owned(),
                    expected: Self::NAMES,
                })
            }
        }
    };
}

pub use crate::code_list;

#[cfg(test)]
mod tests {
    code_list! {
        /// A test list.
        pub enum Colour ("colour") {
            Red = "red" | "R",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn names_aliases_and_errors() {
        assert_eq!("RED".parse::<Colour>().unwrap(), Colour::Red);
        assert_eq!("r".parse::<Colour>().unwrap(), Colour::Red);
        assert_eq!(" Dark-Blue ".parse::<Colour>().unwrap(), Colour::DarkBlue);
        assert_eq!("dark blue".parse::<Colour>().unwrap(), Colour::DarkBlue);
        let err = "green".parse::<Colour>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"green\" is not a known colour; use one of: red, dark_blue"
        );
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        assert!(
            serde_json::from_str::<Colour>("\"R\"").is_err(),
            "aliases are for input, not serde"
        );
        for c in Colour::ALL {
            assert_eq!(c.as_str().parse::<Colour>().unwrap(), *c);
        }
    }
}
