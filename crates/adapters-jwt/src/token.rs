//! The compact JWS form, parsed just far enough to pick a key: size,
//! segments, and the protected header. Nothing here trusts the token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Deserializer};

use crate::json_str::JsonStr;
use crate::rejection::Rejection;

/// Better Auth's tokens are well under 1 KiB; anything this large is not one
/// of them and is refused before any decoding work.
pub(crate) const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The signature algorithms this crate verifies. Anything else, `none`
/// included, is refused while parsing the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SigningAlg {
    EdDsa,
    Es256,
    Rs256,
    Ps256,
    Hs256,
}

impl SigningAlg {
    /// Exact, case-sensitive JOSE names (RFC 7518): `eddsa` is not `EdDSA`.
    pub(crate) fn from_jose(name: &str) -> Option<Self> {
        match name {
            "EdDSA" => Some(Self::EdDsa),
            "ES256" => Some(Self::Es256),
            "RS256" => Some(Self::Rs256),
            "PS256" => Some(Self::Ps256),
            "HS256" => Some(Self::Hs256),
            _ => None,
        }
    }

    pub(crate) fn to_jsonwebtoken(self) -> jsonwebtoken::Algorithm {
        match self {
            Self::EdDsa => jsonwebtoken::Algorithm::EdDSA,
            Self::Es256 => jsonwebtoken::Algorithm::ES256,
            Self::Rs256 => jsonwebtoken::Algorithm::RS256,
            Self::Ps256 => jsonwebtoken::Algorithm::PS256,
            Self::Hs256 => jsonwebtoken::Algorithm::HS256,
        }
    }
}

/// A token split into its parts, with the header checked against the rules
/// that hold in every mode. The signature is not verified yet.
#[derive(Debug)]
pub(crate) struct UnverifiedToken<'a> {
    pub(crate) alg: SigningAlg,
    pub(crate) kid: Option<String>,
    /// `header.payload`, the bytes the signature covers.
    pub(crate) signing_input: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
}

#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow)]
    alg: Option<JsonStr<'a>>,
    #[serde(borrow)]
    kid: Option<JsonStr<'a>>,
    #[serde(borrow)]
    typ: Option<JsonStr<'a>>,
    #[serde(default, deserialize_with = "is_present")]
    crit: bool,
}

/// Any `crit` value, even `null` or `[]`, names extensions we do not
/// implement, so its mere presence is what matters.
fn is_present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer).map(|_| true)
}

impl<'a> UnverifiedToken<'a> {
    /// # Errors
    /// A [`Rejection`] for an oversized token, a token that is not three
    /// base64url segments, a header that is not a JSON object, an algorithm
    /// other than the ones in [`SigningAlg`], a `crit` header, or a `typ`
    /// other than `JWT`.
    pub(crate) fn parse(token: &'a str) -> Result<Self, Rejection> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Rejection::TooLarge);
        }
        let mut segments = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(Rejection::Malformed("not three dot-separated segments"));
        };
        with_decoded_segment(header, |json| {
            Self::check_header(json, token, header, payload, signature)
        })
        .unwrap_or(Err(Rejection::Malformed("header is not base64url")))
    }

    fn check_header(
        header_json: &[u8],
        token: &'a str,
        header: &str,
        payload: &'a str,
        signature: &'a str,
    ) -> Result<Self, Rejection> {
        let raw: RawHeader<'_> =
            parse_object(header_json).ok_or(Rejection::Malformed("header is not a JSON object"))?;

        let alg_name = raw.alg.ok_or(Rejection::Malformed("header has no alg"))?;
        let alg = SigningAlg::from_jose(&alg_name)
            .ok_or_else(|| Rejection::unsupported_algorithm(&alg_name))?;
        if raw.crit {
            return Err(Rejection::CriticalHeader);
        }
        // Better Auth sends no typ; when present it must say this is a JWT
        // and not some other JOSE object signed by the same key.
        if raw.typ.is_some_and(|typ| !typ.eq_ignore_ascii_case("JWT")) {
            return Err(Rejection::UnexpectedType);
        }
        let signing_input = &token[..header.len() + 1 + payload.len()];
        Ok(Self {
            alg,
            kid: raw.kid.map(|kid| kid.0.into_owned()),
            signing_input,
            payload,
            signature,
        })
    }
}

impl UnverifiedToken<'_> {
    /// Checks the signature with `key` under the header's algorithm. The
    /// caller has already made sure the key may be used with that algorithm.
    ///
    /// # Errors
    /// [`Rejection::BadSignature`] when the signature does not verify or is
    /// not valid base64url.
    pub(crate) fn verify_signature(
        &self,
        key: &jsonwebtoken::DecodingKey,
    ) -> Result<(), Rejection> {
        match jsonwebtoken::crypto::verify(
            self.signature,
            self.signing_input.as_bytes(),
            key,
            self.alg.to_jsonwebtoken(),
        ) {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(Rejection::BadSignature),
        }
    }
}

/// Strict base64url without padding: padding, whitespace, the standard
/// alphabet and non-canonical trailing bits are all refused, so one token
/// has exactly one encoding.
pub(crate) fn decode_segment(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment).ok()
}

/// Segments up to this size once decoded (every header, and the claims of
/// any token Better Auth issues) are decoded on the stack: no allocation
/// on the per-request path.
const STACK_SEGMENT_BYTES: usize = 1024;

