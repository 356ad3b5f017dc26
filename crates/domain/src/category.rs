use std::fmt;

use crate::text::{char_len, has_control};

/// A user-chosen label that groups tasks: trimmed, 1 to 50 characters.
/// To have no category, a task holds `None` rather than an empty category.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Category(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CategoryError {
    #[error("must not be empty (use null for no category)")]
    Empty,
    #[error("must be at most {max} characters (got {actual})", max = Category::MAX_CHARS)]
    TooLong { actual: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl Category {
    pub const MAX_CHARS: usize = 50;

    /// # Errors
    /// Fails when the trimmed text is empty, longer than [`Self::MAX_CHARS`]
    /// characters, or contains a control character.
    pub fn parse(raw: &str) -> Result<Self, CategoryError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(CategoryError::Empty);
        }
        let actual = char_len(trimmed);
        if actual > Self::MAX_CHARS {
            return Err(CategoryError::TooLong { actual });
        }
        if has_control(trimmed) {
            return Err(CategoryError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds_length() {
        assert_eq!(Category::parse(" work ").unwrap().as_str(), "work");
        assert!(Category::parse(&"я".repeat(50)).is_ok());
        assert_eq!(
            Category::parse(&"я".repeat(51)),
            Err(CategoryError::TooLong { actual: 51 })
        );
    }

    #[test]
    fn rejects_blank_and_control() {
        assert_eq!(Category::parse("  "), Err(CategoryError::Empty));
        assert_eq!(
            Category::parse("a\tb"),
            Err(CategoryError::ControlCharacter)
        );
    }
}
