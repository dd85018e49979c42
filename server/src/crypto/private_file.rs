//! Owner-only secret files (the master key file, the token signing key file).
//!
//! Written atomically: a 0600 temp file in the same directory, fsync, then rename or hard link,
//! then fsync the directory, so a crash never leaves a half-written key behind. Read only when the
//! file's mode is no wider than 0600, and into memory that is wiped on drop.

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
/// `what` names the file in messages, e.g. "key file".
pub(crate) fn read(
    path: &Path,
    what: &str,
    max_bytes: u64,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let bad = |why: &str| CryptoError::KeyFile(format!("{what} {}: {why}", path.display()));
    let mut file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => bad("not found"),
        _ => CryptoError::Io(e),
    })?;
    // Check the open file itself, not the path, so the file checked is the file read.
    let meta = file.metadata()?;
    check_mode(path, what, &meta)?;
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

/// A new file only its owner can read, mode 0600 from the start (never chmod after writing).
fn create_private(path: &Path) -> io::Result<File> {
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

#[cfg(unix)]
fn check_mode(path: &Path, what: &str, meta: &fs::Metadata) -> Result<(), CryptoError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & !0o600 != 0 {
        return Err(CryptoError::KeyFile(format!(
            "{what} {p} has mode {mode:04o}, wider than 0600; run `chmod 600 {p}`",
            p = path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _what: &str, _meta: &fs::Metadata) -> Result<(), CryptoError> {
    Ok(())
}
