//! `ETag`, `If-Match` and `If-None-Match` (RFC 9110 §8.8.3, §13.1.1,
//! §13.1.2). A task's entity tag is its version in quotes, e.g. `"3"`;
//! `If-Match` uses strong comparison, so a weak tag (`W/"3"`) never matches;
//! `If-None-Match` uses weak comparison, so `W/"3"` matches `"3"`.

use actix_web::HttpRequest;
use actix_web::http::header;
use domain::Version;

use crate::http::problem::{Problem, ProblemKind};

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

fn malformed(name: &header::HeaderName) -> Problem {
    let name = if *name == header::IF_NONE_MATCH {
        "If-None-Match"
    } else {
        "If-Match"
    };
    Problem::new(
        ProblemKind::InvalidHeader,
        format!("{name} must be * or a list of entity tags such as \"3\"."),
    )
}

/// One entity tag of a list: whether it is weak, and the version it names
/// if its opaque part can be one of ours.
type Tag = (bool, Option<Version>);

/// Parses a list of entity tags: `"…"` or `W/"…"`, separated by commas.
fn entity_tags(value: &str, tags: &mut Vec<Tag>, bad: &dyn Fn() -> Problem) -> Result<(), Problem> {
    let mut rest = value.trim_start_matches([' ', '\t', ',']);
    while !rest.is_empty() {
        let weak = rest.starts_with("W/");
        if weak {
            rest = &rest[2..];
        }
        let quoted = rest.strip_prefix('"').ok_or_else(bad)?;
        let end = quoted.find('"').ok_or_else(bad)?;
        let opaque = &quoted[..end];
        // etagc: visible ASCII but `"`, or obs-text.
        if opaque.bytes().any(|b| b < 0x21 || b == 0x7f) {
            return Err(bad());
        }
        let version = opaque
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 1 && !opaque.starts_with('+') && !opaque.starts_with('0'))
            .map(Version::new);
        tags.push((weak, version));
        rest = quoted[end + 1..].trim_start_matches([' ', '\t']);
        if !rest.is_empty() {
            rest = rest
                .strip_prefix(',')
                .ok_or_else(bad)?
                .trim_start_matches([' ', '\t', ',']);
        }
    }
    Ok(())
}

/// The header's values: `None` when absent, `Some(true, _)` for `*`.
fn tag_list(
    req: &HttpRequest,
    name: &header::HeaderName,
) -> Result<Option<(bool, Vec<Tag>)>, Problem> {
    let bad = || malformed(name);
    let mut any = false;
    let mut tags = Vec::new();
    let mut present = false;
    for value in req.headers().get_all(name) {
        present = true;
        let value = value.to_str().map_err(|_| bad())?.trim();
        if value == "*" {
            any = true;
        } else {
            entity_tags(value, &mut tags, &bad)?;
        }
    }
    if !present {
        return Ok(None);
    }
    // `*` combined with tags is not valid syntax, nor is an empty list.
    let valid = if any {
        tags.is_empty()
    } else {
        !tags.is_empty()
    };
    if !valid {
        return Err(bad());
    }
    Ok(Some((any, tags)))
}

fn sorted(versions: impl Iterator<Item = Version>) -> Vec<Version> {
    let mut versions: Vec<Version> = versions.collect();
    versions.sort_unstable();
    versions.dedup();
    versions
}

/// # Errors
/// 400 when a header is not valid `If-Match` syntax.
pub fn if_match(req: &HttpRequest) -> Result<IfMatch, Problem> {
    Ok(match tag_list(req, &header::IF_MATCH)? {
        None => IfMatch::Absent,
        Some((true, _)) => IfMatch::Any,
        // Strong comparison: a weak tag never matches.
        Some((false, tags)) => IfMatch::Versions(sorted(
            tags.into_iter()
                .filter(|(weak, _)| !weak)
                .filter_map(|(_, v)| v),
        )),
    })
}

