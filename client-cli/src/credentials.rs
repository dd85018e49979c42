//! The saved login: `credentials.json` in the config directory, readable by its owner only.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const CREDENTIALS_FILE: &str = "credentials.json";

/// A bearer token. Its `Debug` is redacted so it cannot leak through an error or a log line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    /// The raw token, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The server that issued the token; it is never sent anywhere else.
    pub server: String,
    pub email: String,
    pub access_token: AccessToken,
    pub expires_at: DateTime<Utc>,
}

pub fn path_in(config_dir: &Path) -> PathBuf {
    config_dir.join(CREDENTIALS_FILE)
}

/// Reads the saved login, if any. Warns on stderr when others can read the file, but still
/// uses it: refusing would lock the user out for a problem they can fix with one chmod.
pub fn load(path: &Path) -> anyhow::Result<Option<Credentials>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if let Some(mode) = file_mode(path)? {
        if mode_too_open(mode) {
            eprintln!(
                "warning: {} has mode {:03o}; others may read your token. Run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
    }
    let creds = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is corrupt; run `telederm logout` and log in again",
            path.display()
        )
    })?;
    Ok(Some(creds))
}

/// True when group or others have any permission. The owner's own bits do not matter:
/// the point is who else can read the token (the same rule ssh applies to private keys).
pub fn mode_too_open(mode: u32) -> bool {
    mode & 0o077 != 0
}

#[cfg(unix)]
fn file_mode(path: &Path) -> anyhow::Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).with_context(|| format!("cannot stat {}", path.display()))?;
    Ok(Some(meta.permissions().mode()))
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> anyhow::Result<Option<u32>> {
    Ok(None)
}

/// Writes the file atomically: a temp file created with mode 0600 from the start (no window
/// where it is world-readable), synced, then renamed over the old one.
pub fn save(path: &Path, creds: &Credentials) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let json = serde_json::to_vec_pretty(creds)?;
    write_private(path, &json).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `bytes` to `path` readable by its owner only (mode 0600), whatever the umask or the
/// mode of a file already there: a temp file beside it, created 0600, synced, then renamed over
/// it. Used for the saved token and for downloaded photos.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = write_new_private(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        // Best effort: a leftover temp file would hold a token or a photo.
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Deletes the saved login. Returns whether there was one.
pub fn remove(path: &Path) -> anyhow::Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot delete {}", path.display())),
    }
}

fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    // create_new: never follow a symlink or reuse a file someone else planted at this name.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Credentials {
        Credentials {
            server: "http://127.0.0.1:8080/".into(),
            email: "gp13@demo.test".into(),
            access_token: AccessToken::new("secret-token".into()),
            expires_at: "2030-01-02T03:04:05Z".parse().unwrap(),
        }
    }

    #[test]
    fn round_trip_and_remove() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(&dir.path().join("nested"));
        assert_eq!(load(&path).unwrap(), None);

        save(&path, &sample()).unwrap();
        assert_eq!(load(&path).unwrap(), Some(sample()));

        // Overwriting replaces the file and leaves no temp file behind.
        let mut other = sample();
        other.email = "derm@demo.test".into();
        save(&path, &other).unwrap();
        assert_eq!(load(&path).unwrap(), Some(other));
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);

        assert!(remove(&path).unwrap());
        assert!(!remove(&path).unwrap());
        assert_eq!(load(&path).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn file_is_created_0600_even_over_a_wider_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        fs::write(&path, "{}").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();

        save(&path, &sample()).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn wide_modes_are_detected() {
        assert!(!mode_too_open(0o100600));
        assert!(!mode_too_open(0o400));
        assert!(!mode_too_open(0o700));
        assert!(mode_too_open(0o640));
        assert!(mode_too_open(0o604));
        assert!(mode_too_open(0o100644));
    }

    #[test]
    fn token_is_redacted_in_debug() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("secret-token"), "{text}");
    }
}
