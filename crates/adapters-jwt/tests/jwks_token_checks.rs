//! JWKS mode, token by token: what is accepted and every way a token is
//! refused. Keys of each supported type are generated here and published
//! through a local JWKS endpoint.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a panic there is a failed test

mod support;

use std::sync::{Arc, LazyLock};

use domain::Principal;
use ports::{AuthError, TokenVerifier};
use serde_json::{Value, json};
use support::{
    AUDIENCE, ISSUER, JwksServer, ManualClock, NOW, Reply, SUB, TestKey, b64, claims, hs256_sign,
    jwks_json, mint,
};

static ED: LazyLock<TestKey> = LazyLock::new(|| TestKey::ed25519("ed-1"));
static EC: LazyLock<TestKey> = LazyLock::new(|| TestKey::es256("ec-1"));
static RS: LazyLock<TestKey> = LazyLock::new(|| TestKey::rs256("rs-1"));
static PS: LazyLock<TestKey> = LazyLock::new(|| TestKey::ps256("ps-1"));
/// An RSA key published without `alg`: usable for RS256 and PS256.
static RSA_NO_ALG: LazyLock<TestKey> = LazyLock::new(|| TestKey::rs256("rsa-no-alg"));
/// Not published: the attacker's own key.
static ATTACKER: LazyLock<TestKey> = LazyLock::new(|| TestKey::ed25519("ed-1"));

const HMAC_KID: &str = "oct-1";
const HMAC_SECRET: &[u8] = b"a symmetric key someone published";

struct Setup {
    server: JwksServer,
    verifier: Arc<dyn TokenVerifier>,
    clock: Arc<ManualClock>,
}

/// A JWKS with every supported key, plus keys that must never verify: the
/// Ed25519 public key relabelled as Ed448, and a symmetric key.
fn published_keys() -> Vec<Value> {
    let mut no_alg = RSA_NO_ALG.jwk();
    no_alg.as_object_mut().unwrap().remove("alg");
    let mut ed448 = ED.jwk();
    ed448["kid"] = json!("ed448");
    ed448["crv"] = json!("Ed448");
    ed448.as_object_mut().unwrap().remove("alg");
    vec![
        ED.jwk(),
        EC.jwk(),
        RS.jwk(),
        PS.jwk(),
        no_alg,
        ed448,
        json!({"kty": "oct", "kid": HMAC_KID, "alg": "HS256", "k": b64(HMAC_SECRET)}),
    ]
}

async fn setup() -> Setup {
    let server = JwksServer::start(Reply::Json(jwks_json(&published_keys()))).await;
    let clock = ManualClock::at(NOW);
    let settings = support::settings(adapters_jwt::VerifierMode::Jwks(
        support::fast_jwks_settings(&server.url()),
    ));
    let verifier = adapters_jwt::build_verifier_with_clock(settings, clock.clone()).unwrap();
    support::wait_ready(&verifier).await;
    Setup {
        server,
        verifier,
        clock,
    }
}

impl Setup {
    async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        self.verifier.verify(token).await
    }

    async fn assert_accepted(&self, token: &str) -> Principal {
        match self.verify(token).await {
            Ok(principal) => {
                assert_eq!(principal.user_id.to_string(), SUB);
                principal
            }
            Err(err) => panic!("expected acceptance, got {err:?}"),
        }
    }

    /// Rejected, and for the expected reason (so a test cannot pass by
    /// tripping over some other check).
    async fn assert_rejected(&self, token: &str, reason: &str) {
        match self.verify(token).await {
            Err(AuthError::Rejected(why)) => {
                assert!(
                    why.contains(reason),
                    "rejected for {why:?}, expected {reason:?}"
                );
            }
            other => panic!("expected rejection for {reason:?}, got {other:?}"),
        }
    }
}

fn now_claims() -> Value {
    claims(NOW - 60)
}

fn signed_by(key: &TestKey, header: Value, claims: &Value) -> String {
    mint(&header, claims, |input| key.sign(input))
}

