//! Walking a request's JSON object field by field, collecting every
//! invalid field (422) instead of stopping at the first. The body parsers
//! (`task_input`, `lists`, `labels`) are built on it.
//!
//! The object is walked by hand rather than deserialized into a struct so
//! that a PATCH can tell an absent field from `null`, unknown and read-only
//! fields are named, and a wrong JSON type is reported against its field.

use domain::Color;
use serde_json::{Map, Value};

use crate::http::problem::FieldError;

pub const NOT_NULL: &str = "must not be null";

/// Collects errors while fields are parsed one by one.
#[derive(Debug)]
pub struct Fields<'a> {
    object: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    /// Starts with every field of `object` that is not `allowed` named:
    /// "read-only" for those in `read_only`, the reason for those in
    /// `removed` (fields an earlier version accepted), "not a known field"
    /// for the rest.
    pub fn new(
        object: &'a Map<String, Value>,
        allowed: &[&str],
        read_only: &[&str],
        removed: &[(&str, &str)],
    ) -> Self {
        let mut errors = Vec::new();
        for name in object.keys() {
            let name = name.as_str();
            if allowed.contains(&name) {
                continue;
            }
            let message = if read_only.contains(&name) {
                "is read-only and cannot be set"
            } else if let Some((_, why)) = removed.iter().find(|(n, _)| *n == name) {
                why
            } else {
                "is not a known field"
            };
            errors.push(FieldError::new(name, message));
        }
        Self { object, errors }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// `None`: absent. `Some(None)`: present but invalid (already recorded).
    pub fn parse<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Option<Option<T>> {
        let value = self.object.get(field)?;
        match parse(value) {
            Ok(parsed) => Some(Some(parsed)),
            Err(message) => {
                self.fail(field, message);
                Some(None)
            }
        }
    }

    /// `value` if every field was valid, else every error.
    ///
    /// # Errors
    /// The errors recorded, or none when `value` is `None` for a reason
    /// already recorded.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
    }
}

/// A string field that is parsed further, `null` refused.
///
/// # Errors
/// `null`, another JSON type, or what `parse` says.
pub fn string<T, E: ToString>(
    value: &Value,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, String> {
    match value {
        Value::String(s) => parse(s).map_err(|e| e.to_string()),
        Value::Null => Err(NOT_NULL.into()),
        _ => Err("must be a string".into()),
    }
}

/// A string field that may be `null` (`None`).
///
/// # Errors
/// `wrong_type` for another JSON type, or what `parse` says.
pub fn nullable<T>(
    value: &Value,
    parse: impl FnOnce(&str) -> Result<T, String>,
    wrong_type: &str,
) -> Result<Option<T>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => parse(s).map(Some),
        _ => Err(wrong_type.into()),
    }
}

/// A list's or label's colour, one of the palette's names.
///
/// # Errors
/// `null`, another JSON type, or a name outside the palette.
pub fn color(value: &Value) -> Result<Color, String> {
    string(value, Color::parse)
}
