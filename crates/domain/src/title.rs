use std::fmt;

use crate::text::{char_len, has_control};

/// A task's title: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Title(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters (got {actual})", max = Title::MAX_CHARS)]
    TooLong { actual: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl Title {
    pub const MAX_CHARS: usize = 200;

    /// # Errors
    /// Fails when the trimmed text is empty, longer than [`Self::MAX_CHARS`]
    /// characters, or contains a control character.
    pub fn parse(raw: &str) -> Result<Self, TitleError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(TitleError::Empty);
        }
        let actual = char_len(trimmed);
        if actual > Self::MAX_CHARS {
            return Err(TitleError::TooLong { actual });
        }
        if has_control(trimmed) {
            return Err(TitleError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(Title::parse("  Buy milk \n").unwrap().as_str(), "Buy milk");
    }

    #[test]
    fn rejects_empty_and_whitespace_only() {
        assert_eq!(Title::parse(""), Err(TitleError::Empty));
        assert_eq!(Title::parse("   \t\n "), Err(TitleError::Empty));
        // U+3000 IDEOGRAPHIC SPACE is whitespace too.
        assert_eq!(Title::parse("\u{3000}"), Err(TitleError::Empty));
    }

    #[test]
    fn accepts_exactly_200_characters_and_rejects_201() {
        assert!(Title::parse(&"a".repeat(200)).is_ok());
        assert_eq!(
            Title::parse(&"a".repeat(201)),
            Err(TitleError::TooLong { actual: 201 })
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        // 200 four-byte characters = 800 bytes, still 200 characters.
        let emoji = "🦀".repeat(200);
        assert_eq!(emoji.len(), 800);
        assert!(Title::parse(&emoji).is_ok());
        assert_eq!(
            Title::parse(&"é".repeat(201)),
            Err(TitleError::TooLong { actual: 201 })
        );
    }

    #[test]
    fn length_is_measured_after_trimming() {
        let padded = format!("  {}  ", "a".repeat(200));
        assert!(Title::parse(&padded).is_ok());
    }

    #[test]
    fn rejects_control_characters_inside() {
        assert_eq!(Title::parse("a\u{0}b"), Err(TitleError::ControlCharacter));
        assert_eq!(Title::parse("a\nb"), Err(TitleError::ControlCharacter));
        assert_eq!(
            Title::parse("a\u{1b}[31mb"),
            Err(TitleError::ControlCharacter)
        );
    }

    #[test]
    fn error_messages_are_readable() {
        assert_eq!(
            TitleError::TooLong { actual: 201 }.to_string(),
            "must be at most 200 characters (got 201)"
        );
    }
}
