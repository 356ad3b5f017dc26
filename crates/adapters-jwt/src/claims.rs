//! The claims policy shared by both modes: time window, issuer, audience,
//! subject. Runs only on payloads whose signature has been verified.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use domain::{Principal, UserId};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::json_str::JsonStr;
use crate::rejection::Rejection;
use crate::token::{parse_object, with_decoded_segment};

#[derive(Debug, Clone)]
pub(crate) struct ClaimsPolicy {
    issuer: String,
    audience: String,
    leeway_secs: i64,
}

#[derive(Deserialize)]
struct RawClaims<'a> {
    exp: Option<NumericDate>,
    nbf: Option<NumericDate>,
    iat: Option<NumericDate>,
    #[serde(borrow)]
    iss: Option<JsonStr<'a>>,
    #[serde(borrow)]
    aud: Option<Audience<'a>>,
    #[serde(borrow)]
    sub: Option<JsonStr<'a>>,
    email: Option<String>,
    name: Option<String>,
}

/// RFC 7519 NumericDate: seconds since the epoch, possibly fractional.
/// Fractions are dropped (rounded towards the past), which can only make a
/// token expire a fraction of a second earlier.
#[derive(Debug, Clone, Copy)]
struct NumericDate(i64);

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumericDateVisitor;
        impl Visitor<'_> for NumericDateVisitor {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of seconds since the epoch")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
                Ok(NumericDate(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                Ok(NumericDate(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                if !v.is_finite() {
                    return Err(E::custom("not a finite number"));
                }
                // `as` saturates at the i64 bounds, which is what we want for
                // absurdly distant dates.
                #[allow(clippy::cast_possible_truncation)]
                Ok(NumericDate(v.floor() as i64))
            }
        }
        deserializer.deserialize_any(NumericDateVisitor)
    }
}

