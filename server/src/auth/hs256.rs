//! jsonwebtoken's crypto provider, reduced to the one algorithm we use: HS256.
//!
//! The crate's built-in `rust_crypto` provider compiles RSA (RUSTSEC-2023-0071, a timing side
//! channel with no fixed release), ECDSA and EdDSA code that we never call. This one is HMAC-SHA256
//! from the RustCrypto crates we already use, and it refuses every other algorithm at the crypto
//! layer as well as in `Validation`.

use hmac::{Hmac, Mac};
use jsonwebtoken::{
    crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils},
    errors::{ErrorKind, Result},
    signature::{self, Signer, Verifier},
    Algorithm, AlgorithmFamily, DecodingKey, EncodingKey,
};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    // JWKs (public-key sets) are never used.
    key_utils: KeyUtils::new_unimplemented(),
};

/// Make HS256 jsonwebtoken's provider for this process. Idempotent; call before any encode or
/// decode (`TokenIssuer::new` does).
pub fn install() {
    // `Err` means it was installed already, and ours is the only provider there is.
    let _ = PROVIDER.install_default();
}

struct Hs256(HmacSha256);

impl Hs256 {
    fn new(family: AlgorithmFamily, algorithm: Algorithm, key: &[u8]) -> Result<Hs256> {
        if algorithm != Algorithm::HS256 {
            return Err(ErrorKind::InvalidAlgorithm.into());
        }
        if family != AlgorithmFamily::Hmac {
            return Err(ErrorKind::InvalidKeyFormat.into());
        }
        let mac = HmacSha256::new_from_slice(key).map_err(|_| ErrorKind::InvalidKeyFormat)?;
        Ok(Hs256(mac))
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    Ok(Box::new(Hs256::new(
        key.family(),
        *algorithm,
        key.as_bytes(),
    )?))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let bytes = key.try_get_as_bytes()?;
    Ok(Box::new(Hs256::new(key.family(), *algorithm, bytes)?))
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    /// Constant-time comparison (`verify_slice`).
    fn verify(&self, message: &[u8], tag: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.verify_slice(tag).map_err(signature::Error::from_source)
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{decode, encode, Header, Validation};
    use serde_json::{json, Value};

    use super::*;

    #[test]
    fn signs_and_verifies_hs256_only() {
        install();
        let claims = json!({"sub": "x", "exp": 4_102_444_800u64});
        let key = [9u8; 32];
        let token = encode(&Header::default(), &claims, &EncodingKey::from_secret(&key)).unwrap();
        let decoded = decode::<Value>(
            &token,
            &DecodingKey::from_secret(&key),
            &Validation::default(),
        );
        assert_eq!(decoded.unwrap().claims, claims);
        let wrong = decode::<Value>(
            &token,
            &DecodingKey::from_secret(&[8u8; 32]),
            &Validation::default(),
        );
        assert!(wrong.is_err());
        let hs512 = encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(&key),
        );
        assert!(hs512.is_err(), "no other algorithm, even to sign");
    }
}