// ---------------------------------------------------------------- accepts

#[tokio::test]
async fn accepts_eddsa() {
    let s = setup().await;
    let principal = s.assert_accepted(&ED.token(&now_claims())).await;
    assert_eq!(principal.email.as_deref(), Some("user@example.com"));
    assert_eq!(principal.name.as_deref(), Some("Test User"));
}

#[tokio::test]
async fn accepts_es256() {
    let s = setup().await;
    s.assert_accepted(&EC.token(&now_claims())).await;
}

#[tokio::test]
async fn accepts_rs256() {
    let s = setup().await;
    s.assert_accepted(&RS.token(&now_claims())).await;
}

#[tokio::test]
async fn accepts_ps256() {
    let s = setup().await;
    s.assert_accepted(&PS.token(&now_claims())).await;
}

#[tokio::test]
async fn accepts_both_rsa_schemes_with_an_rsa_key_published_without_alg() {
    let s = setup().await;
    for alg in ["RS256", "PS256"] {
        let t = mint(
            &json!({"alg": alg, "kid": "rsa-no-alg"}),
            &now_claims(),
            |i| RSA_NO_ALG.sign_as(alg, i),
        );
        s.assert_accepted(&t).await;
    }
}

#[tokio::test]
async fn accepts_a_token_right_at_the_edge_of_the_leeway() {
    let s = setup().await;
    let c = now_claims();
    let t = ED.token(&c);
    let exp = c["exp"].as_i64().unwrap();
    s.clock.set(exp + 30);
    s.assert_accepted(&t).await;
    s.clock.set(exp + 31);
    s.assert_rejected(&t, "expired").await;
}

#[tokio::test]
async fn accepts_nbf_and_iat_up_to_the_leeway_ahead() {
    let s = setup().await;
    let mut c = now_claims();
    c["nbf"] = json!(NOW + 30);
    c["iat"] = json!(NOW + 30);
    s.assert_accepted(&ED.token(&c)).await;
}

#[tokio::test]
async fn accepts_typ_jwt_and_an_audience_array() {
    let s = setup().await;
    let mut c = now_claims();
    c["aud"] = json!(["other-api", AUDIENCE]);
    let t = signed_by(
        &ED,
        json!({"alg": "EdDSA", "kid": ED.kid, "typ": "JWT"}),
        &c,
    );
    s.assert_accepted(&t).await;
}

#[tokio::test]
async fn accepts_a_principal_without_email_or_name() {
    let s = setup().await;
    let mut c = now_claims();
    c.as_object_mut().unwrap().remove("email");
    c.as_object_mut().unwrap().remove("name");
    let principal = s.assert_accepted(&ED.token(&c)).await;
    assert_eq!((principal.email, principal.name), (None, None));
}

// ---------------------------------------------------------------- rejects

#[tokio::test]
async fn rejects_alg_none() {
    let s = setup().await;
    let header = json!({"alg": "none", "kid": ED.kid});
    let unsigned = mint(&header, &now_claims(), |_| Vec::new());
    assert!(unsigned.ends_with('.'));
    s.assert_rejected(&unsigned, "algorithm none is not accepted")
        .await;
    // Nor with a signature attached, nor spelled differently.
    let signed = signed_by(&ED, header, &now_claims());
    s.assert_rejected(&signed, "algorithm none is not accepted")
        .await;
    let shouty = mint(
        &json!({"alg": "NONE", "kid": ED.kid}),
        &now_claims(),
        |_| vec![],
    );
    s.assert_rejected(&shouty, "algorithm NONE is not accepted")
        .await;
}

#[tokio::test]
async fn rejects_hs256_signed_with_the_public_key_as_secret() {
    let s = setup().await;
    let c = now_claims();
    for (kid, secret) in [
        (ED.kid.clone(), ED.public_bytes()),
        (ED.kid.clone(), ED.jwk().to_string().into_bytes()),
        (RS.kid.clone(), RS.public_bytes()),
        (EC.kid.clone(), EC.public_bytes()),
    ] {
        let t = mint(&json!({"alg": "HS256", "kid": kid}), &c, |i| {
            hs256_sign(&secret, i)
        });
        s.assert_rejected(&t, "algorithm HS256 is not accepted")
            .await;
    }
}

