//! The key that signs access tokens (HS256): parsed, generated, shown, never printed by Debug.
//! Where it comes from (settings, a file) is `auth::signing_key`'s business.

use anyhow::{bail, Context};
use base64::{engine::general_purpose::STANDARD, Engine};
use rand::{rngs::OsRng, RngCore};
use zeroize::Zeroizing;

/// HS256 wants at least as many key bytes as the hash has (RFC 7518, section 3.2).
pub const MIN_KEY_BYTES: usize = 32;
/// A generated key's length.
const KEY_BYTES: usize = 32;

/// Key bytes, wiped on drop; Debug shows no byte of them.
pub struct SigningKey(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

impl SigningKey {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// A fresh random key.
    pub fn generate() -> SigningKey {
        let mut key = Zeroizing::new(vec![0u8; KEY_BYTES]);
        OsRng.fill_bytes(&mut key);
        SigningKey(key)
    }

    /// Base64, as `auth.signing_key` and the key file hold it.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.as_bytes()))
    }

    /// Base64 of at least [`MIN_KEY_BYTES`]; `origin` names where it came from in errors (never the
    /// key itself).
    pub fn decode(text: &str, origin: &str) -> anyhow::Result<SigningKey> {
        let key = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .ok()
                .with_context(|| format!("{origin} is not valid base64"))?,
        );
        if key.len() < MIN_KEY_BYTES {
            bail!(
                "{origin} must hold at least {MIN_KEY_BYTES} bytes \
                 (`telederm-server keys signing-key` makes one)"
            );
        }
        Ok(SigningKey(key))
    }
}
