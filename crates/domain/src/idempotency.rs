//! The `Idempotency-Key` a client sends with a POST (IETF httpapi
//! idempotency-key draft): a structured-field string whose content is 1 to
//! 255 visible ASCII characters. Repeating a request with the same key
//! replays the first answer instead of writing again.

use std::fmt;

/// Whether a replay is still possible: a key is remembered this long.
pub const IDEMPOTENCY_KEY_TTL_HOURS: i64 = 24;

/// A valid key's content (without the quotes or escapes of the header).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "must be a quoted string (or a bare token) of 1 to {max} visible ASCII characters",
    max = IdempotencyKey::MAX_LEN
)]
pub struct IdempotencyKeyError;

impl IdempotencyKey {
    pub const MAX_LEN: usize = 255;

    /// Parses a header value: `"…"` (a structured-field string: `\"` and
    /// `\\` escape a quote and a backslash) or the same characters
    /// unquoted. Surrounding spaces and tabs are ignored; parameters are
    /// not accepted.
    ///
    /// # Errors
    /// Fails for an empty or longer than [`Self::MAX_LEN`] content, any
    /// character outside visible ASCII (`!` to `~`; a space inside is
    /// refused too), an unterminated or badly escaped string, or anything
    /// after the closing quote.
    pub fn parse_header(value: &[u8]) -> Result<Self, IdempotencyKeyError> {
        let value = value.trim_ascii();
        let content = match value.split_first() {
            Some((b'"', rest)) => unquote(rest)?,
            _ => {
                if value.contains(&b'"') {
                    return Err(IdempotencyKeyError);
                }
                value.to_vec()
            }
        };
        Self::from_content(content)
    }

    fn from_content(content: Vec<u8>) -> Result<Self, IdempotencyKeyError> {
        if content.is_empty()
            || content.len() > Self::MAX_LEN
            || !content.iter().all(u8::is_ascii_graphic)
        {
            return Err(IdempotencyKeyError);
        }
        String::from_utf8(content)
            .map(Self)
            .map_err(|_| IdempotencyKeyError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The content of a structured-field string after its opening quote.
fn unquote(rest: &[u8]) -> Result<Vec<u8>, IdempotencyKeyError> {
    let mut content = Vec::with_capacity(rest.len());
    let mut bytes = rest.iter();
    while let Some(&byte) = bytes.next() {
        match byte {
            b'\\' => match bytes.next() {
                Some(&escaped @ (b'"' | b'\\')) => content.push(escaped),
                _ => return Err(IdempotencyKeyError),
            },
            b'"' => {
                return if bytes.as_slice().is_empty() {
                    Ok(content)
                } else {
                    Err(IdempotencyKeyError)
                };
            }
            other => content.push(other),
        }
    }
    Err(IdempotencyKeyError)
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, IdempotencyKeyError> {
        IdempotencyKey::parse_header(text.as_bytes()).map(|key| key.as_str().to_owned())
    }

    #[test]
    fn quoted_and_bare_keys_are_accepted() {
        assert_eq!(
            parse(r#""8e03978e-40d5-43e8""#).as_deref(),
            Ok("8e03978e-40d5-43e8")
        );
        assert_eq!(
            parse("8e03978e-40d5-43e8").as_deref(),
            Ok("8e03978e-40d5-43e8")
        );
        assert_eq!(parse(r#"  "a"  "#).as_deref(), Ok("a"));
        assert_eq!(parse(r#""a\"b\\c""#).as_deref(), Ok(r#"a"b\c"#));
        assert_eq!(parse(&"x".repeat(255)).map(|k| k.len()), Ok(255));
        assert_eq!(
            parse(&format!("\"{}\"", "y".repeat(255))).map(|k| k.len()),
            Ok(255)
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "\"\"",
            "\"",
            "\"abc",
            "abc\"",
            "\"a b\"",
            "a b",
            "\"a\";p=1",
            "\"a\"\"b\"",
            r#""a\nb""#,
            "é",
            "\"é\"",
            "a\u{7f}",
        ] {
            assert_eq!(parse(bad), Err(IdempotencyKeyError), "{bad:?}");
        }
        assert_eq!(parse(&"x".repeat(256)), Err(IdempotencyKeyError));
        assert_eq!(
            IdempotencyKey::parse_header(b"\"a\x01\""),
            Err(IdempotencyKeyError)
        );
    }
}
