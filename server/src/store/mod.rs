//! Where sealed photo blobs live: a `BlobStore` trait with a local-filesystem and an
//! S3-compatible implementation. Stores only ever see ciphertext (callers seal first, and check
//! what they read back against the photo's recorded SHA-256); they never overwrite a blob.

mod local;
mod s3;

pub use local::LocalStore;
pub use s3::S3Store;

use std::sync::Arc;

use async_trait::async_trait;

use crate::config::{Settings, StorageKind};

/// A blob's name in the store: lower-case hex/uuid characters and `/` only, so it is also a safe
/// relative path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

impl BlobKey {
    /// The key of a sealed photo.
    pub fn photo(case_id: uuid::Uuid, photo_id: uuid::Uuid) -> BlobKey {
        BlobKey(format!("photos/{case_id}/{photo_id}"))
    }

    pub fn parse(raw: &str) -> Option<BlobKey> {
        let ok = !raw.is_empty()
            && raw.len() <= 200
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'/')
            && !raw.starts_with('/')
            && !raw.contains("//");
        ok.then(|| BlobKey(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What `BlobStore::tidy` removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tidied {
    pub temp_files: usize,
    pub folders: usize,
}

/// A listed blob and when it was written (the sweep spares recent ones: they may belong to a
/// submission still being committed by another instance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    pub key: BlobKey,
    pub modified: std::time::SystemTime,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("blob {0} already exists")]
    AlreadyExists(String),
    #[error("blob {0} not found")]
    NotFound(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Write a new blob durably, never over another: `AlreadyExists` when the key is taken.
    async fn create(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), StoreError>;
    /// Store a new blob: `create`, where a key already holding exactly these bytes is a put
    /// already done (a retried request whose first try landed; keys are unique per photo):
    /// `Ok`, nothing written. Other bytes, or a blob gone since (a concurrent delete), are
    /// `AlreadyExists`.
    async fn put(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), StoreError> {
        match self.create(key, bytes).await {
            Err(StoreError::AlreadyExists(taken)) => match self.get(key).await {
                Ok(stored) if stored == bytes => Ok(()),
                Ok(_) | Err(StoreError::NotFound(_)) => Err(StoreError::AlreadyExists(taken)),
                Err(e) => Err(e),
            },
            done => done,
        }
    }
    async fn get(&self, key: &BlobKey) -> Result<Vec<u8>, StoreError>;
    /// Removing a missing blob is not an error.
    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError>;
    /// Every blob, for the orphan sweep.
    async fn list(&self) -> Result<Vec<BlobInfo>, StoreError>;
    /// Remove what unfinished puts left behind, last touched before `before`: temporary files
    /// and empty folders. A store without such leftovers does nothing.
    async fn tidy(&self, before: std::time::SystemTime) -> Result<Tidied, StoreError>;
    /// The store answers, for readiness.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// The configured store of sealed photos: a folder (by default, under the data folder) or an
/// S3-compatible bucket.
pub fn open(settings: &Settings) -> anyhow::Result<Arc<dyn BlobStore>> {
    Ok(match (settings.storage.kind, &settings.storage.s3) {
        (StorageKind::S3, Some(s3)) => {
            tracing::info!(bucket = %s3.bucket, endpoint = ?s3.endpoint, prefix = ?s3.prefix, "photos are kept in an S3 bucket");
            Arc::new(S3Store::open(s3)?)
        }
        (StorageKind::S3, None) => anyhow::bail!("storage.kind = \"s3\" needs storage.s3"),
        (StorageKind::Local, _) => Arc::new(LocalStore::open(settings.blobs_dir())?),
    })
}