/// The version a conditional write must find, for `IfMatch`. With several
/// candidate tags the current version is read first (`current`, which
/// answers 404 for a missing resource); the write itself stays
/// conditional, so a change in between still yields 412. `changed` is the
/// 412 for this kind of resource.
///
/// # Errors
/// `current`'s error, or `changed` when no candidate is current.
pub async fn expected_version<F>(
    condition: IfMatch,
    current: impl FnOnce() -> F,
    changed: impl FnOnce() -> Problem,
) -> Result<Option<Version>, Problem>
where
    F: Future<Output = Result<Version, Problem>>,
{
    match condition {
        IfMatch::Absent | IfMatch::Any => Ok(None),
        IfMatch::Versions(versions) => match versions.as_slice() {
            [] => Ok(Some(NEVER_MATCHES)),
            [single] => Ok(Some(*single)),
            several => {
                let current = current().await?;
                if several.contains(&current) {
                    Ok(Some(current))
                } else {
                    Err(changed())
                }
            }
        },
    }
}

/// Sets `ETag` to `version`'s entity tag.
pub fn with_etag(
    mut response: actix_web::HttpResponse,
    version: Version,
) -> actix_web::HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// What the client's `If-None-Match` asks for, on a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfNoneMatch {
    Absent,
    /// `*`: not modified if the task exists at all.
    Any,
    /// The versions the client holds (weak tags included).
    Versions(Vec<Version>),
}

impl IfNoneMatch {
    /// Whether a read of `current` may answer 304 Not Modified.
    pub fn holds(&self, current: Version) -> bool {
        match self {
            Self::Absent => false,
            Self::Any => true,
            Self::Versions(versions) => versions.contains(&current),
        }
    }
}

/// # Errors
/// 400 when a header is not valid `If-None-Match` syntax.
pub fn if_none_match(req: &HttpRequest) -> Result<IfNoneMatch, Problem> {
    Ok(match tag_list(req, &header::IF_NONE_MATCH)? {
        None => IfNoneMatch::Absent,
        Some((true, _)) => IfNoneMatch::Any,
        // Weak comparison: `W/"3"` names version 3 as well as `"3"` does.
        Some((false, tags)) => {
            IfNoneMatch::Versions(sorted(tags.into_iter().filter_map(|(_, v)| v)))
        }
    })
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

    fn parse_none_match(values: &[&str]) -> Result<IfNoneMatch, ProblemKind> {
        let mut req = TestRequest::default();
        for v in values {
            req = req.append_header((header::IF_NONE_MATCH, *v));
        }
        if_none_match(&req.to_http_request()).map_err(|p| p.kind())
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let v = |n: &[i64]| {
            Ok(IfNoneMatch::Versions(
                n.iter().copied().map(Version::new).collect(),
            ))
        };
        assert_eq!(parse_none_match(&[]), Ok(IfNoneMatch::Absent));
        assert_eq!(parse_none_match(&["*"]), Ok(IfNoneMatch::Any));
        assert_eq!(parse_none_match(&["\"3\""]), v(&[3]));
        assert_eq!(parse_none_match(&["W/\"3\""]), v(&[3]));
        assert_eq!(parse_none_match(&["W/\"3\", \"5\"", "\"x\""]), v(&[3, 5]));
        assert_eq!(parse_none_match(&["\"abc\""]), v(&[]));
        for bad in ["3", "\"3", "*, \"3\"", "", ","] {
            assert_eq!(
                parse_none_match(&[bad]),
                Err(ProblemKind::InvalidHeader),
                "{bad:?}"
            );
        }
        let holds = |value: &str, version: i64| {
            parse_none_match(&[value])
                .unwrap()
                .holds(Version::new(version))
        };
        assert!(holds("\"3\"", 3));
        assert!(holds("W/\"3\"", 3));
        assert!(!holds("\"3\"", 4));
        assert!(holds("*", 1));
        assert!(!IfNoneMatch::Absent.holds(Version::new(1)));
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
