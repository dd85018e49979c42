//! Blobs as objects of an S3-compatible bucket (`object_store`'s S3 client), under an optional
//! key prefix. A put is one `PutObject` with `If-None-Match: *`: the provider refuses it when the
//! key exists (412), so nothing is ever overwritten, and an object is whole or absent (S3 puts
//! are atomic; photos are far below the single-put limit, so no multipart upload is ever begun).

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use futures_util::TryStreamExt;
use object_store::{
    aws::{AmazonS3, AmazonS3Builder},
    path::Path,
    BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
    RetryConfig,
};
use secrecy::ExposeSecret;

use super::{BlobInfo, BlobKey, BlobStore, StoreError, Tidied};
use crate::config::S3Settings;

pub struct S3Store {
    bucket: AmazonS3,
    /// `<prefix>` of every key, without its trailing `/`.
    prefix: Option<Path>,
}

impl S3Store {
    /// A client for the bucket; nothing is sent until the first request (`ping` for readiness).
    pub fn open(settings: &S3Settings) -> Result<S3Store, StoreError> {
        let timeout = Duration::from_secs(settings.timeout_secs);
        let mut builder = AmazonS3Builder::new()
            .with_region(&settings.region)
            .with_bucket_name(&settings.bucket)
            .with_access_key_id(settings.access_key_id.expose_secret())
            .with_secret_access_key(settings.secret_access_key.expose_secret())
            .with_virtual_hosted_style_request(!settings.path_style)
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(settings.allow_http)
                    .with_connect_timeout(Duration::from_secs(5).min(timeout))
                    .with_timeout(timeout),
            )
            // A few quick retries of what failed on the way (5xx, connection reset), all within
            // the request's time: a submission waits seconds, not minutes.
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(2),
                    base: 2.0,
                },
                max_retries: 3,
                retry_timeout: timeout,
            });
        if let Some(endpoint) = settings.request_endpoint()? {
            builder = builder.with_endpoint(endpoint);
        }
        Ok(S3Store {
            bucket: builder.build().map_err(other)?,
            prefix: settings.prefix.as_deref().map(Path::from),
        })
    }

    fn location(&self, key: &BlobKey) -> Path {
        match &self.prefix {
            Some(prefix) => Path::from(format!("{prefix}/{}", key.as_str())),
            None => Path::from(key.as_str()),
        }
    }

    /// The blob key of an object under our prefix; `None` for anything else in the bucket.
    fn key_of(&self, location: &Path) -> Option<BlobKey> {
        let raw = location.as_ref();
        let relative = match &self.prefix {
            Some(prefix) => raw.strip_prefix(prefix.as_ref())?.strip_prefix('/')?,
            None => raw,
        };
        BlobKey::parse(relative)
    }
}

fn other(e: object_store::Error) -> StoreError {
    StoreError::Other(e.into())
}

#[async_trait]
impl BlobStore for S3Store {
    async fn create(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), StoreError> {
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        let payload = PutPayload::from(bytes.to_vec());
        match self
            .bucket
            .put_opts(&self.location(key), payload, options)
            .await
        {
            Ok(_) => Ok(()),
            // The client retries a put whose answer was lost: `put` tells our own object
            // (the first try's) from another's.
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => Err(StoreError::AlreadyExists(key.as_str().to_owned())),
            Err(e) => Err(other(e)),
        }
    }

    async fn get(&self, key: &BlobKey) -> Result<Vec<u8>, StoreError> {
        let found = match self.bucket.get(&self.location(key)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(StoreError::NotFound(key.as_str().to_owned()))
            }
            Err(e) => return Err(other(e)),
        };
        Ok(found.bytes().await.map_err(other)?.to_vec())
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError> {
        match self.bucket.delete(&self.location(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(other(e)),
        }
    }

    async fn list(&self) -> Result<Vec<BlobInfo>, StoreError> {
        let objects: Vec<_> = self
            .bucket
            .list(self.prefix.as_ref())
            .try_collect()
            .await
            .map_err(other)?;
        let mut blobs: Vec<BlobInfo> = objects
            .into_iter()
            .filter_map(|object| {
                let key = self.key_of(&object.location)?;
                Some(BlobInfo {
                    key,
                    modified: SystemTime::from(object.last_modified),
                })
            })
            .collect();
        blobs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(blobs)
    }

    /// Nothing to tidy: a single `PutObject` leaves a whole object or none, and no multipart
    /// upload (whose parts could linger) is ever begun.
    async fn tidy(&self, _before: SystemTime) -> Result<Tidied, StoreError> {
        Ok(Tidied::default())
    }

    /// One listing of at most one level: the endpoint answers, the bucket exists and the
    /// credentials may read it.
    async fn ping(&self) -> Result<(), StoreError> {
        self.bucket
            .list_with_delimiter(self.prefix.as_ref())
            .await
            .map(drop)
            .map_err(other)
    }
}
