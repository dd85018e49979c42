//! Remove what a crash between writing a submission's blobs and committing its rows left behind
//! (such a submission was never acknowledged): blobs no photo row references, temporary files of
//! unfinished puts, and the case folders they leave empty. Runs at start-up and periodically.

use std::{collections::HashSet, time::Duration};

use chrono::{DateTime, Utc};

use super::CaseService;
use crate::{db::Repo, store::BlobStore};

/// What one sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub orphan_blobs: usize,
    pub temp_files: usize,
    pub folders: usize,
}

impl CaseService {
    /// One sweep of the store at the server's time; run at start-up and by a worker.
    pub async fn sweep_orphans(&self, grace: Duration) -> anyhow::Result<Swept> {
        sweep_orphans(self.repo.as_ref(), self.store.as_ref(), self.now(), grace).await
    }
}

/// Remove leftovers untouched for `grace` at `now` (the server's clock). Younger ones are spared:
/// on a shared store they may belong to a submission another instance is committing right now.
pub async fn sweep_orphans(
    repo: &dyn Repo,
    store: &dyn BlobStore,
    now: DateTime<Utc>,
    grace: Duration,
) -> anyhow::Result<Swept> {
    let cut_off = std::time::SystemTime::from(now) - grace;
    // Listed before the referenced keys are read: a blob committed in between is then both
    // listed and referenced, never mistaken for an orphan.
    let blobs = store.list().await?;
    let referenced: HashSet<String> = repo.referenced_blob_keys().await?.into_iter().collect();
    let mut swept = Swept::default();
    for blob in blobs {
        if blob.modified < cut_off && !referenced.contains(blob.key.as_str()) {
            store.delete(&blob.key).await?;
            swept.orphan_blobs += 1;
        }
    }
    let tidied = store.tidy(cut_off).await?;
    swept.temp_files = tidied.temp_files;
    swept.folders = tidied.folders;
    if swept != Swept::default() {
        tracing::warn!(
            orphan_blobs = swept.orphan_blobs,
            temp_files = swept.temp_files,
            folders = swept.folders,
            "removed leftovers of unfinished submissions"
        );
    }
    Ok(swept)
}
