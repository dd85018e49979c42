//! The embedded backend: one SQLite file in WAL mode.

use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{
    common::impl_common_repos, common_actions::impl_action_repo, common_cases::impl_case_repo,
    common_effects::impl_effects, common_queue::impl_queue_repo, common_shifts::impl_shift_repo,
    common_sla::impl_sla_repo, common_webhooks::impl_webhook_repo, Repo, RepoError,
};

pub struct SqliteRepo {
    pool: SqlitePool,
}

impl SqliteRepo {
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<SqliteRepo> {
        let options = SqliteConnectOptions::from_str(url)?;
        create_private_file(options.get_filename())?;
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        Ok(SqliteRepo { pool })
    }
}

impl_common_repos!(SqliteRepo);
impl_webhook_repo!(SqliteRepo);
impl_case_repo!(SqliteRepo);
impl_action_repo!(SqliteRepo);
impl_sla_repo!(SqliteRepo);
impl_shift_repo!(SqliteRepo);
impl_effects!(SqliteRepo, "");

impl super::Backend for SqliteRepo {
    type Db = sqlx::Sqlite;
}
impl_queue_repo!(SqliteRepo, "");

#[async_trait]
impl Repo for SqliteRepo {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> Result<(), RepoError> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await
            .map_err(|e| RepoError::Other(e.into()))
    }

    async fn ping(&self) -> Result<(), RepoError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Create the database file readable by its owner only; SQLite gives its -wal and -shm files the
/// same mode.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty() || path.to_string_lossy().starts_with(':') || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
