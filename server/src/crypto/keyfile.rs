//! The master key file on disk.
//!
//! ```json
//! {"version":1,"active":"mk-20261124-7f3a9c",
//!  "keys":[{"id":"mk-20261124-7f3a9c","created_at":"2026-11-24T18:31:00Z","key":"<base64, 32 bytes>"}]}
//! ```
//!
//! Written atomically (see `private_file`) so a crash never leaves a half-written keyring, which
//! would make every case unreadable. Loading refuses, on unix, a file whose mode is wider than 0600.
//! Error messages name the file and what is wrong with it, never its content: a parser message may
//! quote the bytes it choked on.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::keyring::{MasterKey, MasterKeyId, Secret};
use super::private_file::{self, Mode};
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

/// The keys and the index of the active one; `credentials_dir` as for `private_file::read`.
pub(super) fn read(
    path: &Path,
    credentials_dir: Option<&Path>,
) -> Result<(Vec<MasterKey>, usize), CryptoError> {
    let bad = |what: String| CryptoError::KeyFile(format!("key file {}: {what}", path.display()));
    let bytes = private_file::read(path, "key file", MAX_FILE_BYTES, credentials_dir)?;
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
    private_file::write_atomically(path, &json, mode)?;
    Ok(())
}
