//! Master keys: a keyring of AES-256 keys with ids, one of them active, that wrap case data keys.
//!
//! A wrapped key is `version (1) || nonce (12) || AES-256-GCM(master, data key) (32) || tag (16)`,
//! 61 bytes, stored next to the id of the master key that wrapped it. Its AAD is
//! `b"telederm/dk/v1\0" || version || case id (16 bytes) || u32 big-endian length || master key id`,
//! so a wrapped key copied to another case's row, or relabelled with another key id, fails to open.
//!
//! Rotation adds a key and makes it active; old keys stay in the file so existing wrapped keys keep
//! opening until [`Keyring::rewrap`] has moved each of them to the active key. Photos are untouched.
//!
//! Small secrets that belong to no case (a user's webhook signing secret) are sealed straight under
//! a master key ([`Keyring::seal_secret`]), same layout, with the AAD
//! `b"telederm/secret/v1\0" || version || owner id (16 bytes) || u32 length || purpose ||
//! u32 length || master key id`: a sealed secret moved to another user, read for another purpose,
//! relabelled, or swapped with a wrapped data key fails to open. Rotation re-seals them too.

use std::path::Path;

use chrono::{DateTime, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::envelope::{self, DataKey, KEY_LEN};
use super::{keyfile, private_file, CryptoError};

/// A master key's id, e.g. `mk-20261124-7f3a9c`: `[a-z0-9-]{1,64}`, so it is safe in file names,
/// logs and database columns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MasterKeyId(String);

impl MasterKeyId {
    pub fn parse(raw: &str) -> Option<MasterKeyId> {
        let ok = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| MasterKeyId(raw.to_owned()))
    }

    /// `mk-<UTC date>-<6 random hex digits>`: the date tells an operator how old a key is at a glance.
    fn generate(now: DateTime<Utc>) -> MasterKeyId {
        let mut suffix = [0u8; 3];
        OsRng.fill_bytes(&mut suffix);
        MasterKeyId(format!(
            "mk-{}-{}",
            now.format("%Y%m%d"),
            hex::encode(suffix)
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for MasterKeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Key bytes on the heap (moves copy only the pointer), wiped on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(super) struct Secret(pub(super) [u8; KEY_LEN]);

impl Secret {
    pub(super) fn zeroed() -> Box<Secret> {
        Box::new(Secret([0; KEY_LEN]))
    }
}

pub(super) struct MasterKey {
    pub(super) id: MasterKeyId,
    pub(super) created_at: DateTime<Utc>,
    pub(super) secret: Box<Secret>,
}

/// A case's data key wrapped by a master key; both fields are what the database stores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrappedKey {
    pub master_key_id: MasterKeyId,
    /// `version || nonce || ciphertext || tag`, 61 bytes.
    pub blob: Vec<u8>,
}

/// The master keys, in creation order, and which one wraps new data keys.
pub struct Keyring {
    /// Never empty; ids are unique (checked on load, ensured on rotate).
    keys: Vec<MasterKey>,
    active: usize,
}

impl Keyring {
    /// Reads a key file; refuses one that other users can read (unix) or that is malformed.
    pub fn load(path: impl AsRef<Path>) -> Result<Keyring, CryptoError> {
        Keyring::load_from(path, None)
    }

    /// As `load`, also accepting a systemd credential in `credentials_dir`
    /// (`$CREDENTIALS_DIRECTORY`) as systemd leaves it (see `private_file::check_mode`).
    pub fn load_from(
        path: impl AsRef<Path>,
        credentials_dir: Option<&Path>,
    ) -> Result<Keyring, CryptoError> {
        let (keys, active) = keyfile::read(path.as_ref(), credentials_dir)?;
        Ok(Keyring { keys, active })
    }

    /// Creates a key file holding one fresh active key, made `now`; refuses to replace an existing
    /// file.
    pub fn create(path: impl AsRef<Path>, now: DateTime<Utc>) -> Result<Keyring, CryptoError> {
        let path = path.as_ref();
        Keyring::try_create(path, now).map_err(|e| match e {
            CreateError::Exists => CryptoError::KeyFile(format!(
                "key file {} already exists; refusing to overwrite it",
                path.display()
            )),
            CreateError::Other(e) => e,
        })
    }

    /// Loads the key file, creating it first when missing (demo and development mode). Safe against
    /// a concurrent creator: the loser of the race loads the winner's file.
    pub fn load_or_create(
        path: impl AsRef<Path>,
        now: DateTime<Utc>,
    ) -> Result<Keyring, CryptoError> {
        let path = path.as_ref();
        if path.exists() {
            return Keyring::load(path);
        }
        match Keyring::try_create(path, now) {
            Err(CreateError::Exists) => Keyring::load(path),
            Err(CreateError::Other(e)) => Err(e),
            Ok(keyring) => Ok(keyring),
        }
    }

    fn try_create(path: &Path, now: DateTime<Utc>) -> Result<Keyring, CreateError> {
        let keyring = Keyring {
            keys: vec![fresh_key(&[], now)],
            active: 0,
        };
        keyfile::write(
            path,
            &keyring.keys,
            keyring.active,
            private_file::Mode::CreateNew,
        )
        .map_err(|e| match e {
            CryptoError::Io(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                CreateError::Exists
            }
            e => CreateError::Other(e),
        })?;
        Ok(keyring)
    }

    /// Adds a fresh master key made `now`, makes it active and saves the key file at `path`
    /// atomically. Old keys stay so that data keys wrapped before still open. If saving fails the
    /// keyring is unchanged.
    pub fn rotate(
        &mut self,
        path: impl AsRef<Path>,
        now: DateTime<Utc>,
    ) -> Result<MasterKeyId, CryptoError> {
        let previous = self.active;
        self.keys.push(fresh_key(&self.keys, now));
        self.active = self.keys.len() - 1;
        if let Err(e) = keyfile::write(
            path.as_ref(),
            &self.keys,
            self.active,
            private_file::Mode::Replace,
        ) {
            self.keys.pop();
            self.active = previous;
            return Err(e);
        }
        Ok(self.active_id().clone())
    }

    /// The key that [`wrap`](Keyring::wrap) uses.
    pub fn active_id(&self) -> &MasterKeyId {
        &self.keys[self.active].id
    }

    /// Every master key id, oldest first.
    pub fn ids(&self) -> impl Iterator<Item = &MasterKeyId> + '_ {
        self.keys.iter().map(|k| &k.id)
    }

    /// When a master key was created, for `keys list`-style reports.
    pub fn created_at(&self, id: &MasterKeyId) -> Option<DateTime<Utc>> {
        self.find(id).map(|k| k.created_at)
    }

    /// Wraps a case's data key with the active master key.
    #[must_use]
    pub fn wrap(&self, key: &DataKey, case_id: Uuid) -> WrappedKey {
        let master = &self.keys[self.active];
        let aad = wrap_aad(case_id, &master.id);
        WrappedKey {
            master_key_id: master.id.clone(),
            blob: envelope::seal_raw(&master.secret.0, &aad, key.as_bytes()),
        }
    }

    /// Unwraps a data key of case `case_id` with the master key it names.
    pub fn unwrap(&self, wrapped: &WrappedKey, case_id: Uuid) -> Result<DataKey, CryptoError> {
        let master = self
            .find(&wrapped.master_key_id)
            .ok_or_else(|| CryptoError::UnknownMasterKey(wrapped.master_key_id.to_string()))?;
        let aad = wrap_aad(case_id, &master.id);
        // Decrypt straight into the DataKey's own buffer: no plaintext copy to forget to wipe.
        let mut key = DataKey::zeroed();
        envelope::open_raw(&master.secret.0, &aad, &wrapped.blob, key.as_bytes_mut())?;
        Ok(key)
    }

    /// Re-wraps a data key under the active master key (the per-key step of a rotation). A key already
    /// under the active master key is still unwrapped once, so a rotation run also reports keys that
    /// are corrupt or filed under the wrong case, then returned unchanged.
    pub fn rewrap(&self, wrapped: &WrappedKey, case_id: Uuid) -> Result<WrappedKey, CryptoError> {
        let key = self.unwrap(wrapped, case_id)?;
        if &wrapped.master_key_id == self.active_id() {
            return Ok(wrapped.clone());
        }
        Ok(self.wrap(&key, case_id))
    }

    /// Seals a small secret of `owner` (a user id) for `purpose` under the active master key.
    #[must_use]
    pub fn seal_secret(&self, owner: Uuid, purpose: &str, secret: &[u8]) -> WrappedKey {
        let master = &self.keys[self.active];
        WrappedKey {
            master_key_id: master.id.clone(),
            blob: envelope::seal_raw(
                &master.secret.0,
                &secret_aad(owner, purpose, &master.id),
                secret,
            ),
        }
    }

    /// Opens what [`seal_secret`](Keyring::seal_secret) sealed for the same owner and purpose.
    pub fn open_secret(
        &self,
        sealed: &WrappedKey,
        owner: Uuid,
        purpose: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let master = self
            .find(&sealed.master_key_id)
            .ok_or_else(|| CryptoError::UnknownMasterKey(sealed.master_key_id.to_string()))?;
        let mut out = Zeroizing::new(vec![0; envelope::plaintext_len(&sealed.blob)?]);
        envelope::open_raw(
            &master.secret.0,
            &secret_aad(owner, purpose, &master.id),
            &sealed.blob,
            &mut out,
        )?;
        Ok(out)
    }

    /// Re-seals a secret under the active master key (rotation), checking it opens first.
    pub fn reseal_secret(
        &self,
        sealed: &WrappedKey,
        owner: Uuid,
        purpose: &str,
    ) -> Result<WrappedKey, CryptoError> {
        let secret = self.open_secret(sealed, owner, purpose)?;
        if &sealed.master_key_id == self.active_id() {
            return Ok(sealed.clone());
        }
        Ok(self.seal_secret(owner, purpose, &secret))
    }

    fn find(&self, id: &MasterKeyId) -> Option<&MasterKey> {
        self.keys.iter().find(|k| &k.id == id)
    }
}

impl std::fmt::Debug for Keyring {
    // Ids only: key bytes never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("active", self.active_id())
            .field("ids", &self.ids().collect::<Vec<_>>())
            .finish()
    }
}

enum CreateError {
    Exists,
    Other(CryptoError),
}

/// A new random master key whose id is not already in `existing`.
fn fresh_key(existing: &[MasterKey], now: DateTime<Utc>) -> MasterKey {
    let id = loop {
        let id = MasterKeyId::generate(now);
        if existing.iter().all(|k| k.id != id) {
            break id;
        }
    };
    let mut secret = Secret::zeroed();
    OsRng.fill_bytes(&mut secret.0);
    MasterKey {
        id,
        created_at: now,
        secret,
    }
}

fn wrap_aad(case_id: Uuid, master_key_id: &MasterKeyId) -> Vec<u8> {
    let mut aad = Vec::with_capacity(96);
    aad.extend_from_slice(b"telederm/dk/v1\0");
    aad.push(envelope::FORMAT_VERSION);
    aad.extend_from_slice(case_id.as_bytes());
    envelope::push_len_prefixed(&mut aad, master_key_id.as_str().as_bytes());
    aad
}

fn secret_aad(owner: Uuid, purpose: &str, master_key_id: &MasterKeyId) -> Vec<u8> {
    let mut aad = Vec::with_capacity(128);
    aad.extend_from_slice(b"telederm/secret/v1\0");
    aad.push(envelope::FORMAT_VERSION);
    aad.extend_from_slice(owner.as_bytes());
    envelope::push_len_prefixed(&mut aad, purpose.as_bytes());
    envelope::push_len_prefixed(&mut aad, master_key_id.as_str().as_bytes());
    aad
}

#[cfg(test)]
mod tests;