/// Decodes `segment` as [`decode_segment`] does, with the same strictness,
/// and hands the bytes to `use_bytes`; `None` when it is not base64url.
pub(crate) fn with_decoded_segment<R>(
    segment: &str,
    use_bytes: impl FnOnce(&[u8]) -> R,
) -> Option<R> {
    if base64::decoded_len_estimate(segment.len()) > STACK_SEGMENT_BYTES {
        return decode_segment(segment).map(|bytes| use_bytes(&bytes));
    }
    let mut buffer = [0u8; STACK_SEGMENT_BYTES];
    let written = URL_SAFE_NO_PAD.decode_slice(segment, &mut buffer).ok()?;
    buffer.get(..written).map(use_bytes)
}

/// serde would also build a struct from a JSON array (by position), so the
/// top level is checked to be an object first. Duplicate keys are refused
/// by serde_json for the fields a struct names.
pub(crate) fn parse_object<'de, T: Deserialize<'de>>(json: &'de [u8]) -> Option<T> {
    let first = json.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    serde_json::from_slice(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn token_with_header(header: &str) -> String {
        format!("{}.{}.c2ln", b64(header), b64("{}"))
    }

    #[test]
    fn parses_a_well_formed_header() {
        let token = token_with_header(r#"{"alg":"EdDSA","kid":"k1"}"#);
        let parsed = UnverifiedToken::parse(&token).unwrap();
        assert_eq!(parsed.alg, SigningAlg::EdDsa);
        assert_eq!(parsed.kid.as_deref(), Some("k1"));
        assert_eq!(parsed.signature, "c2ln");
        assert_eq!(
            parsed.signing_input,
            format!("{}.{}", b64(r#"{"alg":"EdDSA","kid":"k1"}"#), b64("{}"))
        );
    }

    #[test]
    fn typ_jwt_is_accepted_in_any_case() {
        for typ in ["JWT", "jwt"] {
            let token = token_with_header(&format!(r#"{{"alg":"ES256","typ":"{typ}"}}"#));
            assert!(UnverifiedToken::parse(&token).is_ok(), "{typ}");
        }
    }

    #[test]
    fn other_typ_is_refused() {
        let token = token_with_header(r#"{"alg":"ES256","typ":"at+jwt"}"#);
        assert_eq!(
            UnverifiedToken::parse(&token).unwrap_err(),
            Rejection::UnexpectedType
        );
    }

    #[test]
    fn crit_is_refused_whatever_its_value() {
        for crit in [r#"["exp"]"#, "[]", "null"] {
            let token = token_with_header(&format!(r#"{{"alg":"ES256","crit":{crit}}}"#));
            assert_eq!(
                UnverifiedToken::parse(&token).unwrap_err(),
                Rejection::CriticalHeader,
                "{crit}"
            );
        }
    }

    #[test]
    fn algorithm_names_are_case_sensitive_and_none_is_refused() {
        for alg in ["none", "None", "eddsa", "HS512", "ES512", "RS384"] {
            let token = token_with_header(&format!(r#"{{"alg":"{alg}"}}"#));
            assert!(
                matches!(
                    UnverifiedToken::parse(&token),
                    Err(Rejection::UnsupportedAlgorithm(_))
                ),
                "{alg}"
            );
        }
    }

    #[test]
    fn duplicate_header_fields_are_refused() {
        let token = token_with_header(r#"{"alg":"HS256","alg":"EdDSA"}"#);
        assert!(matches!(
            UnverifiedToken::parse(&token),
            Err(Rejection::Malformed(_))
        ));
    }

    #[test]
    fn header_that_is_an_array_is_refused() {
        let token = token_with_header(r#"["EdDSA","k1",null,null]"#);
        assert_eq!(
            UnverifiedToken::parse(&token).unwrap_err(),
            Rejection::Malformed("header is not a JSON object")
        );
    }

    #[test]
    fn padded_or_standard_alphabet_base64_is_refused() {
        assert!(decode_segment("e30").is_some());
        assert!(decode_segment("e30=").is_none());
        assert!(decode_segment("a+b/").is_none());
        assert!(decode_segment("e3 0").is_none());
        // "e31" decodes to the same byte as "e30" only with non-canonical
        // trailing bits.
        assert!(decode_segment("e31").is_none());
    }

    #[test]
    fn stack_and_heap_decoding_agree() {
        let long = "a".repeat(STACK_SEGMENT_BYTES * 2);
        for text in ["{}", "x", long.as_str()] {
            let encoded = URL_SAFE_NO_PAD.encode(text);
            assert_eq!(
                with_decoded_segment(&encoded, <[u8]>::to_vec),
                Some(text.as_bytes().to_vec())
            );
        }
        for bad in ["e30=", "a+b/", "e3 0", "e31"] {
            assert_eq!(with_decoded_segment(bad, <[u8]>::to_vec), None, "{bad}");
        }
        let bad_long = format!("{}=", URL_SAFE_NO_PAD.encode(&long));
        assert_eq!(with_decoded_segment(&bad_long, <[u8]>::to_vec), None);
    }

    #[test]
    fn wrong_segment_counts_are_refused() {
        for token in ["", "a", "a.b", "a.b.c.d", ".."] {
            assert!(
                matches!(UnverifiedToken::parse(token), Err(Rejection::Malformed(_))),
                "{token:?}"
            );
        }
    }

    #[test]
    fn oversized_token_is_refused_before_decoding() {
        let token = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(
            UnverifiedToken::parse(&token).unwrap_err(),
            Rejection::TooLarge
        );
    }
}
