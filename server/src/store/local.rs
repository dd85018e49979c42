//! Blobs as files under `<data_dir>/blobs`. A put writes a temporary file, fsyncs it, links it to
//! its final name (a link fails when the name exists, so nothing is ever overwritten), removes the
//! temporary name and fsyncs the folder, so that an acknowledged blob survives a crash.

use std::{
    fs::{self, File, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
};

use async_trait::async_trait;

use super::{BlobInfo, BlobKey, BlobStore, StoreError};

const TEMP_PREFIX: &str = ".tmp-";
/// Temporary files younger than this are left alone by `list`.
const TEMP_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn open(root: impl Into<PathBuf>) -> Result<LocalStore, StoreError> {
        let root = root.into();
        create_private_dirs(&root)?;
        Ok(LocalStore { root })
    }

    fn path(&self, key: &BlobKey) -> PathBuf {
        self.root.join(key.as_str())
    }
}

fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

fn put_blocking(path: &Path, key: &BlobKey, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .ok_or_else(|| anyhow::anyhow!("blob path without a folder"))?;
    create_private_dirs(dir)?;
    let temp = dir.join(format!("{TEMP_PREFIX}{}", uuid::Uuid::new_v4()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::hard_link(&temp, path)
    })();
    let _ = fs::remove_file(&temp);
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(StoreError::AlreadyExists(key.as_str().to_owned()))
        }
        Err(e) => return Err(e.into()),
    }
    sync_dir(dir)?;
    Ok(())
}

fn list_blocking(root: &Path) -> Result<Vec<BlobInfo>, StoreError> {
    let mut keys = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
                continue;
            }
            let name = entry.file_name();
            if name.to_string_lossy().starts_with(TEMP_PREFIX) {
                // Left by a crash mid-put (never acknowledged) once it is old; a recent one may
                // be another instance's put in progress.
                let modified = entry.metadata()?.modified()?;
                let age = std::time::SystemTime::now()
                    .duration_since(modified)
                    .unwrap_or_default();
                if age >= TEMP_GRACE {
                    let _ = fs::remove_file(&path);
                }
                continue;
            }
            let relative = path.strip_prefix(root).map_err(anyhow::Error::from)?;
            if let Some(key) = BlobKey::parse(&relative.to_string_lossy()) {
                let modified = entry.metadata()?.modified()?;
                keys.push(BlobInfo { key, modified });
            }
        }
    }
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(keys)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Other(e.into()))?
}

#[async_trait]
impl BlobStore for LocalStore {
    async fn put(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path(key);
        let key = key.clone();
        let bytes = bytes.to_vec();
        blocking(move || put_blocking(&path, &key, &bytes)).await
    }

    async fn get(&self, key: &BlobKey) -> Result<Vec<u8>, StoreError> {
        let path = self.path(key);
        let name = key.as_str().to_owned();
        blocking(move || match fs::read(&path) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound(name)),
            Err(e) => Err(e.into()),
        })
        .await
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError> {
        let path = self.path(key);
        blocking(move || match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        })
        .await
    }

    async fn list(&self) -> Result<Vec<BlobInfo>, StoreError> {
        let root = self.root.clone();
        blocking(move || list_blocking(&root)).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let root = self.root.clone();
        blocking(move || Ok(fs::metadata(&root).map(|_| ())?)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[tokio::test]
    async fn put_get_list_delete_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path().join("blobs")).unwrap();
        let key = BlobKey::photo(uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
        store.put(&key, b"sealed bytes").await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), b"sealed bytes");
        assert!(matches!(
            store.put(&key, b"other").await,
            Err(StoreError::AlreadyExists(_))
        ));
        assert_eq!(store.get(&key).await.unwrap(), b"sealed bytes");
        let listed = store.list().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].key, key);
        let mode = fs::metadata(store.path(&key)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert!(matches!(
            store.get(&key).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(store.list().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn temporary_files_left_by_a_crash_are_not_blobs() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        fs::create_dir_all(dir.path().join("photos/x")).unwrap();
        let (old, young) = (
            dir.path().join("photos/x/.tmp-1"),
            dir.path().join("photos/x/.tmp-2"),
        );
        fs::write(&old, b"half").unwrap();
        fs::write(&young, b"in progress").unwrap();
        File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - TEMP_GRACE * 2)
            .unwrap();
        assert!(store.list().await.unwrap().is_empty());
        assert!(!old.exists());
        assert!(young.exists());
    }

    #[test]
    fn keys_are_safe_relative_paths() {
        assert!(BlobKey::parse("photos/a/b").is_some());
        for bad in ["", "/etc/passwd", "../x", "photos//x", "Photos/x", "a b"] {
            assert!(BlobKey::parse(bad).is_none(), "{bad}");
        }
    }
}
