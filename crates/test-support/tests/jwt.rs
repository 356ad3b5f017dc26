//! The test keys and minting: each token verifies under its published JWK
//! with aws-lc-rs's own verification, and under no other key.
#![allow(clippy::unwrap_used)]

use aws_lc_rs::hmac;
use aws_lc_rs::signature::{
    self, ECDSA_P256_SHA256_FIXED, ED25519, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
    RsaPublicKeyComponents, UnparsedPublicKey,
};
use serde_json::{Value, json};
use test_support::jwt::{TestKey, b64, b64_decode, hs256_token, jwks_json, mint};

/// Splits a compact JWS into (header, claims, signing input, signature).
fn parts(token: &str) -> (Value, Value, String, Vec<u8>) {
    let (input, signature) = token.rsplit_once('.').unwrap();
    let (header, claims) = input.split_once('.').unwrap();
    (
        serde_json::from_slice(&b64_decode(header)).unwrap(),
        serde_json::from_slice(&b64_decode(claims)).unwrap(),
        input.to_owned(),
        b64_decode(signature),
    )
}

/// Verifies `signature` over `input` with the key `jwk` describes, for
/// `alg`, using nothing from the minting code.
fn verifies(jwk: &Value, alg: &str, input: &str, signature: &[u8]) -> bool {
    let field = |name: &str| b64_decode(jwk[name].as_str().unwrap());
    let message = input.as_bytes();
    match alg {
        "EdDSA" => UnparsedPublicKey::new(&ED25519, field("x"))
            .verify(message, signature)
            .is_ok(),
        "ES256" => {
            let mut point = vec![4];
            point.extend(field("x"));
            point.extend(field("y"));
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                .verify(message, signature)
                .is_ok()
        }
        "RS256" | "PS256" => {
            let params: &signature::RsaParameters = if alg == "RS256" {
                &RSA_PKCS1_2048_8192_SHA256
            } else {
                &RSA_PSS_2048_8192_SHA256
            };
            RsaPublicKeyComponents {
                n: field("n"),
                e: field("e"),
            }
            .verify(params, message, signature)
            .is_ok()
        }
        _ => panic!("no check for {alg}"),
    }
}

fn keys() -> Vec<TestKey> {
    vec![
        TestKey::ed25519("ed"),
        TestKey::es256("ec"),
        TestKey::rs256("rs"),
        TestKey::ps256("ps"),
    ]
}

#[test]
fn each_key_mints_better_auth_style_tokens_that_verify_under_its_jwk_only() {
    let claims = json!({"sub": "someone", "exp": 1});
    let keys = keys();
    for key in &keys {
        let token = key.token(&claims);
        let (header, decoded, input, signature) = parts(&token);
        assert_eq!(header, json!({"alg": key.alg, "kid": key.kid}));
        assert_eq!(decoded, claims);
        let jwk = key.jwk();
        assert_eq!(jwk["kid"], key.kid.as_str());
        assert_eq!(jwk["alg"], key.alg);
        assert!(verifies(&jwk, key.alg, &input, &signature), "{key:?}");

        // A fresh key of the same kind does not verify it.
        let other = match key.alg {
            "EdDSA" => TestKey::ed25519("other"),
            "ES256" => TestKey::es256("other"),
            _ => TestKey::rs256("other"),
        };
        assert!(
            !verifies(&other.jwk(), key.alg, &input, &signature),
            "{key:?}"
        );
        // Nor does a tampered payload.
        let tampered = format!("{}x", input);
        assert!(!verifies(&jwk, key.alg, &tampered, &signature), "{key:?}");
    }
}

#[test]
fn rsa_keys_sign_either_rsa_algorithm_on_request() {
    let key = TestKey::rs256("rs");
    let input = "a.b";
    let pss = key.sign_as("PS256", input.as_bytes());
    assert!(verifies(&key.jwk(), "PS256", input, &pss));
    assert!(!verifies(&key.jwk(), "RS256", input, &pss));
    assert_eq!(
        key.public_bytes(),
        b64_decode(key.jwk()["n"].as_str().unwrap())
    );
}

#[test]
fn public_bytes_are_what_the_jwk_publishes() {
    let ed = TestKey::ed25519("ed");
    assert_eq!(b64(ed.public_bytes()), ed.jwk()["x"]);
    let ec = TestKey::es256("ec");
    let jwk = ec.jwk();
    let point = ec.public_bytes();
    assert_eq!(point[0], 4, "an uncompressed SEC1 point");
    assert_eq!(b64(&point[1..33]), jwk["x"]);
    assert_eq!(b64(&point[33..]), jwk["y"]);
}

#[test]
fn hs256_tokens_carry_the_standard_header_and_an_hmac_of_the_input() {
    let secret = b"0123456789abcdef0123456789abcdef";
    let claims = json!({"sub": "someone"});
    let (header, decoded, input, signature) = parts(&hs256_token(secret, &claims));
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
    assert_eq!(decoded, claims);
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    assert!(hmac::verify(&key, input.as_bytes(), &signature).is_ok());
    let wrong = hmac::Key::new(hmac::HMAC_SHA256, b"another secret");
    assert!(hmac::verify(&wrong, input.as_bytes(), &signature).is_err());
}

#[test]
fn mint_signs_exactly_the_header_and_claims_it_is_given() {
    let header = json!({"alg": "none", "crit": ["b64"]});
    let claims = json!({"a": 1});
    let mut signed = None;
    let token = mint(&header, &claims, |input| {
        signed = Some(input.to_vec());
        b"sig".to_vec()
    });
    let (h, c, input, signature) = parts(&token);
    assert_eq!((h, c), (header, claims));
    assert_eq!(signed.unwrap(), input.as_bytes());
    assert_eq!(signature, b"sig");
}

#[test]
fn jwks_json_publishes_the_keys_in_order() {
    let keys = keys();
    let jwks: Value = serde_json::from_str(&jwks_json(
        &keys.iter().map(TestKey::jwk).collect::<Vec<_>>(),
    ))
    .unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["ed", "ec", "rs", "ps"]);
}
