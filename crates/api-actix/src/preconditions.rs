//! `ETag` and `If-Match` (RFC 9110 §8.8.3, §13.1.1). A task's entity tag is
//! its version in quotes, e.g. `"3"`; `If-Match` uses strong comparison, so
//! a weak tag (`W/"3"`) never matches.

use actix_web::HttpRequest;
use actix_web::http::header;
use domain::Version;

use crate::problem::{Problem, ProblemKind};

pub fn etag(version: Version) -> String {
    format!("\"{}\"", version.get())
}

/// What the client's `If-Match` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// No header: the write is unconditional.
    Absent,
    /// `*`: any current version.
    Any,
    /// A list of entity tags; only those that can be one of ours are kept
    /// (weak or foreign tags can never match). May be empty.
    Versions(Vec<Version>),
}

/// A version no task ever has (versions start at 1), used when no tag in
/// `If-Match` can match: the repository then answers 404 for a missing task
/// and 412 for an existing one, in the contract's order.
pub const NEVER_MATCHES: Version = Version::new(0);

fn malformed() -> Problem {
    Problem::new(
        ProblemKind::InvalidHeader,
        "If-Match must be * or a list of entity tags such as \"3\".",
    )
}

/// Parses a list of entity tags: `"…"` or `W/"…"`, separated by commas.
fn entity_tags(value: &str, tags: &mut Vec<Option<Version>>) -> Result<(), Problem> {
    let mut rest = value.trim_start_matches([' ', '\t', ',']);
    while !rest.is_empty() {
        let weak = rest.starts_with("W/");
        if weak {
            rest = &rest[2..];
        }
        let quoted = rest.strip_prefix('"').ok_or_else(malformed)?;
        let end = quoted.find('"').ok_or_else(malformed)?;
        let opaque = &quoted[..end];
        // etagc: visible ASCII but `"`, or obs-text.
        if opaque.bytes().any(|b| b < 0x21 || b == 0x7f) {
            return Err(malformed());
        }
        let version = opaque
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 1 && !weak && !opaque.starts_with('+') && !opaque.starts_with('0'))
            .map(Version::new);
        tags.push(version);
        rest = quoted[end + 1..].trim_start_matches([' ', '\t']);
        if !rest.is_empty() {
            rest = rest
                .strip_prefix(',')
                .ok_or_else(malformed)?
                .trim_start_matches([' ', '\t', ',']);
        }
    }
    Ok(())
}

/// # Errors
/// 400 when a header is not valid `If-Match` syntax.
pub fn if_match(req: &HttpRequest) -> Result<IfMatch, Problem> {
    let mut any = false;
    let mut tags = Vec::new();
    let mut present = false;
    for value in req.headers().get_all(header::IF_MATCH) {
        present = true;
        let value = value.to_str().map_err(|_| malformed())?.trim();
        if value == "*" {
            any = true;
        } else {
            entity_tags(value, &mut tags)?;
        }
    }
    if !present {
        return Ok(IfMatch::Absent);
    }
    if any {
        // `*` combined with tags is not valid syntax.
        return if tags.is_empty() {
            Ok(IfMatch::Any)
        } else {
            Err(malformed())
        };
    }
    if tags.is_empty() {
        return Err(malformed());
    }
    let mut versions: Vec<Version> = tags.into_iter().flatten().collect();
    versions.sort_unstable();
    versions.dedup();
    Ok(IfMatch::Versions(versions))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn parse(values: &[&str]) -> Result<IfMatch, ProblemKind> {
        let mut req = TestRequest::default();
        for v in values {
            req = req.append_header((header::IF_MATCH, *v));
        }
        if_match(&req.to_http_request()).map_err(|p| p.kind())
    }

    fn versions(v: &[i64]) -> Result<IfMatch, ProblemKind> {
        Ok(IfMatch::Versions(
            v.iter().copied().map(Version::new).collect(),
        ))
    }

    #[test]
    fn etag_is_the_quoted_version() {
        assert_eq!(etag(Version::new(42)), "\"42\"");
    }

    #[test]
    fn absent_any_and_single_tags() {
        assert_eq!(parse(&[]), Ok(IfMatch::Absent));
        assert_eq!(parse(&["*"]), Ok(IfMatch::Any));
        assert_eq!(parse(&["\"7\""]), versions(&[7]));
        assert_eq!(parse(&[" \"7\" "]), versions(&[7]));
    }

    #[test]
    fn lists_across_and_within_headers() {
        assert_eq!(parse(&["\"1\", \"3\",\"2\""]), versions(&[1, 2, 3]));
        assert_eq!(parse(&["\"1\"", "\"4\""]), versions(&[1, 4]));
        assert_eq!(parse(&["\"a,b\", \"5\""]), versions(&[5]));
    }

    #[test]
    fn tags_that_cannot_be_ours_never_match() {
        assert_eq!(parse(&["W/\"3\""]), versions(&[]));
        assert_eq!(parse(&["\"abc\""]), versions(&[]));
        assert_eq!(parse(&["\"0\""]), versions(&[]));
        assert_eq!(parse(&["\"-1\""]), versions(&[]));
        assert_eq!(parse(&["\"03\""]), versions(&[]));
        assert_eq!(parse(&["\"+3\""]), versions(&[]));
        assert_eq!(parse(&["\"99999999999999999999\""]), versions(&[]));
        assert_eq!(parse(&["\"\""]), versions(&[]));
    }

    #[test]
    fn malformed_headers_are_bad_requests() {
        for bad in [
            "3",
            "\"3",
            "\"3\" \"4\"",
            "*, \"3\"",
            "",
            ",",
            "W/3",
            "\"a b\"",
        ] {
            assert_eq!(parse(&[bad]), Err(ProblemKind::InvalidHeader), "{bad:?}");
        }
        assert_eq!(parse(&["*", "\"1\""]), Err(ProblemKind::InvalidHeader));
    }
}
