//! Test keys, signed with aws-lc-rs directly (not through the crate under
//! test), and their public JWKs.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code, unreachable_pub)]

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RSA_PKCS1_SHA256,
    RSA_PSS_SHA256, RsaKeyPair, RsaPublicKeyComponents,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{AUDIENCE, ISSUER, SUB};

enum Signer {
    Ed25519(Ed25519KeyPair),
    P256(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// A private key with the public JWK a JWKS endpoint would publish for it.
pub struct TestKey {
    pub kid: String,
    pub alg: &'static str,
    signer: Signer,
}

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl TestKey {
    pub fn ed25519(kid: &str) -> Self {
        Self {
            kid: kid.into(),
            alg: "EdDSA",
            signer: Signer::Ed25519(Ed25519KeyPair::generate().unwrap()),
        }
    }

    pub fn es256(kid: &str) -> Self {
        Self {
            kid: kid.into(),
            alg: "ES256",
            signer: Signer::P256(EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap()),
        }
    }

    pub fn rs256(kid: &str) -> Self {
        Self::rsa(kid, "RS256")
    }

    pub fn ps256(kid: &str) -> Self {
        Self::rsa(kid, "PS256")
    }

    fn rsa(kid: &str, alg: &'static str) -> Self {
        Self {
            kid: kid.into(),
            alg,
            signer: Signer::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).unwrap()),
        }
    }

    /// The raw public key bytes (Ed25519 `x`, or the SEC1 point).
    pub fn public_bytes(&self) -> Vec<u8> {
        match &self.signer {
            Signer::Ed25519(k) => k.public_key().as_ref().to_vec(),
            Signer::P256(k) => k.public_key().as_ref().to_vec(),
            Signer::Rsa(k) => RsaPublicKeyComponents::<Vec<u8>>::from(k.public_key()).n,
        }
    }

    /// The public JWK, as Better Auth publishes it (with `alg`).
    pub fn jwk(&self) -> Value {
        let mut jwk = match &self.signer {
            Signer::Ed25519(k) => json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64(k.public_key().as_ref()),
            }),
            Signer::P256(k) => {
                let point = k.public_key().as_ref();
                json!({
                    "kty": "EC", "crv": "P-256",
                    "x": b64(&point[1..33]), "y": b64(&point[33..65]),
                })
            }
            Signer::Rsa(k) => {
                let parts = RsaPublicKeyComponents::<Vec<u8>>::from(k.public_key());
                json!({ "kty": "RSA", "n": b64(&parts.n), "e": b64(&parts.e) })
            }
        };
        jwk["kid"] = json!(self.kid);
        jwk["alg"] = json!(self.alg);
        jwk
    }

    /// Signs `input` with this key's own algorithm.
    pub fn sign(&self, input: &[u8]) -> Vec<u8> {
        self.sign_as(self.alg, input)
    }

    /// Signs `input` under `alg`, which must suit the key type (for RSA keys
    /// either RS256 or PS256, whatever the JWK says).
    pub fn sign_as(&self, alg: &str, input: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match (&self.signer, alg) {
            (Signer::Ed25519(k), "EdDSA") => k.sign(input).as_ref().to_vec(),
            (Signer::P256(k), "ES256") => k.sign(&rng, input).unwrap().as_ref().to_vec(),
            (Signer::Rsa(k), "RS256" | "PS256") => {
                let padding = if alg == "RS256" {
                    &RSA_PKCS1_SHA256
                } else {
                    &RSA_PSS_SHA256
                };
                let mut signature = vec![0; k.public_modulus_len()];
                k.sign(padding, &rng, input, &mut signature).unwrap();
                signature
            }
            _ => panic!("cannot sign {alg} with this key"),
        }
    }
}

pub fn hs256_sign(secret: &[u8], input: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), input)
        .as_ref()
        .to_vec()
}

/// Assembles a compact JWS from a header and claims, signed by `sign`.
pub fn mint(header: &Value, claims: &Value, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    let signature = sign(input.as_bytes());
    format!("{input}.{}", b64(signature))
}

/// A token as Better Auth would issue it: `{alg, kid}` header, no `typ`.
pub fn token(key: &TestKey, claims: &Value) -> String {
    mint(&json!({"alg": key.alg, "kid": key.kid}), claims, |input| {
        key.sign(input)
    })
}

/// Claims Better Auth would put in a token issued at `iat`.
pub fn claims(iat: i64) -> Value {
    json!({
        "iat": iat,
        "email": "user@example.com",
        "name": "Test User",
        "sub": SUB,
        "exp": iat + 900,
        "iss": ISSUER,
        "aud": AUDIENCE,
    })
}

pub fn jwks_json(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}

pub fn b64_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}
