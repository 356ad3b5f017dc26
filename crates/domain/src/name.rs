//! The names of lists and labels: trimmed, bounded, one line.

use std::fmt;

use crate::text::{char_len, has_control};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters (got {actual})")]
    TooLong { max: usize, actual: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
}

fn parse_name(raw: &str, max: usize) -> Result<String, NameError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(NameError::Empty);
    }
    let actual = char_len(trimmed);
    if actual > max {
        return Err(NameError::TooLong { max, actual });
    }
    if has_control(trimmed) {
        return Err(NameError::ControlCharacter);
    }
    Ok(trimmed.to_owned())
}

/// A list's name: trimmed, 1 to 100 characters, no control characters.
/// Unique per user ignoring case (the store enforces that).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListName(String);

impl ListName {
    pub const MAX_CHARS: usize = 100;
    /// The name every user's Inbox is created with.
    pub const INBOX: &'static str = "Inbox";

    /// # Errors
    /// Fails when the trimmed text is empty, longer than
    /// [`Self::MAX_CHARS`] characters, or contains a control character.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        parse_name(raw, Self::MAX_CHARS).map(Self)
    }

    /// The Inbox's name.
    pub fn inbox() -> Self {
        Self(Self::INBOX.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A label's name: trimmed, 1 to 50 characters, no control characters.
/// Unique per user ignoring case (the store enforces that).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LabelName(String);

impl LabelName {
    pub const MAX_CHARS: usize = 50;

    /// # Errors
    /// Fails when the trimmed text is empty, longer than
    /// [`Self::MAX_CHARS`] characters, or contains a control character.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        parse_name(raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ListName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for LabelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names_are_trimmed_and_bounded_in_characters() {
        assert_eq!(ListName::parse("  Home ").unwrap().as_str(), "Home");
        assert!(ListName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            ListName::parse(&"é".repeat(101)),
            Err(NameError::TooLong {
                max: 100,
                actual: 101
            })
        );
        assert_eq!(ListName::parse(" \t "), Err(NameError::Empty));
        assert_eq!(ListName::parse("a\nb"), Err(NameError::ControlCharacter));
        assert_eq!(ListName::inbox().as_str(), "Inbox");
    }

    #[test]
    fn label_names_are_trimmed_and_bounded_in_characters() {
        assert_eq!(LabelName::parse(" urgent ").unwrap().as_str(), "urgent");
        assert!(LabelName::parse(&"🦀".repeat(50)).is_ok());
        assert_eq!(
            LabelName::parse(&"a".repeat(51)),
            Err(NameError::TooLong {
                max: 50,
                actual: 51
            })
        );
        assert_eq!(LabelName::parse(""), Err(NameError::Empty));
        assert_eq!(
            NameError::TooLong {
                max: 50,
                actual: 51
            }
            .to_string(),
            "must be at most 50 characters (got 51)"
        );
    }
}
