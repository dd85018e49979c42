//! `keys rotate`: add a master key, then re-wrap every data key and re-seal every webhook secret
//! under it, a page at a time. Photo blobs and sealed text are not touched: only the small
//! wrapped keys change.

use std::path::Path;

use crate::{
    crypto::Keyring,
    db::{DataKeyRecord, Repo},
    domain::now,
};

const PAGE: i64 = 500;

pub struct RotationReport {
    pub new_key_id: String,
    /// Data keys moved to the new master key.
    pub rewrapped: u64,
    /// Webhook secrets moved to the new master key.
    pub resealed: u64,
}

/// Adds a master key to the key file and moves every data key to it. Safe to run again after an
/// interruption: it picks up the keys not yet under the active master key.
pub async fn rotate(repo: &dyn Repo, key_file: &Path) -> anyhow::Result<RotationReport> {
    // One rotation at a time: two runs that both loaded the old file would each write back a
    // file without the other's new key, and lose it (with the data keys wrapped under it).
    let _lock = lock_for(key_file)?;
    let at = now();
    let mut ring = Keyring::load(key_file)?;
    let new_id = ring.rotate(key_file, at)?;
    let rewrapped = rewrap_all(repo, &ring).await?;
    let resealed = reseal_webhook_secrets(repo, &ring).await?;
    let entry = crate::audit::entry(at, None, "keys.rotated", "keys", Some(new_id.to_string()))
        .detail(serde_json::json!({ "rewrapped": rewrapped, "resealed": resealed }));
    repo.record(&crate::db::Effects::audit(entry)).await?;
    Ok(RotationReport {
        new_key_id: new_id.to_string(),
        rewrapped,
        resealed,
    })
}

/// An exclusive lock on `<key file>.lock`, released when dropped (also if the process dies).
fn lock_for(key_file: &Path) -> anyhow::Result<std::fs::File> {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::path::PathBuf::from(name))?;
    if file.try_lock().is_err() {
        anyhow::bail!("another `keys rotate` is running on {}", key_file.display());
    }
    Ok(file)
}

async fn rewrap_all(repo: &dyn Repo, ring: &Keyring) -> anyhow::Result<u64> {
    let active = ring.active_id().to_string();
    let mut done = 0;
    loop {
        let page = repo.data_keys_not_under(&active, PAGE).await?;
        if page.is_empty() {
            return Ok(done);
        }
        for record in page {
            let wrapped = super::to_wrapped(&record)?;
            let moved = ring.rewrap(&wrapped, record.case_id)?;
            let next = DataKeyRecord {
                case_id: record.case_id,
                master_key_id: moved.master_key_id.to_string(),
                wrapped: moved.blob,
            };
            // Conditional on the old wrapping: a concurrent rotation cannot be overwritten.
            if repo
                .rewrap_data_key(&record.master_key_id, &next, now())
                .await?
            {
                done += 1;
            }
        }
    }
}

async fn reseal_webhook_secrets(repo: &dyn Repo, ring: &Keyring) -> anyhow::Result<u64> {
    let active = ring.active_id().to_string();
    let mut done = 0;
    loop {
        let page = repo.webhook_secrets_not_under(&active, PAGE).await?;
        if page.is_empty() {
            return Ok(done);
        }
        for old in page {
            let new = super::webhook_secret::reseal(ring, &old)?;
            // Conditional on the old sealing: a secret rotated meanwhile stays as it is.
            if repo.reseal_webhook_secret(&old, &new, now()).await? {
                done += 1;
            }
        }
    }
}

/// How much one master key seals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse {
    pub id: String,
    pub data_keys: i64,
    pub webhook_secrets: i64,
}

pub struct KeyStatus {
    pub active: String,
    /// Every master key in the file, oldest first.
    pub keys: Vec<KeyUse>,
    /// Master keys the file does not hold but data keys or webhook secrets name: those cases
    /// and secrets are unreadable.
    pub unknown: Vec<KeyUse>,
}

pub async fn status(repo: &dyn Repo, key_file: &Path) -> anyhow::Result<KeyStatus> {
    let ring = Keyring::load(key_file)?;
    let data_keys = repo.data_key_counts().await?;
    let secrets = repo.webhook_secret_counts().await?;
    let count_of = |counts: &[(String, i64)], id: &str| {
        counts
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let usage = |id: &str| KeyUse {
        id: id.to_owned(),
        data_keys: count_of(&data_keys, id),
        webhook_secrets: count_of(&secrets, id),
    };
    let keys: Vec<KeyUse> = ring.ids().map(|id| usage(id.as_str())).collect();
    let mut missing: Vec<&str> = data_keys
        .iter()
        .chain(&secrets)
        .map(|(id, _)| id.as_str())
        .filter(|id| !keys.iter().any(|k| k.id == *id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    Ok(KeyStatus {
        active: ring.active_id().to_string(),
        keys,
        unknown: missing.into_iter().map(usage).collect(),
    })
}
