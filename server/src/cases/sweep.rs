//! At start-up, remove photo blobs that no photo row references: left by a crash between writing
//! a submission's blobs and committing its rows (such a submission was never acknowledged).

use std::{collections::HashSet, time::Duration};

use crate::{db::Repo, store::BlobStore};

/// Blobs younger than this are spared: on a shared store they may belong to a submission another
/// instance is committing right now.
pub const GRACE: Duration = Duration::from_secs(3600);

/// Returns how many blobs were removed.
pub async fn sweep_orphans(
    repo: &dyn Repo,
    store: &dyn BlobStore,
    grace: Duration,
) -> anyhow::Result<usize> {
    let referenced: HashSet<String> = repo.referenced_blob_keys().await?.into_iter().collect();
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for blob in store.list().await? {
        let age = now.duration_since(blob.modified).unwrap_or_default();
        if age >= grace && !referenced.contains(blob.key.as_str()) {
            store.delete(&blob.key).await?;
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::warn!(removed, "removed orphan photo blobs");
    }
    Ok(removed)
}
