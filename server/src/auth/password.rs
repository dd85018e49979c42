//! argon2id password hashes (PHC strings), computed off the async threads.

use std::sync::OnceLock;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use secrecy::{ExposeSecret, SecretString};

use crate::telemetry::spawn_blocking_in_span;

fn hasher() -> Argon2<'static> {
    // argon2id, 19 MiB, 2 passes, 1 lane: the OWASP baseline.
    Argon2::default()
}

pub async fn hash_password(password: SecretString) -> anyhow::Result<String> {
    spawn_blocking_in_span(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// Checks `candidate` against `hash`; with no hash (unknown user) it checks against a dummy hash
/// so that both answers take the same time.
pub async fn verify_password(
    hash: Option<String>,
    candidate: SecretString,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> anyhow::Result<bool> {
    spawn_blocking_in_span(move || {
        // Held by the blocking work itself: a client that goes away does not free it early.
        let _permit = permit;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let parsed =
            PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
        let ok = hasher()
            .verify_password(candidate.expose_secret().as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await?
}

/// Compute the dummy hash now (at start-up), so that the first unknown-user login costs the same.
pub fn warm_up() {
    let _ = dummy_hash();
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"telederm-timing-equaliser", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn round_trip() {
        let h = hash_password(SecretString::from("correct horse"))
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$"));
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
        let check = |hash: Option<String>, candidate: &str| {
            let permit = permits.clone().try_acquire_owned().unwrap();
            verify_password(hash, SecretString::from(candidate), permit)
        };
        assert!(check(Some(h.clone()), "correct horse").await.unwrap());
        assert!(!check(Some(h), "wrong").await.unwrap());
        assert!(!check(None, "anything").await.unwrap());
    }
}