#[tokio::test]
async fn rejects_hs256_even_with_a_symmetric_key_from_the_jwks() {
    let s = setup().await;
    let t = mint(
        &json!({"alg": "HS256", "kid": HMAC_KID}),
        &now_claims(),
        |i| hs256_sign(HMAC_SECRET, i),
    );
    s.assert_rejected(&t, "algorithm HS256 is not accepted")
        .await;
}

#[tokio::test]
async fn rejects_a_header_alg_that_disagrees_with_the_keys_alg() {
    let s = setup().await;
    // The RS256 key signs correctly under PS256, but its JWK says RS256.
    let t = mint(
        &json!({"alg": "PS256", "kid": RS.kid}),
        &now_claims(),
        |i| RS.sign_as("PS256", i),
    );
    s.assert_rejected(&t, "does not match its key").await;
    let t = mint(
        &json!({"alg": "RS256", "kid": PS.kid}),
        &now_claims(),
        |i| PS.sign_as("RS256", i),
    );
    s.assert_rejected(&t, "does not match its key").await;
}

#[tokio::test]
async fn rejects_a_kid_naming_a_key_of_another_type() {
    let s = setup().await;
    // ES256-signed, but naming the Ed25519 key (and the reverse).
    let t = signed_by(&EC, json!({"alg": "ES256", "kid": ED.kid}), &now_claims());
    s.assert_rejected(&t, "does not match its key").await;
    let t = signed_by(&ED, json!({"alg": "EdDSA", "kid": EC.kid}), &now_claims());
    s.assert_rejected(&t, "does not match its key").await;
    let t = signed_by(&ED, json!({"alg": "EdDSA", "kid": RS.kid}), &now_claims());
    s.assert_rejected(&t, "does not match its key").await;
}

#[tokio::test]
async fn rejects_a_tampered_payload() {
    let s = setup().await;
    let t = ED.token(&now_claims());
    let parts: Vec<&str> = t.split('.').collect();
    let mut forged = now_claims();
    forged["sub"] = json!("f1cd4d08-7a2a-4cdf-b080-6b13e16933dc");
    let tampered = format!("{}.{}.{}", parts[0], b64(forged.to_string()), parts[2]);
    s.assert_rejected(&tampered, "signature does not verify")
        .await;
}

#[tokio::test]
async fn rejects_a_tampered_signature() {
    let s = setup().await;
    for key in [&*ED, &*EC, &*RS, &*PS] {
        let t = key.token(&now_claims());
        let (input, signature) = t.rsplit_once('.').unwrap();
        let mut bytes = support::b64_decode(signature);
        bytes[10] ^= 0x01;
        s.assert_rejected(
            &format!("{input}.{}", b64(&bytes)),
            "signature does not verify",
        )
        .await;
    }
}

#[tokio::test]
async fn rejects_a_truncated_token() {
    let s = setup().await;
    let t = ED.token(&now_claims());
    let (input, signature) = t.rsplit_once('.').unwrap();
    // A signature cut at a base64 quantum boundary, then at the last byte.
    s.assert_rejected(
        &format!("{input}.{}", &signature[..signature.len() - 2]),
        "signature",
    )
    .await;
    s.assert_rejected(&t[..t.len() - 1], "signature").await;
    s.assert_rejected(input, "not three dot-separated segments")
        .await;
    s.assert_rejected(&format!("{input}."), "signature does not verify")
        .await;
}

#[tokio::test]
async fn rejects_a_wrong_issuer() {
    let s = setup().await;
    let mut c = now_claims();
    c["iss"] = json!("http://localhost:3000/");
    s.assert_rejected(&ED.token(&c), "iss").await;
    c["iss"] = json!("https://evil.example.com");
    s.assert_rejected(&ED.token(&c), "iss").await;
    c.as_object_mut().unwrap().remove("iss");
    s.assert_rejected(&ED.token(&c), "iss").await;
}

