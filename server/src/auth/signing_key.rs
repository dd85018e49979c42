//! The key that signs access tokens. There is no built-in one: it is configured inline
//! (`auth.signing_key`) or read from an owner-only file (`auth.signing_key_file`, by default beside
//! the master key file). Development creates that file with a random key on first start and reuses
//! it, so tokens outlive a restart; production refuses to start without a key.

use std::path::Path;

use anyhow::{bail, Context};
use secrecy::ExposeSecret;

pub use crate::crypto::SigningKey;
use crate::{
    config::{Environment, Settings},
    crypto::private_file::{self, Mode},
};

/// Base64 of a generous key and a newline fits many times over; anything bigger is not our file.
const MAX_FILE_BYTES: u64 = 4096;
const WHAT: &str = "signing key file";

/// The key the server signs with, per the settings (see the module comment).
pub fn load(settings: &Settings) -> anyhow::Result<SigningKey> {
    if let Some(inline) = &settings.auth.signing_key {
        return SigningKey::decode(inline.expose_secret(), "auth.signing_key");
    }
    let path = settings.signing_key_file();
    if settings.environment == Environment::Production {
        if !path.exists() {
            bail!(
                "production requires a token signing key, and the signing key file {} does not \
                 exist: create it with `telederm-server keys signing-key --write`, or set \
                 auth.signing_key_file (TELEDERM__AUTH__SIGNING_KEY_FILE) or auth.signing_key \
                 (TELEDERM__AUTH__SIGNING_KEY)",
                path.display()
            );
        }
        return read_credential(&path, settings.credentials_dir.as_deref());
    }
    load_or_create(&path, settings.credentials_dir.as_deref())
}

/// Writes a fresh key to a new owner-only file; refuses to replace an existing one.
pub fn create_file(path: &Path) -> anyhow::Result<SigningKey> {
    match try_create(path)? {
        Some(key) => Ok(key),
        None => bail!(
            "{WHAT} {} already exists; refusing to overwrite it",
            path.display()
        ),
    }
}

pub fn read_file(path: &Path) -> anyhow::Result<SigningKey> {
    read_credential(path, None)
}

/// As `read_file`, also accepting a systemd credential in `credentials_dir`.
fn read_credential(path: &Path, credentials_dir: Option<&Path>) -> anyhow::Result<SigningKey> {
    let bytes = private_file::read(path, WHAT, MAX_FILE_BYTES, credentials_dir)?;
    let origin = format!("{WHAT} {}", path.display());
    let text = std::str::from_utf8(&bytes)
        .ok()
        .with_context(|| format!("{origin} is not base64 text"))?;
    SigningKey::decode(text, &origin)
}

/// Safe against a concurrent creator: the loser of the race reads the winner's file.
fn load_or_create(path: &Path, credentials_dir: Option<&Path>) -> anyhow::Result<SigningKey> {
    if path.exists() {
        return read_credential(path, credentials_dir);
    }
    match try_create(path)? {
        Some(key) => {
            tracing::info!(path = %path.display(), "created a token signing key file");
            Ok(key)
        }
        None => read_file(path),
    }
}

/// `None` when the file already exists.
fn try_create(path: &Path) -> anyhow::Result<Option<SigningKey>> {
    let key = SigningKey::generate();
    let mut text = key.to_base64();
    text.push('\n');
    match private_file::write_atomically(path, text.as_bytes(), Mode::CreateNew) {
        Ok(()) => Ok(Some(key)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => {
            Err(anyhow::Error::new(e)
                .context(format!("cannot create the {WHAT} {}", path.display())))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use base64::{engine::general_purpose::STANDARD, Engine};

    use crate::crypto::MIN_KEY_BYTES;

    #[test]
    fn keys_are_random_and_decode_back() {
        let (a, b) = (SigningKey::generate(), SigningKey::generate());
        assert_ne!(a.as_bytes(), b.as_bytes());
        let back = SigningKey::decode(&a.to_base64(), "test").unwrap();
        assert_eq!(back.as_bytes(), a.as_bytes());
    }

    #[test]
    fn short_or_garbled_keys_are_refused_without_echoing_them() {
        let short = STANDARD.encode([9u8; MIN_KEY_BYTES - 1]);
        let err = SigningKey::decode(&short, "auth.signing_key").unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"), "{err}");
        assert!(!err.to_string().contains(&short));
        let err = SigningKey::decode("not base64!", "auth.signing_key").unwrap_err();
        assert!(err.to_string().contains("not valid base64"), "{err}");
        assert!(!format!("{err:#}").contains("not base64!"));
    }

    #[test]
    fn the_file_is_created_once_owner_only_and_then_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing-key");
        let first = load_or_create(&path, None).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(
            load_or_create(&path, None).unwrap().as_bytes(),
            first.as_bytes()
        );
        assert!(create_file(&path).is_err(), "never overwritten");
        assert_eq!(read_file(&path).unwrap().as_bytes(), first.as_bytes());

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(err.to_string().contains("wider than 0600"), "{err}");
    }
}
