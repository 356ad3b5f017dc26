//! A JWKS document turned into ready-to-use decoding keys, indexed by `kid`.
//! Keys this crate cannot or must not use are set aside with the reason.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use jsonwebtoken::DecodingKey;
use serde::Deserialize;

use crate::token::{SigningAlg, decode_segment, parse_object};

/// The algorithms a published key may verify. A JWK that names its `alg`
/// allows exactly that one; an RSA key without `alg` may serve either RSA
/// scheme, as RFC 7517 leaves it open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AllowedAlgs {
    One(SigningAlg),
    AnyRsa,
}

#[derive(Debug)]
pub(crate) struct VerificationKey {
    pub(crate) key: DecodingKey,
    allowed: AllowedAlgs,
}

impl VerificationKey {
    pub(crate) fn allows(&self, alg: SigningAlg) -> bool {
        match self.allowed {
            AllowedAlgs::One(only) => only == alg,
            AllowedAlgs::AnyRsa => matches!(alg, SigningAlg::Rs256 | SigningAlg::Ps256),
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct KeySet {
    by_kid: HashMap<String, Arc<VerificationKey>>,
}

impl KeySet {
    pub(crate) fn get(&self, kid: &str) -> Option<Arc<VerificationKey>> {
        self.by_kid.get(kid).cloned()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_kid.len()
    }
}

/// A key left out of the set, and why; the key cache logs it once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SkippedKey {
    pub(crate) kid: Option<String>,
    pub(crate) reason: String,
}

#[derive(Debug)]
pub(crate) struct ParsedJwks {
    pub(crate) keys: KeySet,
    pub(crate) skipped: Vec<SkippedKey>,
}

/// The document as a whole is unusable; the fetch counts as failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a JWKS document (expected a JSON object with a \"keys\" array)")]
pub(crate) struct NotAJwks;

#[derive(Deserialize)]
struct RawJwks {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawJwk {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

/// Parses a JWKS document. Individual keys that are malformed or of a kind
/// we do not accept are skipped, not fatal: one odd key must not take the
/// good ones down with it.
///
/// # Errors
/// [`NotAJwks`] when the body is not a JSON object with a `keys` array.
pub(crate) fn parse_jwks(body: &[u8]) -> Result<ParsedJwks, NotAJwks> {
    let raw: RawJwks = parse_object(body).ok_or(NotAJwks)?;
    let mut by_kid: HashMap<String, Arc<VerificationKey>> = HashMap::new();
    let mut duplicates: Vec<String> = Vec::new();
    let mut skipped = Vec::new();

    for value in raw.keys {
        let jwk = match RawJwk::deserialize(&value) {
            Ok(jwk) => jwk,
            Err(err) => {
                let kid = value.get("kid").and_then(|k| k.as_str()).map(str::to_owned);
                skipped.push(SkippedKey {
                    kid,
                    reason: format!("malformed JWK: {err}"),
                });
                continue;
            }
        };
        let Some(kid) = jwk.kid.clone() else {
            skipped.push(SkippedKey {
                kid: None,
                reason: "JWK has no kid, so no token can name it".into(),
            });
            continue;
        };
        match to_verification_key(&jwk) {
            Ok(key) => match by_kid.entry(kid) {
                Entry::Vacant(slot) => {
                    slot.insert(Arc::new(key));
                }
                Entry::Occupied(slot) => duplicates.push(slot.key().clone()),
            },
            Err(reason) => skipped.push(SkippedKey {
                kid: Some(kid),
                reason,
            }),
        }
    }

    // Two keys under one kid make every token naming it ambiguous; neither
    // is trusted.
    for kid in duplicates {
        if by_kid.remove(&kid).is_some() {
            skipped.push(SkippedKey {
                kid: Some(kid),
                reason: "more than one JWK has this kid".into(),
            });
        }
    }

    Ok(ParsedJwks {
        keys: KeySet { by_kid },
        skipped,
    })
}

/// RSA sizes aws-lc-rs verifies (its `*_2048_8192_*` algorithms).
const RSA_MIN_BITS: usize = 2048;
const RSA_MAX_BITS: usize = 8192;

fn to_verification_key(jwk: &RawJwk) -> Result<VerificationKey, String> {
    if let Some(use_) = jwk.use_.as_deref().filter(|u| *u != "sig") {
        return Err(format!("JWK use is {use_:?}, not \"sig\""));
    }
    let declared = match jwk.alg.as_deref() {
        None => None,
        Some(name) => Some(
            SigningAlg::from_jose(name)
                .filter(|alg| *alg != SigningAlg::Hs256)
                .ok_or_else(|| format!("algorithm {name:?} is not accepted"))?,
        ),
    };
    let (key, family_default) = match jwk.kty.as_str() {
        "OKP" => (okp_key(jwk)?, AllowedAlgs::One(SigningAlg::EdDsa)),
        "EC" => (ec_key(jwk)?, AllowedAlgs::One(SigningAlg::Es256)),
        "RSA" => (rsa_key(jwk)?, AllowedAlgs::AnyRsa),
        // Symmetric ("oct") keys are never taken from a public document:
        // that is the door to forging tokens.
        other => return Err(format!("key type {other:?} is not accepted")),
    };
    let allowed = match declared {
        None => family_default,
        Some(alg) => {
            let fits = match family_default {
                AllowedAlgs::One(only) => only == alg,
                AllowedAlgs::AnyRsa => matches!(alg, SigningAlg::Rs256 | SigningAlg::Ps256),
            };
            if !fits {
                return Err(format!(
                    "JWK alg {:?} does not fit key type {:?}",
                    jwk.alg.as_deref().unwrap_or_default(),
                    jwk.kty
                ));
            }
            AllowedAlgs::One(alg)
        }
    };
    Ok(VerificationKey { key, allowed })
}

fn component(jwk: &RawJwk, value: Option<&String>, name: &str) -> Result<Vec<u8>, String> {
    let text = value.ok_or_else(|| format!("{} JWK has no {name}", jwk.kty))?;
    decode_segment(text).ok_or_else(|| format!("{} JWK {name} is not base64url", jwk.kty))
}

fn okp_key(jwk: &RawJwk) -> Result<DecodingKey, String> {
    // jsonwebtoken would take an Ed448 `x` as an Ed25519 key; only the
    // curve we actually verify with is accepted.
    if jwk.crv.as_deref() != Some("Ed25519") {
        return Err(format!("OKP curve {:?} is not Ed25519", jwk.crv));
    }
    let x = component(jwk, jwk.x.as_ref(), "x")?;
    if x.len() != 32 {
        return Err("Ed25519 x is not 32 bytes".into());
    }
    Ok(DecodingKey::from_ed_der(&x))
}

fn ec_key(jwk: &RawJwk) -> Result<DecodingKey, String> {
    if jwk.crv.as_deref() != Some("P-256") {
        return Err(format!("EC curve {:?} is not P-256", jwk.crv));
    }
    let x = component(jwk, jwk.x.as_ref(), "x")?;
    let y = component(jwk, jwk.y.as_ref(), "y")?;
    if x.len() != 32 || y.len() != 32 {
        return Err("P-256 x or y is not 32 bytes".into());
    }
    // The uncompressed SEC1 point, the form aws-lc-rs verifies with.
    let mut point = Vec::with_capacity(65);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(DecodingKey::from_ec_der(&point))
}

fn rsa_key(jwk: &RawJwk) -> Result<DecodingKey, String> {
    let n = component(jwk, jwk.n.as_ref(), "n")?;
    let e = component(jwk, jwk.e.as_ref(), "e")?;
    let bits = bit_length(&n);
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(format!(
            "RSA modulus has {bits} bits, outside {RSA_MIN_BITS}..={RSA_MAX_BITS}"
        ));
    }
    if e.iter().all(|b| *b == 0) {
        return Err("RSA exponent is empty".into());
    }
    Ok(DecodingKey::from_rsa_raw_components(&n, &e))
}

fn bit_length(big_endian: &[u8]) -> usize {
    let Some(start) = big_endian.iter().position(|b| *b != 0) else {
        return 0;
    };
    let significant = &big_endian[start..];
    let leading_zeros = significant
        .first()
        .map_or(0, |b| b.leading_zeros() as usize);
    significant.len() * 8 - leading_zeros
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED_X: &str = "X124LCmolncA5BGm043dS4E1PYPgcCumg1uh9uWIpRE";
    const EC_X: &str = "fVxPfYWBV364YhC1VlCL05HCLwnDFD17-8O-sLKfnmg";
    const EC_Y: &str = "tKDkLsZBZI4szlP2_4tv3oZZwcyuLfwNnDbqX_GI6sk";

    fn parse(json: &str) -> ParsedJwks {
        parse_jwks(json.as_bytes()).unwrap()
    }

    fn rsa_n(bits: usize) -> String {
        use base64::Engine;
        let mut n = vec![0xffu8; bits / 8];
        n[0] = 0x80;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n)
    }

    #[test]
    fn loads_each_supported_key_type() {
        let json = format!(
            r#"{{"keys":[
                {{"kty":"OKP","crv":"Ed25519","x":"{ED_X}","kid":"ed","alg":"EdDSA"}},
                {{"kty":"EC","crv":"P-256","x":"{EC_X}","y":"{EC_Y}","kid":"ec"}},
                {{"kty":"RSA","n":"{}","e":"AQAB","kid":"rs","alg":"RS256","use":"sig"}},
                {{"kty":"RSA","n":"{}","e":"AQAB","kid":"any-rsa"}}
            ]}}"#,
            rsa_n(2048),
            rsa_n(4096)
        );
        let parsed = parse(&json);
        assert_eq!(parsed.skipped, vec![]);
        assert_eq!(parsed.keys.len(), 4);
        let ed = parsed.keys.get("ed").unwrap();
        assert!(ed.allows(SigningAlg::EdDsa));
        assert!(!ed.allows(SigningAlg::Es256));
        assert!(parsed.keys.get("ec").unwrap().allows(SigningAlg::Es256));
        let rs = parsed.keys.get("rs").unwrap();
        assert!(rs.allows(SigningAlg::Rs256));
        assert!(!rs.allows(SigningAlg::Ps256));
        let any = parsed.keys.get("any-rsa").unwrap();
        assert!(any.allows(SigningAlg::Rs256) && any.allows(SigningAlg::Ps256));
        assert!(!any.allows(SigningAlg::Hs256));
    }

    #[test]
    fn skips_unusable_keys_and_keeps_the_rest() {
        let json = format!(
            r#"{{"keys":[
                {{"kty":"OKP","crv":"Ed448","x":"{ED_X}","kid":"ed448"}},
                {{"kty":"EC","crv":"P-521","x":"{EC_X}","y":"{EC_Y}","kid":"es512","alg":"ES512"}},
                {{"kty":"EC","crv":"P-256","x":"{EC_X}","y":"{EC_Y}","kid":"enc","use":"enc"}},
                {{"kty":"oct","k":"c2VjcmV0","kid":"oct","alg":"HS256"}},
                {{"kty":"RSA","n":"{}","e":"AQAB","kid":"small-rsa"}},
                {{"kty":"OKP","crv":"Ed25519","x":"{ED_X}","kid":"ed-as-es","alg":"ES256"}},
                {{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"short-x"}},
                {{"kty":"OKP","crv":"Ed25519","x":"{ED_X}"}},
                {{"kty":5,"kid":"garbage"}},
                {{"kty":"OKP","crv":"Ed25519","x":"{ED_X}","kid":"good"}}
            ]}}"#,
            rsa_n(1024)
        );
        let parsed = parse(&json);
        assert_eq!(parsed.keys.len(), 1);
        assert!(parsed.keys.get("good").is_some());
        let skipped: Vec<_> = parsed.skipped.iter().map(|s| s.kid.as_deref()).collect();
        assert_eq!(
            skipped,
            vec![
                Some("ed448"),
                Some("es512"),
                Some("enc"),
                Some("oct"),
                Some("small-rsa"),
                Some("ed-as-es"),
                Some("short-x"),
                None,
                Some("garbage"),
            ]
        );
    }

    #[test]
    fn duplicate_kids_are_dropped_entirely() {
        let json = format!(
            r#"{{"keys":[
                {{"kty":"OKP","crv":"Ed25519","x":"{ED_X}","kid":"dup"}},
                {{"kty":"EC","crv":"P-256","x":"{EC_X}","y":"{EC_Y}","kid":"dup"}}
            ]}}"#
        );
        let parsed = parse(&json);
        assert_eq!(parsed.keys.len(), 0);
        assert_eq!(parsed.skipped.len(), 1);
    }

    #[test]
    fn documents_without_a_keys_array_are_refused() {
        for body in [
            "",
            "not json",
            "[]",
            r#"[{"keys":[]}]"#,
            "{}",
            r#"{"keys":5}"#,
            r#"{"keys":[]"#,
        ] {
            assert_eq!(parse_jwks(body.as_bytes()).unwrap_err(), NotAJwks, "{body}");
        }
        assert_eq!(parse_jwks(br#"{"keys":[]}"#).unwrap().keys.len(), 0);
    }

    #[test]
    fn bit_length_ignores_leading_zero_bytes() {
        assert_eq!(bit_length(&[0, 0, 1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[]), 0);
    }
}
