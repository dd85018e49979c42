//! A blob store that fails on demand, to prove a failed submission leaves nothing behind.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use async_trait::async_trait;
use telederm_server::store::{BlobInfo, BlobKey, BlobStore, StoreError, Tidied};

pub struct FailingStore {
    inner: Arc<dyn BlobStore>,
    puts: AtomicUsize,
    /// The put (counting from 1) that fails.
    fail_on_put: usize,
}

impl FailingStore {
    pub fn wrap(inner: Arc<dyn BlobStore>, fail_on_put: usize) -> Arc<dyn BlobStore> {
        Arc::new(FailingStore {
            inner,
            puts: AtomicUsize::new(0),
            fail_on_put,
        })
    }
}

#[async_trait]
impl BlobStore for FailingStore {
    async fn create(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), StoreError> {
        if self.puts.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_on_put {
            return Err(StoreError::Io(std::io::Error::other("injected: disk full")));
        }
        self.inner.create(key, bytes).await
    }
    async fn get(&self, key: &BlobKey) -> Result<Vec<u8>, StoreError> {
        self.inner.get(key).await
    }
    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError> {
        self.inner.delete(key).await
    }
    async fn list(&self) -> Result<Vec<BlobInfo>, StoreError> {
        self.inner.list().await
    }
    async fn tidy(&self, before: std::time::SystemTime) -> Result<Tidied, StoreError> {
        self.inner.tidy(before).await
    }
    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }
}
