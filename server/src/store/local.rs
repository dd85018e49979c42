//! Blobs as files under `<data_dir>/blobs`. A put writes a temporary file, fsyncs it, links it to
//! its final name (a link fails when the name exists, so nothing is ever overwritten), removes the
//! temporary name and fsyncs the folder, so that an acknowledged blob survives a crash.

use std::{
    fs::{self, File, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
    time::SystemTime,
};

use async_trait::async_trait;

use super::{BlobInfo, BlobKey, BlobStore, StoreError, Tidied};
use crate::crypto::private_file::create_private_dirs;

const TEMP_PREFIX: &str = ".tmp-";

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
        let mut file = match options.open(&temp) {
            // `tidy` removed the (long empty) folder between its creation and this open.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                create_private_dirs(dir)?;
                options.open(&temp)?
            }
            other => other?,
        };
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
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
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

/// Temporary files left by a crash mid-put (never acknowledged) and folders left empty, both
/// untouched since `before`: anything more recent may be another instance's put in progress.
fn tidy_blocking(root: &Path, before: SystemTime) -> Result<Tidied, StoreError> {
    let mut tidied = Tidied::default();
    tidy_dir(root, before, &mut tidied)?;
    Ok(tidied)
}

/// Returns whether `dir` is empty once tidied.
fn tidy_dir(dir: &Path, before: SystemTime, tidied: &mut Tidied) -> Result<bool, StoreError> {
    let mut empty = true;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let stale = entry.metadata()?.modified()? < before;
        if entry.file_type()?.is_dir() {
            if tidy_dir(&path, before, tidied)? && stale && remove_empty_dir(&path)? {
                tidied.folders += 1;
            } else {
                empty = false;
            }
        } else if stale && entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            match fs::remove_file(&path) {
                Ok(()) => tidied.temp_files += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        } else {
            empty = false;
        }
    }
    Ok(empty)
}

/// `false` when the folder is gone already or filled up meanwhile (another put).
fn remove_empty_dir(dir: &Path) -> Result<bool, StoreError> {
    match fs::remove_dir(dir) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::DirectoryNotEmpty => Ok(false),
        Err(e) => Err(e.into()),
    }
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
    async fn create(&self, key: &BlobKey, bytes: &[u8]) -> Result<(), StoreError> {
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

    async fn tidy(&self, before: SystemTime) -> Result<Tidied, StoreError> {
        let root = self.root.clone();
        blocking(move || tidy_blocking(&root, before)).await
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

    fn touch(path: &Path, at: SystemTime) {
        // A read-only handle is enough for the owner to set times (folders included).
        File::open(path).unwrap().set_modified(at).unwrap();
    }

    #[tokio::test]
    async fn tidy_removes_stale_temporary_files_and_empty_folders_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let now = SystemTime::now();
        let hour = std::time::Duration::from_secs(3600);
        let photos = dir.path().join("photos");
        for case in ["a", "b", "c"] {
            fs::create_dir_all(photos.join(case)).unwrap();
        }
        let (old, young) = (photos.join("a/.tmp-1"), photos.join("a/.tmp-2"));
        fs::write(&old, b"half").unwrap();
        fs::write(&young, b"in progress").unwrap();
        touch(&old, now - 2 * hour);
        let key = BlobKey::parse("photos/b/1").unwrap();
        store.put(&key, b"sealed").await.unwrap();
        // Folder c is empty and old; folders only count as stale once untouched since the cut-off.
        touch(&photos.join("c"), now - 2 * hour);
        assert!(
            store.list().await.unwrap().len() == 1,
            "temp files are not blobs"
        );

        let tidied = store.tidy(now - hour).await.unwrap();
        assert_eq!(tidied.temp_files, 1, "young temp files are spared");
        assert!(!old.exists());
        assert!(young.exists());
        assert_eq!(tidied.folders, 1, "only the empty folder goes");
        assert!(!photos.join("c").exists());
        assert!(photos.join("a").exists() && photos.join("b").exists());
        assert!(dir.path().exists(), "the root stays");
        assert_eq!(store.get(&key).await.unwrap(), b"sealed");

        // A put into a folder that was tidied away still lands.
        fs::remove_file(&young).unwrap();
        assert_eq!(store.tidy(now + hour).await.unwrap().folders, 1);
        assert!(!photos.join("a").exists());
        let again = BlobKey::parse("photos/a/2").unwrap();
        store.put(&again, b"sealed").await.unwrap();
        assert_eq!(store.get(&again).await.unwrap(), b"sealed");
    }

    #[test]
    fn keys_are_safe_relative_paths() {
        assert!(BlobKey::parse("photos/a/b").is_some());
        for bad in ["", "/etc/passwd", "../x", "photos//x", "Photos/x", "a b"] {
            assert!(BlobKey::parse(bad).is_none(), "{bad}");
        }
    }
}
