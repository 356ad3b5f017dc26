//! Test keys of every algorithm the API accepts (EdDSA, ES256, RS256,
//! PS256) with the public JWKs a JWKS endpoint would publish for them, and
//! compact JWS minting. Signed with aws-lc-rs directly, not through the
//! code under test, so a token never depends on the verifier it checks.

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

enum Signer {
    Ed25519(Ed25519KeyPair),
    P256(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// A freshly generated private key with its `kid` and algorithm.
pub struct TestKey {
    pub kid: String,
    pub alg: &'static str,
    signer: Signer,
}

impl std::fmt::Debug for TestKey {
    // Never the key material: only what a JWK header names.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl TestKey {
    /// # Panics
    /// When aws-lc-rs cannot generate a key.
    pub fn ed25519(kid: &str) -> Self {
        Self {
            kid: kid.into(),
            alg: "EdDSA",
            signer: Signer::Ed25519(Ed25519KeyPair::generate().expect("generate an Ed25519 key")),
        }
    }

    /// # Panics
    /// When aws-lc-rs cannot generate a key.
    pub fn es256(kid: &str) -> Self {
        Self {
            kid: kid.into(),
            alg: "ES256",
            signer: Signer::P256(
                EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
                    .expect("generate a P-256 key"),
            ),
        }
    }

    /// A 2048-bit RSA key published for RS256.
    pub fn rs256(kid: &str) -> Self {
        Self::rsa(kid, "RS256")
    }

    /// A 2048-bit RSA key published for PS256.
    pub fn ps256(kid: &str) -> Self {
        Self::rsa(kid, "PS256")
    }

    fn rsa(kid: &str, alg: &'static str) -> Self {
        Self {
            kid: kid.into(),
            alg,
            signer: Signer::Rsa(
                RsaKeyPair::generate(KeySize::Rsa2048).expect("generate an RSA key"),
            ),
        }
    }

    /// The raw public key bytes (Ed25519 `x`, the SEC1 point, or the RSA
    /// modulus).
    pub fn public_bytes(&self) -> Vec<u8> {
        match &self.signer {
            Signer::Ed25519(k) => k.public_key().as_ref().to_vec(),
            Signer::P256(k) => k.public_key().as_ref().to_vec(),
            Signer::Rsa(k) => RsaPublicKeyComponents::<Vec<u8>>::from(k.public_key()).n,
        }
    }

    /// The public JWK, as Better Auth publishes it (with `kid` and `alg`).
    pub fn jwk(&self) -> Value {
        let mut jwk = match &self.signer {
            Signer::Ed25519(k) => json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64(k.public_key().as_ref()),
            }),
            Signer::P256(k) => {
                // Uncompressed SEC1: 0x04, then x and y, 32 bytes each.
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
    ///
    /// # Panics
    /// When `alg` does not suit the key, or signing fails.
    pub fn sign_as(&self, alg: &str, input: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match (&self.signer, alg) {
            (Signer::Ed25519(k), "EdDSA") => k.sign(input).as_ref().to_vec(),
            (Signer::P256(k), "ES256") => k
                .sign(&rng, input)
                .expect("sign with P-256")
                .as_ref()
                .to_vec(),
            (Signer::Rsa(k), "RS256" | "PS256") => {
                let padding = if alg == "RS256" {
                    &RSA_PKCS1_SHA256
                } else {
                    &RSA_PSS_SHA256
                };
                let mut signature = vec![0; k.public_modulus_len()];
                k.sign(padding, &rng, input, &mut signature)
                    .expect("sign with RSA");
                signature
            }
            _ => panic!("cannot sign {alg} with this key"),
        }
    }

    /// A token as Better Auth issues it: `{alg, kid}` header, no `typ`.
    pub fn token(&self, claims: &Value) -> String {
        mint(
            &json!({"alg": self.alg, "kid": self.kid}),
            claims,
            |input| self.sign(input),
        )
    }
}

/// Base64url without padding, as JOSE encodes every segment.
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// # Panics
/// When `text` is not base64url without padding.
pub fn b64_decode(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(text)
        .expect("base64url without padding")
}

/// Assembles a compact JWS from any header and claims, signed by `sign`
/// over `header.claims` (so a test can mint what no honest issuer would).
pub fn mint(header: &Value, claims: &Value, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    let signature = sign(input.as_bytes());
    format!("{input}.{}", b64(signature))
}

/// HMAC-SHA256 of `input` under `secret`.
pub fn hs256_sign(secret: &[u8], input: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), input)
        .as_ref()
        .to_vec()
}

/// A token signed with a shared secret, as Better Auth does in HS256 mode:
/// `{"alg": "HS256", "typ": "JWT"}`.
pub fn hs256_token(secret: &[u8], claims: &Value) -> String {
    mint(&json!({"alg": "HS256", "typ": "JWT"}), claims, |input| {
        hs256_sign(secret, input)
    })
}

/// A JWKS document publishing `keys`.
pub fn jwks_json(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}
