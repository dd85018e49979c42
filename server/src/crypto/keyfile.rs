//! The master key file on disk.
//!
//! ```json
//! {"version":1,"active":"mk-20261124-7f3a9c",
//!  "keys":[{"id":"mk-20261124-7f3a9c","created_at":"2026-11-24T18:31:00Z","key":"<base64, 32 bytes>"}]}
//! ```
//!
//! Written atomically (a 0600 temp file in the same directory, fsync, rename, fsync the directory) so
//! a crash never leaves a half-written keyring, which would make every case unreadable. Loading
//! refuses, on unix, a file whose mode is wider than 0600. Error messages name the file and what is
//! wrong with it, never its content: a parser message may quote the bytes it choked on.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::keyring::{MasterKey, MasterKeyId, Secret};
use super::CryptoError;

const FILE_VERSION: u32 = 1;
/// Thousands of keys fit; anything bigger is not our file.
const MAX_FILE_BYTES: u64 = 1 << 20;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    version: u32,
    active: String,
    keys: Vec<EntryRepr>,
}

/// Wiped on drop: `key` holds the base64 of a master key.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(deny_unknown_fields)]
struct EntryRepr {
    id: String,
    created_at: String,
    key: String,
}

pub(super) enum Mode {
    /// Fail with `io::ErrorKind::AlreadyExists` rather than replace an existing file.
    CreateNew,
    Replace,
}

/// The keys and the index of the active one.
pub(super) fn read(path: &Path) -> Result<(Vec<MasterKey>, usize), CryptoError> {
    let bad = |what: String| CryptoError::KeyFile(format!("key file {}: {what}", path.display()));
    let mut file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => bad("not found".into()),
        _ => CryptoError::Io(e),
    })?;
    // Check the open file itself, not the path, so the file checked is the file read.
    let meta = file.metadata()?;
    check_mode(path, &meta)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad("too large to be a key file".into()));
    }
    // Sized up front so reading never reallocates, which would leave an unwiped copy behind.
    let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize + 1));
    file.read_to_end(&mut bytes)?;
    let repr: FileRepr = serde_json::from_slice(&bytes).map_err(|e| {
        let kind = match e.classify() {
            serde_json::error::Category::Data => "unexpected structure",
            _ => "not valid JSON",
        };
        bad(format!("{kind} at line {} column {}", e.line(), e.column()))
    })?;

    if repr.version != FILE_VERSION {
        let v = repr.version;
        return Err(bad(format!(
            "unsupported version {v} (expected {FILE_VERSION})"
        )));
    }
    let mut keys: Vec<MasterKey> = Vec::with_capacity(repr.keys.len());
    for (i, entry) in repr.keys.iter().enumerate() {
        let id = MasterKeyId::parse(&entry.id)
            .ok_or_else(|| bad(format!("key #{} has an invalid id", i + 1)))?;
        if keys.iter().any(|k| k.id == id) {
            return Err(bad(format!("key id {id} appears twice")));
        }
        let created_at = DateTime::parse_from_rfc3339(&entry.created_at)
            .map_err(|_| bad(format!("key {id}: created_at is not an RFC 3339 time")))?
            .with_timezone(&Utc);
        let mut secret = Secret::zeroed();
        // Decode straight into the heap secret; any length but exactly 32 bytes is refused.
        match STANDARD.decode_slice(entry.key.as_bytes(), &mut secret.0) {
            Ok(n) if n == secret.0.len() => {}
            _ => return Err(bad(format!("key {id}: key is not 32 bytes of base64"))),
        }
        keys.push(MasterKey {
            id,
            created_at,
            secret,
        });
    }
    if keys.is_empty() {
        return Err(bad("holds no keys".into()));
    }
    let active = MasterKeyId::parse(&repr.active)
        .and_then(|id| keys.iter().position(|k| k.id == id))
        .ok_or_else(|| bad("the active key id is not one of its keys".into()))?;
    Ok((keys, active))
}

pub(super) fn write(
    path: &Path,
    keys: &[MasterKey],
    active: usize,
    mode: Mode,
) -> Result<(), CryptoError> {
    let repr = FileRepr {
        version: FILE_VERSION,
        active: keys[active].id.to_string(),
        keys: keys
            .iter()
            .map(|k| EntryRepr {
                id: k.id.to_string(),
                created_at: k.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                key: STANDARD.encode(k.secret.0),
            })
            .collect(),
    };
    let mut json = Zeroizing::new(
        serde_json::to_vec_pretty(&repr)
            .map_err(|e| CryptoError::KeyFile(format!("cannot encode the key file: {e}")))?,
    );
    json.push(b'\n');
    write_atomically(path, &json, mode)?;
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8], mode: Mode) -> io::Result<()> {
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
            // at once cannot both win, and neither can replace the other's keys.
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
fn check_mode(path: &Path, meta: &fs::Metadata) -> Result<(), CryptoError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & !0o600 != 0 {
        return Err(CryptoError::KeyFile(format!(
            "key file {p} has mode {mode:04o}, wider than 0600; run `chmod 600 {p}`",
            p = path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _meta: &fs::Metadata) -> Result<(), CryptoError> {
    Ok(())
}
