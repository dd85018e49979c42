//! Master keys at run time: the keyring loaded from the key file, wrapping new data keys and
//! unwrapping stored ones; rotation and status for the `keys` commands.
//!
//! `keys rotate` runs as a separate process: it adds a master key to the key file and re-wraps
//! every data key under it. A running server that meets a data key wrapped by a master key it has
//! not loaded yet re-reads the key file once and tries again.

mod rotate;
pub mod webhook_secret;

pub use rotate::{rotate, status, KeyStatus, KeyUse};

use std::{
    path::{Path, PathBuf},
    sync::RwLock,
};

use chrono::{DateTime, Utc};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::{
    crypto::{CryptoError, DataKey, Keyring, MasterKeyId, WrappedKey},
    db::DataKeyRecord,
};

pub struct KeyService {
    path: PathBuf,
    /// systemd's `$CREDENTIALS_DIRECTORY`, where the key file may be a credential.
    credentials_dir: Option<PathBuf>,
    ring: RwLock<Keyring>,
    /// When the key file was last read: a newer file (a rotation by `keys rotate`) is re-read
    /// before wrapping, so new cases go under the new master key at once.
    loaded: RwLock<Option<std::time::SystemTime>>,
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl KeyService {
    /// Load the key file; with `create_if_missing` (development and demo) make a new one, dated
    /// `now`. `credentials_dir`: `Settings::credentials_dir`.
    pub fn open(
        path: &Path,
        credentials_dir: Option<&Path>,
        create_if_missing: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<KeyService> {
        let ring = if path.exists() {
            Keyring::load_from(path, credentials_dir)?
        } else if create_if_missing {
            Keyring::load_or_create(path, now)?
        } else {
            anyhow::bail!(
                "master key file {} not found: create it with `telederm-server keys init`",
                path.display()
            )
        };
        Ok(KeyService {
            path: path.to_path_buf(),
            credentials_dir: credentials_dir.map(Path::to_path_buf),
            ring: RwLock::new(ring),
            loaded: RwLock::new(modified(path)),
        })
    }

    pub fn wrap(&self, key: &DataKey, case_id: Uuid) -> anyhow::Result<WrappedKey> {
        self.reload_if_rotated()?;
        Ok(self.read().wrap(key, case_id))
    }

    /// Seal a user's small secret (`purpose` names which) under the active master key.
    pub fn seal_secret(
        &self,
        owner: Uuid,
        purpose: &str,
        secret: &[u8],
    ) -> anyhow::Result<WrappedKey> {
        self.reload_if_rotated()?;
        Ok(self.read().seal_secret(owner, purpose, secret))
    }

    pub fn open_secret(
        &self,
        sealed: &WrappedKey,
        owner: Uuid,
        purpose: &str,
    ) -> anyhow::Result<Zeroizing<Vec<u8>>> {
        match self.read().open_secret(sealed, owner, purpose) {
            Err(CryptoError::UnknownMasterKey(_)) => {}
            other => return Ok(other?),
        }
        self.reload()?;
        Ok(self.read().open_secret(sealed, owner, purpose)?)
    }

    pub fn unwrap(&self, record: &DataKeyRecord, case_id: Uuid) -> anyhow::Result<DataKey> {
        let wrapped = to_wrapped(record)?;
        let first = self.read().unwrap(&wrapped, case_id);
        match first {
            Err(CryptoError::UnknownMasterKey(_)) => {
                self.reload()?;
                Ok(self.read().unwrap(&wrapped, case_id)?)
            }
            other => Ok(other?),
        }
    }

    /// The key file (for the status report).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn active_id(&self) -> MasterKeyId {
        self.read().active_id().clone()
    }

    /// A newer key file (a rotation by `keys rotate`) is read before sealing anything new.
    fn reload_if_rotated(&self) -> anyhow::Result<()> {
        let on_disk = modified(&self.path);
        let known = *self.loaded.read().unwrap_or_else(|p| p.into_inner());
        if on_disk.is_some() && on_disk != known {
            self.reload()?;
        }
        Ok(())
    }

    fn reload(&self) -> anyhow::Result<()> {
        let stamp = modified(&self.path);
        let fresh = Keyring::load_from(&self.path, self.credentials_dir.as_deref())?;
        *self.loaded.write().unwrap_or_else(|p| p.into_inner()) = stamp;
        *self.ring.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        tracing::info!("master key file reloaded");
        Ok(())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Keyring> {
        self.ring.read().unwrap_or_else(|p| p.into_inner())
    }
}

pub fn to_wrapped(record: &DataKeyRecord) -> anyhow::Result<WrappedKey> {
    let master_key_id = MasterKeyId::parse(&record.master_key_id)
        .ok_or_else(|| anyhow::anyhow!("corrupt master key id for case {}", record.case_id))?;
    Ok(WrappedKey {
        master_key_id,
        blob: record.wrapped.clone(),
    })
}
