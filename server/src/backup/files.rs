//! Where a backup may go, and its owner-only folders and files.

use std::{
    fs::{self, File},
    io::Write,
    path::Path,
};

use anyhow::{bail, Context};

use crate::{
    config::{resolve_path, Settings},
    crypto::private_file,
};

/// A backup inside the data folder would be backed up into itself and wiped with it; one beside
/// the key files would put the keys and the data they open in one place.
pub(super) fn refuse_inside_data_or_keys(settings: &Settings, to: &Path) -> anyhow::Result<()> {
    let target = resolve_path(to).with_context(|| format!("cannot resolve {}", to.display()))?;
    let mut forbidden = vec![
        ("the data folder", settings.data_dir.clone()),
        ("the blob folder", settings.blobs_dir()),
    ];
    for file in [settings.key_file(), settings.signing_key_file()] {
        if let Some(dir) = file.parent() {
            forbidden.push(("the key folder", dir.to_path_buf()));
        }
    }
    for (what, dir) in forbidden {
        let dir =
            resolve_path(&dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
        if target.starts_with(&dir) {
            bail!(
                "refusing to back up into {}: it is inside {what} {}. Keep backups elsewhere, and the key files apart from them",
                to.display(),
                dir.display()
            );
        }
    }
    Ok(())
}

/// `dir` created owner-only (0700), or an existing empty folder made so.
pub(super) fn create_empty_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        if fs::read_dir(dir)?.next().is_some() {
            bail!(
                "refusing to back up into {}: it is not empty",
                dir.display()
            );
        }
        set_mode(dir, 0o700)?;
        return Ok(());
    }
    create_private_dirs(dir)
}

pub(super) fn create_private_dirs(dir: &Path) -> anyhow::Result<()> {
    private_file::create_private_dirs(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// A new owner-only file (0600), synced to disk.
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = create_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

/// `from` copied to a new owner-only file `to`, streamed (a database may be large), synced.
pub(super) fn copy_private(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut source = File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let mut file = create_private(to)?;
    std::io::copy(&mut source, &mut file)?;
    file.sync_all()?;
    Ok(())
}

fn create_private(path: &Path) -> anyhow::Result<File> {
    private_file::create_private(path).with_context(|| format!("cannot create {}", path.display()))
}

pub(super) fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    }
    Ok(())
}

/// Flush a file written by another program (SQLite, pg_dump) to disk.
pub(super) fn sync(path: &Path) -> anyhow::Result<()> {
    File::open(path)?.sync_all()?;
    Ok(())
}
