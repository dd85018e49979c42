//! `keys rotate`: add a master key, then re-wrap every data key under it, a page at a time. Photo
//! blobs and sealed text are not touched: only the small wrapped keys change.

use std::path::Path;

use crate::{
    crypto::Keyring,
    db::{DataKeyRecord, Repo},
    domain::now,
};

const PAGE: i64 = 500;

pub struct RotationReport {
    pub new_key_id: String,
    pub rewrapped: u64,
}

/// Adds a master key to the key file and moves every data key to it. Safe to run again after an
/// interruption: it picks up the keys not yet under the active master key.
pub async fn rotate(repo: &dyn Repo, key_file: &Path) -> anyhow::Result<RotationReport> {
    // One rotation at a time: two runs that both loaded the old file would each write back a
    // file without the other's new key, and lose it (with the data keys wrapped under it).
    let _lock = lock_for(key_file)?;
    let mut ring = Keyring::load(key_file)?;
    let new_id = ring.rotate(key_file)?;
    let rewrapped = rewrap_all(repo, &ring).await?;
    let entry = crate::audit::entry(
        now(),
        None,
        "keys.rotated",
        "keys",
        Some(new_id.to_string()),
    )
    .detail(serde_json::json!({ "rewrapped": rewrapped }));
    repo.record(&crate::db::Effects::audit(entry)).await?;
    Ok(RotationReport {
        new_key_id: new_id.to_string(),
        rewrapped,
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

pub struct KeyStatus {
    pub active: String,
    /// Every master key in the file, with how many data keys it wraps.
    pub keys: Vec<(String, i64)>,
    /// Data keys wrapped by a master key the file does not hold (unreadable cases).
    pub unknown: Vec<(String, i64)>,
}

pub async fn status(repo: &dyn Repo, key_file: &Path) -> anyhow::Result<KeyStatus> {
    let ring = Keyring::load(key_file)?;
    let counts = repo.data_key_counts().await?;
    let count_of = |id: &str| {
        counts
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let keys = ring
        .ids()
        .map(|id| (id.to_string(), count_of(id.as_str())))
        .collect::<Vec<_>>();
    let unknown = counts
        .iter()
        .filter(|(k, _)| !keys.iter().any(|(id, _)| id == k))
        .cloned()
        .collect();
    Ok(KeyStatus {
        active: ring.active_id().to_string(),
        keys,
        unknown,
    })
}
