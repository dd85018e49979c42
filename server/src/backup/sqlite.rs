//! SQLite: `VACUUM INTO` writes a consistent copy of the live database (a read transaction, so
//! the server keeps writing meanwhile); restore puts the copy where `database.url` points.

use std::{path::Path, str::FromStr};

use anyhow::{bail, Context};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteConnection},
    Connection,
};

use super::{files, Snapshot};

pub(super) const FILE: &str = "database.sqlite";

pub(super) fn latest_migration() -> i64 {
    sqlx::migrate!("./migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

pub(super) async fn snapshot(url: &str, dest: &Path) -> anyhow::Result<Snapshot> {
    let options = SqliteConnectOptions::from_str(url)?;
    let live = options.get_filename().to_path_buf();
    if !live.exists() {
        bail!(
            "no SQLite database at {}: nothing to back up",
            live.display()
        );
    }
    let mut conn = SqliteConnection::connect_with(
        &options
            .create_if_missing(false)
            .busy_timeout(std::time::Duration::from_secs(30)),
    )
    .await?;
    sqlx::query("VACUUM INTO ?")
        .bind(dest.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .context("VACUUM INTO failed")?;
    conn.close().await?;
    files::set_mode(dest, 0o600)?;
    files::sync(dest)?;
    // Immutable: read without locks or a -shm file beside the copy.
    let mut copy = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(dest)
            .read_only(true)
            .immutable(true),
    )
    .await?;
    let blob_keys = sqlx::query_scalar("SELECT blob_key FROM photos ORDER BY blob_key")
        .fetch_all(&mut copy)
        .await?;
    let migration_version =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut copy)
            .await?;
    copy.close().await?;
    Ok(Snapshot {
        file: FILE,
        blob_keys,
        migration_version,
        pg_dump_major: None,
    })
}

fn live_path(url: &str) -> anyhow::Result<std::path::PathBuf> {
    Ok(SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_path_buf())
}

pub(super) fn refuse_unless_empty(url: &str) -> anyhow::Result<()> {
    let live = live_path(url)?;
    let wal = live.with_file_name(format!(
        "{}-wal",
        live.file_name().unwrap_or_default().to_string_lossy()
    ));
    for path in [&live, &wal] {
        if path.exists() {
            bail!(
                "refusing to restore: a database already exists at {}; restore needs an empty data folder (move the old one aside first)",
                path.display()
            );
        }
    }
    Ok(())
}

/// Copy the snapshot in under a temporary name (0600), then rename it into place.
pub(super) fn restore(snapshot: &Path, url: &str) -> anyhow::Result<()> {
    let live = live_path(url)?;
    let dir = live
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    files::create_private_dirs(dir)?;
    let temp = dir.join(format!(".restore-{}", uuid::Uuid::new_v4()));
    files::copy_private(snapshot, &temp)?;
    std::fs::rename(&temp, &live)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