#[tokio::test]
async fn rejects_a_wrong_audience() {
    let s = setup().await;
    let mut c = now_claims();
    c["aud"] = json!("other-api");
    s.assert_rejected(&ED.token(&c), "aud").await;
    c["aud"] = json!(["other-api", "todo-api-2"]);
    s.assert_rejected(&ED.token(&c), "aud").await;
    c["aud"] = json!("TODO-API");
    s.assert_rejected(&ED.token(&c), "aud").await;
}

#[tokio::test]
async fn rejects_a_missing_audience() {
    let s = setup().await;
    let mut c = now_claims();
    c.as_object_mut().unwrap().remove("aud");
    s.assert_rejected(&ED.token(&c), "aud").await;
}

#[tokio::test]
async fn rejects_an_expired_token() {
    let s = setup().await;
    let mut c = now_claims();
    c["exp"] = json!(NOW - 31);
    s.assert_rejected(&ED.token(&c), "expired").await;
}

#[tokio::test]
async fn rejects_a_token_not_yet_valid() {
    let s = setup().await;
    let mut c = now_claims();
    c["nbf"] = json!(NOW + 31);
    s.assert_rejected(&ED.token(&c), "not yet valid").await;
    let mut c = now_claims();
    c["iat"] = json!(NOW + 31);
    s.assert_rejected(&ED.token(&c), "issued in the future")
        .await;
}

#[tokio::test]
async fn rejects_a_token_without_exp() {
    let s = setup().await;
    let mut c = now_claims();
    c.as_object_mut().unwrap().remove("exp");
    s.assert_rejected(&ED.token(&c), "no exp").await;
    c["exp"] = Value::Null;
    s.assert_rejected(&ED.token(&c), "no exp").await;
}

#[tokio::test]
async fn rejects_a_missing_sub() {
    let s = setup().await;
    let mut c = now_claims();
    c.as_object_mut().unwrap().remove("sub");
    s.assert_rejected(&ED.token(&c), "no sub").await;
}

#[tokio::test]
async fn rejects_a_sub_that_is_not_a_uuid() {
    let s = setup().await;
    let mut c = now_claims();
    for sub in ["user-1", "", "33e85bcb-82d5-4511-b8fc-1f6806a44a9"] {
        c["sub"] = json!(sub);
        s.assert_rejected(&ED.token(&c), "not a UUID").await;
    }
    c["sub"] = json!(42);
    s.assert_rejected(&ED.token(&c), "malformed").await;
}

#[tokio::test]
async fn rejects_an_unknown_kid_after_one_refetch() {
    let s = setup().await;
    let before = s.server.hits();
    let t = signed_by(
        &ED,
        json!({"alg": "EdDSA", "kid": "never-published"}),
        &now_claims(),
    );
    s.assert_rejected(&t, "kid names no known key").await;
    assert_eq!(s.server.hits(), before + 1, "exactly one refetch");
}

#[tokio::test]
async fn rejects_a_token_whose_key_is_published_as_ed448() {
    let s = setup().await;
    // The published x is the real Ed25519 key's, so a verifier that ignored
    // `crv` would accept this token.
    let t = signed_by(&ED, json!({"alg": "EdDSA", "kid": "ed448"}), &now_claims());
    s.assert_rejected(&t, "kid names no known key").await;
}

#[tokio::test]
async fn rejects_a_missing_kid() {
    let s = setup().await;
    let t = signed_by(&ED, json!({"alg": "EdDSA"}), &now_claims());
    s.assert_rejected(&t, "no kid").await;
}

#[tokio::test]
async fn rejects_a_crit_header() {
    let s = setup().await;
    let t = signed_by(
        &ED,
        json!({"alg": "EdDSA", "kid": ED.kid, "crit": ["exp"], "exp": NOW + 60}),
        &now_claims(),
    );
    s.assert_rejected(&t, "crit").await;
}