/// `aud` is either one string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug)]
enum Audience<'a> {
    One(JsonStr<'a>),
    Many(Vec<JsonStr<'a>>),
}

impl Audience<'_> {
    fn contains(&self, wanted: &str) -> bool {
        match self {
            Self::One(aud) => **aud == *wanted,
            Self::Many(auds) => auds.iter().any(|aud| **aud == *wanted),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Audience<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AudienceVisitor;
        impl<'de> Visitor<'de> for AudienceVisitor {
            type Value = Audience<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Audience<'de>, E> {
                Ok(Audience::One(JsonStr(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Audience<'de>, E> {
                Ok(Audience::One(JsonStr(Cow::Owned(v.to_owned()))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Audience<'de>, A::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(8));
                while let Some(value) = seq.next_element::<JsonStr<'de>>()? {
                    values.push(value);
                }
                Ok(Audience::Many(values))
            }
        }
        deserializer.deserialize_any(AudienceVisitor)
    }
}

/// The instants (Unix seconds, inclusive) at which the claims policy
/// accepts a token, leeway included. A cached verification is reused only
/// inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValidityWindow {
    pub(crate) from: i64,
    pub(crate) until: i64,
}

impl ValidityWindow {
    pub(crate) fn contains(self, now: i64) -> bool {
        self.from <= now && now <= self.until
    }
}

impl ClaimsPolicy {
    pub(crate) fn new(issuer: String, audience: String, leeway: Duration) -> Self {
        Self {
            issuer,
            audience,
            leeway_secs: i64::try_from(leeway.as_secs()).unwrap_or(i64::MAX),
        }
    }

    /// Decodes the (already signature-checked) payload segment and applies
    /// the policy at the instant `now` (Unix seconds).
    ///
    /// Returns the principal and the window in which these claims remain
    /// acceptable.
    ///
    /// # Errors
    /// A [`Rejection`] naming the first rule the claims break.
    pub(crate) fn check(
        &self,
        payload_segment: &str,
        now: i64,
    ) -> Result<(Principal, ValidityWindow), Rejection> {
        with_decoded_segment(payload_segment, |json| self.check_json(json, now))
            .unwrap_or(Err(Rejection::Malformed("payload is not base64url")))
    }

    fn check_json(&self, json: &[u8], now: i64) -> Result<(Principal, ValidityWindow), Rejection> {
        let claims: RawClaims<'_> = parse_object(json).ok_or(Rejection::Malformed(
            "payload is not a JSON object of claims",
        ))?;

        // A token valid until `exp` stays acceptable up to `exp + leeway`
        // inclusive; `nbf` and `iat` may lie up to `leeway` ahead of us.
        let exp = claims.exp.ok_or(Rejection::MissingExpiry)?;
        let until = exp.0.saturating_add(self.leeway_secs);
        if now > until {
            return Err(Rejection::Expired);
        }
        let latest_start = now.saturating_add(self.leeway_secs);
        if claims.nbf.is_some_and(|nbf| nbf.0 > latest_start) {
            return Err(Rejection::NotYetValid);
        }
        if claims.iat.is_some_and(|iat| iat.0 > latest_start) {
            return Err(Rejection::IssuedInFuture);
        }
        if claims.iss.as_deref() != Some(self.issuer.as_str()) {
            return Err(Rejection::WrongIssuer);
        }
        if !claims.aud.is_some_and(|aud| aud.contains(&self.audience)) {
            return Err(Rejection::WrongAudience);
        }
        let sub = claims.sub.ok_or(Rejection::MissingSubject)?;
        let user_id = UserId::parse(&sub).map_err(|_| Rejection::SubjectNotUuid)?;
        let starts = [claims.nbf, claims.iat].into_iter().flatten().map(|d| d.0);
        let from = starts
            .max()
            .map_or(i64::MIN, |start| start.saturating_sub(self.leeway_secs));
        let principal = Principal {
            user_id,
            email: claims.email,
            name: claims.name,
            expires_at: chrono::DateTime::from_timestamp(exp.0, 0),
        };
        Ok((principal, ValidityWindow { from, until }))
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    const SUB: &str = "33e85bcb-82d5-4511-b8fc-1f6806a44a90";
    const NOW: i64 = 1_795_295_100;

    fn policy() -> ClaimsPolicy {
        ClaimsPolicy::new(
            "http://localhost:3000".into(),
            "todo-api".into(),
            Duration::from_secs(30),
        )
    }

    fn check(json: &str) -> Result<Principal, Rejection> {
        policy()
            .check(&URL_SAFE_NO_PAD.encode(json), NOW)
            .map(|(principal, _)| principal)
    }

    #[test]
    fn the_validity_window_spans_nbf_or_iat_to_exp_with_leeway() {
        let window = |json: &str| {
            policy()
                .check(&URL_SAFE_NO_PAD.encode(json), NOW)
                .unwrap()
                .1
        };
        let base = format!(r#""iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}""#);
        assert_eq!(
            window(&format!(
                r#"{{{base},"exp":{},"iat":{},"nbf":{}}}"#,
                NOW + 600,
                NOW - 10,
                NOW - 5
            )),
            ValidityWindow {
                from: NOW - 35,
                until: NOW + 630
            }
        );
        assert_eq!(
            window(&format!(r#"{{{base},"exp":{}}}"#, NOW + 600)),
            ValidityWindow {
                from: i64::MIN,
                until: NOW + 630
            }
        );
        let w = ValidityWindow {
            from: 10,
            until: 20,
        };
        assert!(w.contains(10) && w.contains(20));
        assert!(!w.contains(9) && !w.contains(21));
    }

    fn claims_with(extra: &str) -> String {
        format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":{},{extra}"iat":{}}}"#,
            NOW + 600,
            NOW - 10
        )
    }

    #[test]
    fn valid_claims_become_a_principal() {
        let principal = check(&claims_with(r#""email":"a@example.com","name":"A","#)).unwrap();
        assert_eq!(principal.user_id.to_string(), SUB);
        assert_eq!(principal.email.as_deref(), Some("a@example.com"));
        assert_eq!(principal.name.as_deref(), Some("A"));
    }

    #[test]
    fn email_and_name_are_optional() {
        let principal = check(&claims_with(r#""name":null,"#)).unwrap();
        assert_eq!(principal.email, None);
        assert_eq!(principal.name, None);
    }

    #[test]
    fn the_principal_carries_the_tokens_expiry() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":{}}}"#,
            NOW + 600
        );
        let principal = check(&json).unwrap();
        assert_eq!(
            principal.expires_at.map(|at| at.timestamp()),
            Some(NOW + 600)
        );
    }

    #[test]
    fn fractional_dates_are_accepted() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":{}.75}}"#,
            NOW
        );
        assert!(check(&json).is_ok());
    }

    #[test]
    fn dates_that_are_not_numbers_are_malformed() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":"{}"}}"#,
            NOW + 60
        );
        assert!(matches!(check(&json), Err(Rejection::Malformed(_))));
    }

    #[test]
    fn huge_dates_do_not_overflow() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":1e300,"nbf":-1e300}}"#
        );
        assert!(check(&json).is_ok());
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":18446744073709551615}}"#
        );
        assert!(check(&json).is_ok());
    }

    #[test]
    fn audience_array_must_hold_only_strings() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":["todo-api",1],"sub":"{SUB}","exp":{}}}"#,
            NOW + 60
        );
        assert!(matches!(check(&json), Err(Rejection::Malformed(_))));
    }

    #[test]
    fn empty_audience_array_is_wrong_audience() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":[],"sub":"{SUB}","exp":{}}}"#,
            NOW + 60
        );
        assert_eq!(check(&json).unwrap_err(), Rejection::WrongAudience);
    }

    #[test]
    fn duplicate_claims_are_refused() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","sub":"{SUB}","exp":{}}}"#,
            NOW + 60
        );
        assert!(matches!(check(&json), Err(Rejection::Malformed(_))));
    }

    #[test]
    fn iat_in_the_future_beyond_leeway_is_refused() {
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":{},"iat":{}}}"#,
            NOW + 600,
            NOW + 31
        );
        assert_eq!(check(&json).unwrap_err(), Rejection::IssuedInFuture);
        let json = format!(
            r#"{{"iss":"http://localhost:3000","aud":"todo-api","sub":"{SUB}","exp":{},"iat":{}}}"#,
            NOW + 600,
            NOW + 30
        );
        assert!(check(&json).is_ok());
    }
}
