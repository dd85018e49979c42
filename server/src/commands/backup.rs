//! `backup --to DIR` and `restore --from DIR`.

use std::path::PathBuf;

use clap::Args;

use crate::{
    backup::{self, PgTools},
    config::{Settings, StorageKind},
    startup::open_store,
};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// A new (or empty) folder, outside the data folder and the key folder; created 0700.
    #[arg(long)]
    to: PathBuf,
    /// The pg_dump to run (PostgreSQL only; default: pg_dump on PATH). It must be of the
    /// database server's major version or newer.
    #[arg(long, default_value = "pg_dump")]
    pg_dump: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A folder written by `backup`.
    #[arg(long)]
    from: PathBuf,
    /// The pg_restore to run (PostgreSQL only; default: pg_restore on PATH). It must be of the
    /// backup's pg_dump major version or newer.
    #[arg(long, default_value = "pg_restore")]
    pg_restore: PathBuf,
}

/// Whether the configured store is a local folder, whose sealed blobs go into the backup (an
/// object store keeps its own versions and replicas; its blobs are only listed).
fn store_is_local(settings: &Settings) -> bool {
    settings.storage.kind == StorageKind::Local
}

pub async fn backup(settings: Settings, args: &BackupArgs) -> anyhow::Result<()> {
    let store = open_store(&settings)?;
    let tools = PgTools {
        pg_dump: args.pg_dump.clone(),
        ..PgTools::default()
    };
    let manifest = backup::create(
        &settings,
        store.as_ref(),
        &args.to,
        &tools,
        store_is_local(&settings),
    )
    .await?;
    let bytes: u64 = manifest.blobs.iter().map(|b| b.size).sum();
    eprintln!(
        "backed up the {} database (migration {}) and {} blobs ({bytes} bytes{}) to {}; the key files are not in it: keep them apart",
        manifest.database.backend,
        manifest.database.migration_version,
        manifest.blobs.len(),
        if manifest.store.blobs_copied { ", copied" } else { ", listed only" },
        args.to.display()
    );
    Ok(())
}

pub async fn restore(settings: Settings, args: &RestoreArgs) -> anyhow::Result<()> {
    let store = open_store(&settings)?;
    let tools = PgTools {
        pg_restore: args.pg_restore.clone(),
        ..PgTools::default()
    };
    let restored = backup::restore(&settings, store.as_ref(), &args.from, &tools).await?;
    let m = &restored.manifest;
    eprintln!(
        "restored the {} database of {} (migration {}); {} blobs copied, all {} present with their hashes. Start the server with the key files kept apart",
        m.database.backend,
        m.created_at.to_rfc3339(),
        m.database.migration_version,
        restored.blobs_copied,
        m.blobs.len()
    );
    Ok(())
}
