//! Per-recipient webhook signing secrets: generated when a URL is set, shown once, stored only
//! sealed under a master key (bound to the user and to this purpose), opened to sign.

use base64::Engine;
use rand::{rngs::OsRng, RngCore};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::{crypto::WrappedKey, db::WebhookSecretRecord, keys::KeyService};

/// Bound into the AAD of every sealed webhook secret.
const PURPOSE: &str = "webhook-signing";
/// Makes a secret recognisable in a receiver's configuration (and by secret scanners).
const PREFIX: &str = "whsec_";

/// A fresh secret: `whsec_` and 32 random bytes in URL-safe base64. The receiver uses the whole
/// string, as UTF-8 bytes, as the HMAC-SHA256 key.
pub fn generate() -> SecretString {
    let mut bytes = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(&mut bytes[..]);
    SecretString::from(format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..])
    ))
}

/// Seal `secret` of `user` under the active master key.
pub fn seal(
    keys: &KeyService,
    user: Uuid,
    secret: &SecretString,
) -> anyhow::Result<WebhookSecretRecord> {
    let sealed = keys.seal_secret(user, PURPOSE, secret.expose_secret().as_bytes())?;
    Ok(WebhookSecretRecord {
        user_id: user,
        master_key_id: sealed.master_key_id.to_string(),
        sealed: sealed.blob,
    })
}

/// The secret's bytes, to sign with.
pub fn open(keys: &KeyService, record: &WebhookSecretRecord) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    keys.open_secret(&wrapped(record)?, record.user_id, PURPOSE)
}

/// The same secret sealed under the active master key of `ring` (key rotation).
pub fn reseal(
    ring: &crate::crypto::Keyring,
    record: &WebhookSecretRecord,
) -> anyhow::Result<WebhookSecretRecord> {
    let moved = ring.reseal_secret(&wrapped(record)?, record.user_id, PURPOSE)?;
    Ok(WebhookSecretRecord {
        user_id: record.user_id,
        master_key_id: moved.master_key_id.to_string(),
        sealed: moved.blob,
    })
}

fn wrapped(record: &WebhookSecretRecord) -> anyhow::Result<WrappedKey> {
    let master_key_id =
        crate::crypto::MasterKeyId::parse(&record.master_key_id).ok_or_else(|| {
            anyhow::anyhow!(
                "corrupt master key id of user {}'s webhook secret",
                record.user_id
            )
        })?;
    Ok(WrappedKey {
        master_key_id,
        blob: record.sealed.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_recognisable() {
        let (a, b) = (generate(), generate());
        assert!(a.expose_secret().starts_with("whsec_"));
        assert_eq!(a.expose_secret().len(), 6 + 43);
        assert_ne!(a.expose_secret(), b.expose_secret());
    }

    #[test]
    fn a_sealed_secret_opens_for_its_user_only() {
        let dir = tempfile::tempdir().unwrap();
        let keys = KeyService::open(
            &dir.path().join("keys.json"),
            None,
            true,
            crate::domain::now(),
        )
        .unwrap();
        let secret = generate();
        let user = Uuid::new_v4();
        let record = seal(&keys, user, &secret).unwrap();
        assert!(
            !record.sealed.windows(6).any(|w| w == b"whsec_"),
            "stored in the clear"
        );
        assert_eq!(
            open(&keys, &record).unwrap().as_slice(),
            secret.expose_secret().as_bytes()
        );
        let moved = WebhookSecretRecord {
            user_id: Uuid::new_v4(),
            ..record
        };
        assert!(open(&keys, &moved).is_err());
    }
}
