//! The `BlobStore` contract, through `Arc<dyn BlobStore>`, on both stores: the local folder and
//! an S3 bucket of the test S3 server (moto; these skip without it unless `TELEDERM_REQUIRE_S3=1`).

use std::{
    sync::Arc,
    time::{Duration, SystemTime},
};

use telederm_server::store::{BlobKey, BlobStore, LocalStore, StoreError, Tidied};
use telederm_tests::s3::Bucket;

fn key() -> BlobKey {
    BlobKey::photo(uuid::Uuid::new_v4(), uuid::Uuid::new_v4())
}

/// Runs each contract check once on a fresh local folder and once on a fresh bucket.
macro_rules! on_both_stores {
    ($($check:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test]
                async fn $check() {
                    let dir = tempfile::tempdir().unwrap();
                    let store: std::sync::Arc<dyn super::BlobStore> =
                        std::sync::Arc::new(super::LocalStore::open(dir.path()).unwrap());
                    super::$check(store).await;
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(bucket) = super::Bucket::create().await else { return };
                    super::$check(std::sync::Arc::new(bucket.store(Some("contract")))).await;
                }
            )*
        }
    };
}

on_both_stores!(
    put_then_get_returns_the_bytes,
    a_second_put_of_the_same_bytes_is_done_and_of_other_bytes_refused,
    delete_removes_and_missing_is_no_error,
    list_names_every_blob_and_when_it_was_written,
    ping_answers,
    tidy_leaves_blobs_alone,
    concurrent_puts_of_one_key_store_exactly_one,
);

async fn put_then_get_returns_the_bytes(store: Arc<dyn BlobStore>) {
    let (a, b) = (key(), key());
    let big: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    store.put(&a, b"sealed bytes").await.unwrap();
    store.put(&b, &big).await.unwrap();
    assert_eq!(store.get(&a).await.unwrap(), b"sealed bytes");
    assert_eq!(store.get(&b).await.unwrap(), big, "3 MiB come back whole");
    assert!(matches!(
        store.get(&key()).await,
        Err(StoreError::NotFound(_))
    ));
}

/// Never overwrites; a put repeated with the same bytes (a retry whose first try landed) is
/// done, not refused.
async fn a_second_put_of_the_same_bytes_is_done_and_of_other_bytes_refused(
    store: Arc<dyn BlobStore>,
) {
    let k = key();
    store.put(&k, b"first").await.unwrap();
    store.put(&k, b"first").await.unwrap();
    for other in [&b"second"[..], b"firs", b"first!"] {
        let again = store.put(&k, other).await;
        assert!(
            matches!(&again, Err(StoreError::AlreadyExists(name)) if name == k.as_str()),
            "{again:?}"
        );
    }
    assert_eq!(store.get(&k).await.unwrap(), b"first");
}

async fn delete_removes_and_missing_is_no_error(store: Arc<dyn BlobStore>) {
    let (gone, kept) = (key(), key());
    store.put(&gone, b"a").await.unwrap();
    store.put(&kept, b"b").await.unwrap();
    store.delete(&gone).await.unwrap();
    store.delete(&gone).await.unwrap();
    store.delete(&key()).await.unwrap();
    assert!(matches!(
        store.get(&gone).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.get(&kept).await.unwrap(), b"b");
    // A deleted key may be written again (a retried submission reuses nothing, but a store
    // that remembered deleted names would break the sweep's undo).
    store.put(&gone, b"again").await.unwrap();
    assert_eq!(store.get(&gone).await.unwrap(), b"again");
}

async fn list_names_every_blob_and_when_it_was_written(store: Arc<dyn BlobStore>) {
    assert!(store.list().await.unwrap().is_empty());
    let before = SystemTime::now() - Duration::from_secs(5);
    let mut keys = vec![key(), key(), key()];
    for k in &keys {
        store.put(k, b"sealed").await.unwrap();
    }
    let after = SystemTime::now() + Duration::from_secs(5);
    keys.sort();
    let listed = store.list().await.unwrap();
    let names: Vec<BlobKey> = listed.iter().map(|b| b.key.clone()).collect();
    assert_eq!(names, keys, "every blob, sorted by key");
    for blob in &listed {
        assert!(
            blob.modified > before && blob.modified < after,
            "written just now"
        );
    }
}

async fn ping_answers(store: Arc<dyn BlobStore>) {
    store.ping().await.unwrap();
}

async fn tidy_leaves_blobs_alone(store: Arc<dyn BlobStore>) {
    let k = key();
    store.put(&k, b"sealed").await.unwrap();
    let later = SystemTime::now() + Duration::from_secs(3600);
    assert_eq!(store.tidy(later).await.unwrap(), Tidied::default());
    assert_eq!(store.get(&k).await.unwrap(), b"sealed");
}

async fn concurrent_puts_of_one_key_store_exactly_one(store: Arc<dyn BlobStore>) {
    let k = key();
    let puts = (0..8u8).map(|i| {
        let (store, k) = (store.clone(), k.clone());
        tokio::spawn(async move { store.put(&k, &[i; 64]).await.map(|()| i) })
    });
    let mut winners = Vec::new();
    for put in puts {
        match put.await.unwrap() {
            Ok(i) => winners.push(i),
            Err(StoreError::AlreadyExists(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(store.get(&k).await.unwrap(), [winners[0]; 64]);
}

/// Two prefixes share a bucket without seeing each other, even when one name starts with the
/// other; the objects sit under `<prefix>/`.
#[tokio::test]
async fn s3_prefixes_keep_deployments_apart() {
    let Some(bucket) = Bucket::create().await else {
        return;
    };
    let (a, b) = (
        bucket.store(Some("tenant-a")),
        bucket.store(Some("tenant-ab")),
    );
    let k = key();
    a.put(&k, b"of a").await.unwrap();
    b.put(&k, b"of b").await.unwrap();
    assert_eq!(a.get(&k).await.unwrap(), b"of a");
    assert_eq!(b.get(&k).await.unwrap(), b"of b");
    for store in [&a, &b] {
        let listed: Vec<BlobKey> = store
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(listed, std::slice::from_ref(&k), "its own blob only");
    }
    assert_eq!(
        bucket.keys().await,
        [
            format!("tenant-a/{}", k.as_str()),
            format!("tenant-ab/{}", k.as_str())
        ]
    );
    b.delete(&k).await.unwrap();
    assert_eq!(a.get(&k).await.unwrap(), b"of a");
}

/// Readiness fails when the bucket is not there (wrong name, or removed).
#[tokio::test]
async fn s3_ping_fails_without_the_bucket() {
    let Some(bucket) = Bucket::create().await else {
        return;
    };
    let mut missing = bucket.settings(None);
    missing.bucket = format!("{}-missing", bucket.name);
    let store = telederm_server::store::S3Store::open(&missing).unwrap();
    assert!(store.ping().await.is_err());
    assert!(store.put(&key(), b"sealed").await.is_err());
}
