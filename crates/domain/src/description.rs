use std::fmt;

use crate::text::{char_len, has_control_except_whitespace};

/// A task's free-text description: up to 4000 characters. Line breaks and
/// tabs are kept; other control characters are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DescriptionError {
    #[error("must be at most {max} characters (got {actual})", max = Description::MAX_CHARS)]
    TooLong { actual: usize },
    #[error("must not contain control characters other than line breaks and tabs")]
    ControlCharacter,
}

impl Description {
    pub const MAX_CHARS: usize = 4000;

    /// # Errors
    /// Fails when longer than [`Self::MAX_CHARS`] characters or when it holds
    /// a control character other than `\n`, `\r` or `\t`.
    pub fn parse(raw: &str) -> Result<Self, DescriptionError> {
        let actual = char_len(raw);
        if actual > Self::MAX_CHARS {
            return Err(DescriptionError::TooLong { actual });
        }
        if has_control_except_whitespace(raw) {
            return Err(DescriptionError::ControlCharacter);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_verbatim_including_line_breaks() {
        let text = "line one\n\tline two\r\n";
        assert_eq!(Description::parse(text).unwrap().as_str(), text);
    }

    #[test]
    fn accepts_4000_characters_and_rejects_4001() {
        assert!(Description::parse(&"ß".repeat(4000)).is_ok());
        assert_eq!(
            Description::parse(&"ß".repeat(4001)),
            Err(DescriptionError::TooLong { actual: 4001 })
        );
    }

    #[test]
    fn rejects_nul_and_escape() {
        assert_eq!(
            Description::parse("a\u{0}"),
            Err(DescriptionError::ControlCharacter)
        );
        assert_eq!(
            Description::parse("\u{1b}[2J"),
            Err(DescriptionError::ControlCharacter)
        );
    }
}