#[tokio::test]
async fn rejects_a_typ_other_than_jwt() {
    let s = setup().await;
    for typ in ["at+jwt", "JWS", "dpop+jwt", ""] {
        let t = signed_by(
            &ED,
            json!({"alg": "EdDSA", "kid": ED.kid, "typ": typ}),
            &now_claims(),
        );
        s.assert_rejected(&t, "typ").await;
    }
}

#[tokio::test]
async fn rejects_an_oversized_token() {
    let s = setup().await;
    let mut c = now_claims();
    c["padding"] = json!("x".repeat(8 * 1024));
    let t = ED.token(&c);
    assert!(t.len() > 8 * 1024);
    s.assert_rejected(&t, "larger than 8 KiB").await;
}

#[tokio::test]
async fn rejects_non_base64url_segments() {
    let s = setup().await;
    let t = ED.token(&now_claims());
    let parts: Vec<&str> = t.split('.').collect();
    let header_b64 = parts[0];
    // Header: a character outside the alphabet, and padding.
    s.assert_rejected(
        &format!("{header_b64}*.{}.{}", parts[1], parts[2]),
        "header is not base64url",
    )
    .await;
    s.assert_rejected(
        &format!("{header_b64}=.{}.{}", parts[1], parts[2]),
        "header is not base64url",
    )
    .await;
    // Signature in the standard alphabet.
    let std_sig = parts[2].replace('-', "+").replace('_', "/");
    let std_sig = if std_sig == parts[2] {
        format!("{std_sig}+")
    } else {
        std_sig
    };
    s.assert_rejected(&format!("{}.{}.{std_sig}", parts[0], parts[1]), "signature")
        .await;
    // A payload that is validly signed but not base64url.
    let input = format!("{header_b64}.e30*");
    let signature = b64(ED.sign(input.as_bytes()));
    s.assert_rejected(&format!("{input}.{signature}"), "payload is not base64url")
        .await;
}

#[tokio::test]
async fn rejects_json_that_is_not_an_object() {
    let s = setup().await;
    let header = b64(json!({"alg": "EdDSA", "kid": ED.kid}).to_string());
    for payload in [
        json!([NOW + 600, SUB]).to_string(),
        json!(SUB).to_string(),
        "null".to_owned(),
        "{\"sub\":".to_owned(),
    ] {
        let input = format!("{header}.{}", b64(&payload));
        let t = format!("{input}.{}", b64(ED.sign(input.as_bytes())));
        s.assert_rejected(&t, "payload is not a JSON object").await;
    }
    // The same for the header.
    let input = format!("{}.{}", b64("[\"EdDSA\"]"), b64(now_claims().to_string()));
    let t = format!("{input}.{}", b64(ED.sign(input.as_bytes())));
    s.assert_rejected(&t, "header is not a JSON object").await;
}

#[tokio::test]
async fn rejects_a_key_embedded_in_the_header() {
    let s = setup().await;
    // The attacker's key, offered in the header under a published kid.
    let t = signed_by(
        &ATTACKER,
        json!({"alg": "EdDSA", "kid": ED.kid, "jwk": ATTACKER.jwk()}),
        &now_claims(),
    );
    s.assert_rejected(&t, "signature does not verify").await;
}

#[tokio::test]
async fn rejects_duplicate_claims() {
    let s = setup().await;
    let header = b64(json!({"alg": "EdDSA", "kid": ED.kid}).to_string());
    let payload = format!(
        r#"{{"sub":"{SUB}","sub":"f1cd4d08-7a2a-4cdf-b080-6b13e16933dc","exp":{},"iss":"{ISSUER}","aud":"{AUDIENCE}"}}"#,
        NOW + 600
    );
    let input = format!("{header}.{}", b64(&payload));
    let t = format!("{input}.{}", b64(ED.sign(input.as_bytes())));
    s.assert_rejected(&t, "payload is not a JSON object of claims")
        .await;
}
