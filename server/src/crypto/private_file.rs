//! Owner-only secret files (the master key file, the token signing key file).
//!
//! Written atomically: a 0600 temp file in the same directory, fsync, then rename or hard link,
//! then fsync the directory, so a crash never leaves a half-written key behind. Read only when the
//! file's mode is no wider than 0600 (or it is a systemd credential, see `check_mode`), and into
//! memory that is wiped on drop.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use super::CryptoError;

pub(crate) enum Mode {
    /// Fail with `io::ErrorKind::AlreadyExists` rather than replace an existing file.
    CreateNew,
    Replace,
}

/// The bytes of an owner-only file of at most `max_bytes`; errors name the file, never its content.
/// `what` names the file in messages, e.g. "key file". `credentials_dir` is systemd's
/// `$CREDENTIALS_DIRECTORY` for this service, if any.
pub(crate) fn read(
    path: &Path,
    what: &str,
    max_bytes: u64,
    credentials_dir: Option<&Path>,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let bad = |why: &str| CryptoError::KeyFile(format!("{what} {}: {why}", path.display()));
    let mut file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => bad("not found"),
        _ => CryptoError::Io(e),
    })?;
    // Check the open file itself, not the path, so the file checked is the file read.
    let meta = file.metadata()?;
    check_mode(path, what, &meta, credentials_dir)?;
    if meta.len() > max_bytes {
        return Err(bad("too large"));
    }
    // Sized up front so reading never reallocates, which would leave an unwiped copy behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize + 1));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8], mode: Mode) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "key file path has no name"))?;
    let mut suffix = [0u8; 8];
    OsRng.fill_bytes(&mut suffix);
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        hex::encode(suffix)
    ));

    let result = (|| {
        let mut file = create_private(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        match mode {
            // A hard link is an atomic "create unless it exists": two processes creating a key file
            // at once cannot both win, and neither can replace the other's key.
            Mode::CreateNew => {
                fs::hard_link(&tmp, path)?;
                fs::remove_file(&tmp)?;
            }
            Mode::Replace => fs::rename(&tmp, path)?,
        }
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Folders (and their missing parents) only their owner can enter, mode 0700 from the start.
pub(crate) fn create_private_dirs(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A new file only its owner can read, mode 0600 from the start (never chmod after writing).
pub(crate) fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    // Makes the rename itself durable.
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Owner-only (no wider than 0600), or a systemd credential: newer systemd gives the service
/// its credentials through a POSIX ACL, which `stat` shows as group read (0440). Those are
/// accepted inside the service's own credentials directory, when nobody but the owner may write
/// the file, others may not even read it, and the directory is closed to others.
#[cfg(unix)]
fn check_mode(
    path: &Path,
    what: &str,
    meta: &fs::Metadata,
    credentials_dir: Option<&Path>,
) -> Result<(), CryptoError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & !0o600 == 0 {
        return Ok(());
    }
    if mode & 0o027 == 0 && credentials_dir.is_some_and(|dir| is_credential(path, dir)) {
        return Ok(());
    }
    let hint = match credentials_dir {
        Some(dir) => format!(
            " (files wider than that are accepted only in the credentials directory {} when \
             only their owner may write them and that directory is closed to others)",
            dir.display()
        ),
        None => String::new(),
    };
    Err(CryptoError::KeyFile(format!(
        "{what} {p} has mode {mode:04o}, wider than 0600; run `chmod 600 {p}`{hint}",
        p = path.display()
    )))
}

/// `path` lies in `dir`, a directory owned by root or by us, that others may not enter and whose
/// group (the ACL mask, under systemd) may not write.
#[cfg(unix)]
fn is_credential(path: &Path, dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(path), Ok(dir)) = (path.canonicalize(), dir.canonicalize()) else {
        return false;
    };
    let Ok(dir_meta) = fs::metadata(&dir) else {
        return false;
    };
    let owner = dir_meta.uid();
    path.starts_with(&dir)
        && dir_meta.mode() & 0o027 == 0
        && (owner == 0 || owner == rustix::process::geteuid().as_raw())
}

#[cfg(not(unix))]
fn check_mode(
    _path: &Path,
    _what: &str,
    _meta: &fs::Metadata,
    _credentials_dir: Option<&Path>,
) -> Result<(), CryptoError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::os::unix::fs::PermissionsExt;
    use std::path::PathBuf;

    use super::*;

    fn with_mode(path: PathBuf, mode: u32) -> PathBuf {
        fs::write(&path, b"key").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    fn refusal(path: &Path, credentials_dir: Option<&Path>) -> String {
        match read(path, "key file", 64, credentials_dir) {
            Err(CryptoError::KeyFile(msg)) => msg,
            other => panic!("{path:?} accepted: {:?}", other.map(|b| b.len())),
        }
    }

    /// A temp dir (0700, ours) stands in for systemd's credentials directory.
    #[test]
    fn a_0440_key_file_is_accepted_in_the_credentials_directory_only() {
        let root = tempfile::tempdir().unwrap();
        let credentials = root.path().join("credentials");
        fs::create_dir(&credentials).unwrap();
        let elsewhere = root.path().join("etc");
        fs::create_dir(&elsewhere).unwrap();
        // Written before the directory is closed to writing, as systemd does.
        let inside = &with_mode(credentials.join("master-keys.json"), 0o440);
        let group_writable = &with_mode(credentials.join("signing-key"), 0o460);
        let world_readable = &with_mode(credentials.join("other-key"), 0o444);
        fs::set_permissions(&credentials, fs::Permissions::from_mode(0o500)).unwrap();
        let dir = Some(credentials.as_path());

        assert_eq!(&read(inside, "key file", 64, dir).unwrap()[..], b"key");
        let msg = refusal(inside, None);
        assert!(msg.contains("mode 0440, wider than 0600"), "{msg}");
        let outside = &with_mode(elsewhere.join("master-keys.json"), 0o440);
        let msg = refusal(outside, dir);
        assert!(msg.contains("mode 0440, wider than 0600"), "{msg}");
        assert!(msg.contains("credentials directory"), "{msg}");
        let msg = refusal(group_writable, dir);
        assert!(msg.contains("mode 0460"), "{msg}");
        let msg = refusal(world_readable, dir);
        assert!(msg.contains("mode 0444"), "{msg}");
        // Through a path that only looks as if it were inside.
        let dotted = credentials.join("../etc/master-keys.json");
        assert!(refusal(&dotted, dir).contains("wider than 0600"));

        // A credentials directory that others may enter is not private to the service.
        fs::set_permissions(&credentials, fs::Permissions::from_mode(0o555)).unwrap();
        assert!(refusal(inside, dir).contains("wider than 0600"));
        // The ACL mask systemd leaves on the directory (group r-x) is fine.
        fs::set_permissions(&credentials, fs::Permissions::from_mode(0o550)).unwrap();
        assert!(read(inside, "key file", 64, dir).is_ok());
        fs::set_permissions(&credentials, fs::Permissions::from_mode(0o700)).unwrap();
    }
}
