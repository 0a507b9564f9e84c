#![doc = include_str!("../README.md")]

mod consolidate;
mod enums;
mod group_cases;
mod ids;
mod rescue;
mod sharing;
pub mod wire;

pub use enums::*;
pub use ids::*;

/// Error for a string that names no known value of an enum or id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What was being parsed, e.g. `"case state"`.
    pub what: &'static str,
    /// The text that did not parse (truncated to 64 characters).
    pub got: String,
    /// The accepted values, for the error message.
    pub expected: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown {} '{}'; expected {}",
            self.what, self.got, self.expected
        )
    }
}

impl std::error::Error for ParseError {}
