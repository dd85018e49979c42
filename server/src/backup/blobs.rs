//! The manifest's blob list: read through the `BlobStore` trait, so it works on any store.

use std::path::Path;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files;
use crate::store::{BlobKey, BlobStore, StoreError};

/// One sealed blob as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobEntry {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

fn parse(key: &str) -> anyhow::Result<BlobKey> {
    // A key from a manifest names a file: the parse keeps it inside the folder.
    BlobKey::parse(key).with_context(|| format!("not a blob key: {key:?}"))
}

fn entry(key: &str, bytes: &[u8]) -> BlobEntry {
    BlobEntry {
        key: key.to_owned(),
        size: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(bytes)),
    }
}

/// Each referenced blob's size and hash, copied into `copy_to` when given.
pub(super) async fn record(
    store: &dyn BlobStore,
    keys: &[String],
    copy_to: Option<&Path>,
) -> anyhow::Result<Vec<BlobEntry>> {
    let mut entries = Vec::with_capacity(keys.len());
    for key in keys {
        let bytes = match store.get(&parse(key)?).await {
            Ok(bytes) => bytes,
            Err(StoreError::NotFound(_)) => bail!(
                "blob {key}, which the database references, is missing from the store (erased meanwhile? run the backup again)"
            ),
            Err(e) => return Err(e.into()),
        };
        if let Some(dir) = copy_to {
            let path = dir.join(key);
            if let Some(parent) = path.parent() {
                files::create_private_dirs(parent)?;
            }
            files::write_private(&path, &bytes)?;
        }
        entries.push(entry(key, &bytes));
    }
    Ok(entries)
}

/// The backup's copies match the manifest, before anything is restored.
pub(super) fn check_copies(dir: &Path, entries: &[BlobEntry]) -> anyhow::Result<()> {
    for expected in entries {
        parse(&expected.key)?;
        let bytes = std::fs::read(dir.join(&expected.key))
            .with_context(|| format!("the backup lacks blob {}", expected.key))?;
        if entry(&expected.key, &bytes) != *expected {
            bail!(
                "the backup's copy of blob {} does not match its manifest",
                expected.key
            );
        }
    }
    Ok(())
}

pub(super) async fn put_copies(
    store: &dyn BlobStore,
    dir: &Path,
    entries: &[BlobEntry],
) -> anyhow::Result<usize> {
    for e in entries {
        let bytes = std::fs::read(dir.join(&e.key))?;
        store.put(&parse(&e.key)?, &bytes).await?;
    }
    Ok(entries.len())
}

/// Every manifest blob is in the store with its size and hash; else the missing or different
/// ones are named (keys are ids, nothing clinical).
pub(super) async fn verify(store: &dyn BlobStore, entries: &[BlobEntry]) -> anyhow::Result<()> {
    let mut missing = Vec::new();
    let mut different = Vec::new();
    for expected in entries {
        match store.get(&parse(&expected.key)?).await {
            Ok(bytes) if entry(&expected.key, &bytes) == *expected => {}
            Ok(_) => different.push(expected.key.as_str()),
            Err(StoreError::NotFound(_)) => missing.push(expected.key.as_str()),
            Err(e) => return Err(e.into()),
        }
    }
    if !missing.is_empty() || !different.is_empty() {
        bail!(
            "the store does not hold the backup's blobs: {} missing ({}), {} different ({})",
            missing.len(),
            missing.join(", "),
            different.len(),
            different.join(", ")
        );
    }
    Ok(())
}
