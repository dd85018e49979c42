//! Backup and restore of a server's data: a consistent snapshot of the database (SQLite's
//! `VACUUM INTO`, or a `pg_dump` custom archive taken in the same snapshot as the list of
//! blobs), the sealed blobs it references (copied for the local store; listed for any store)
//! and a manifest. Never the key files: a backup is ciphertext without them, and restoring it
//! needs the key files kept apart.
//!
//! Layout of a backup folder (0700, files 0600): `manifest.json`, `database.sqlite` or
//! `database.pgdump`, and `blobs/<key>` when the store is local. The manifest is written last:
//! a folder without one is an unfinished backup.

mod blobs;
mod files;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

pub use blobs::BlobEntry;

use crate::{config::Settings, store::BlobStore};

pub const MANIFEST: &str = "manifest.json";
const FORMAT: u32 = 1;

/// What a backup holds, and what restore checks the store against.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: DateTime<Utc>,
    pub server_version: String,
    pub database: DatabaseSnapshot,
    pub store: StoreSnapshot,
    /// Every blob the database snapshot references: its size and the SHA-256 of its sealed bytes
    /// as stored.
    pub blobs: Vec<BlobEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseSnapshot {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The snapshot's file name in the backup folder.
    pub file: String,
    /// The newest migration applied to the snapshot.
    pub migration_version: i64,
    /// `pg_dump`'s major version (`pg_restore` must be at least as new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pg_dump_major: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreSnapshot {
    /// Whether the sealed blobs are in the backup's `blobs/` folder (local store), or only
    /// listed (an object store keeps its own versions and replicas).
    pub blobs_copied: bool,
}

/// The PostgreSQL client programs, on `PATH` unless named.
#[derive(Debug, Clone)]
pub struct PgTools {
    pub pg_dump: PathBuf,
    pub pg_restore: PathBuf,
}

impl Default for PgTools {
    fn default() -> PgTools {
        PgTools {
            pg_dump: "pg_dump".into(),
            pg_restore: "pg_restore".into(),
        }
    }
}

/// The database snapshot and what it says about the blobs, read in the same snapshot.
pub(crate) struct Snapshot {
    file: &'static str,
    blob_keys: Vec<String>,
    migration_version: i64,
    pg_dump_major: Option<u32>,
}

enum Backend {
    Sqlite,
    Postgres,
}

fn backend_of(url: &str) -> anyhow::Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        bail!("database.url must start with sqlite: or postgres:")
    }
}

/// Back up the running server's data into `to` (a new or empty folder outside the data and key
/// folders). `copy_blobs`: the store is local, so its sealed blobs go into the backup too.
pub async fn create(
    settings: &Settings,
    store: &dyn BlobStore,
    to: &Path,
    tools: &PgTools,
    copy_blobs: bool,
) -> anyhow::Result<Manifest> {
    files::refuse_inside_data_or_keys(settings, to)?;
    files::create_empty_private_dir(to)?;
    let url = settings.database_url();
    let url = url.expose_secret();
    let snapshot = match backend_of(url)? {
        Backend::Sqlite => sqlite::snapshot(url, &to.join(sqlite::FILE)).await?,
        Backend::Postgres => {
            postgres::snapshot(url, &to.join(postgres::FILE), &tools.pg_dump).await?
        }
    };
    let copies = copy_blobs.then(|| to.join("blobs"));
    let entries = blobs::record(store, &snapshot.blob_keys, copies.as_deref()).await?;
    let manifest = Manifest {
        format: FORMAT,
        created_at: crate::domain::now(),
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        database: DatabaseSnapshot {
            backend: match backend_of(url)? {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
            .to_owned(),
            file: snapshot.file.to_owned(),
            migration_version: snapshot.migration_version,
            pg_dump_major: snapshot.pg_dump_major,
        },
        store: StoreSnapshot {
            blobs_copied: copy_blobs,
        },
        blobs: entries,
    };
    files::write_private(&to.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// What `restore` brought back.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Blobs written into the store from the backup (0 for an object store).
    pub blobs_copied: usize,
}

/// Bring a backup back into an empty database and an empty store, then check that the store
/// holds every blob of the manifest with its hash. Refuses anything not empty.
pub async fn restore(
    settings: &Settings,
    store: &dyn BlobStore,
    from: &Path,
    tools: &PgTools,
) -> anyhow::Result<Restored> {
    let raw = std::fs::read(from.join(MANIFEST)).with_context(|| {
        format!(
            "{} is not a finished telederm backup (no readable {MANIFEST})",
            from.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_slice(&raw).with_context(|| {
        format!(
            "{MANIFEST} in {} is not a telederm manifest",
            from.display()
        )
    })?;
    if manifest.format != FORMAT {
        bail!(
            "backup format {} is not one this server reads",
            manifest.format
        );
    }
    let url = settings.database_url();
    let url = url.expose_secret();
    let backend = backend_of(url)?;
    let configured = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    if manifest.database.backend != configured {
        bail!(
            "the backup holds a {} database but database.url names a {configured} one",
            manifest.database.backend
        );
    }
    let known = match backend {
        Backend::Sqlite => sqlite::latest_migration(),
        Backend::Postgres => postgres::latest_migration(),
    };
    if manifest.database.migration_version > known {
        bail!(
            "the backup's schema (migration {}) is newer than this server's ({known}): restore it with a server at least as new as {}",
            manifest.database.migration_version,
            manifest.server_version
        );
    }
    // Everything is checked before anything is written.
    match backend {
        Backend::Sqlite => sqlite::refuse_unless_empty(url)?,
        Backend::Postgres => postgres::refuse_unless_empty(url).await?,
    }
    if manifest.store.blobs_copied {
        let present = store.list().await?.len();
        if present > 0 {
            bail!("refusing to restore: the blob store already holds {present} blobs; restore needs an empty data folder or database and an empty store");
        }
        blobs::check_copies(&from.join("blobs"), &manifest.blobs)?;
    } else {
        // An object store's blobs were listed, not copied: they must still be in the bucket,
        // checked before the database is written.
        blobs::verify(store, &manifest.blobs).await?;
    }
    let snapshot = from.join(&manifest.database.file);
    match backend {
        Backend::Sqlite => sqlite::restore(&snapshot, url)?,
        Backend::Postgres => {
            postgres::restore(&snapshot, url, &tools.pg_restore, &manifest.database).await?
        }
    }
    let blobs_copied = if manifest.store.blobs_copied {
        blobs::put_copies(store, &from.join("blobs"), &manifest.blobs).await?
    } else {
        0
    };
    blobs::verify(store, &manifest.blobs).await?;
    Ok(Restored {
        manifest,
        blobs_copied,
    })
}
