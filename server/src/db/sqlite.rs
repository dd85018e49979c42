//! The embedded backend: one SQLite file in WAL mode.

use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use sqlx::{
    sqlite::{
        SqliteArguments, SqliteConnectOptions, SqliteExecutor, SqliteJournalMode, SqlitePool,
        SqlitePoolOptions, SqliteSynchronous,
    },
    Arguments, Transaction,
};

use super::sql::{Arg, Backend, Query, Row, Tx};

pub struct Sqlite {
    pool: SqlitePool,
}

impl Sqlite {
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Sqlite> {
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
        Ok(Sqlite { pool })
    }
}

pub struct SqliteTx(Transaction<'static, sqlx::Sqlite>);

#[async_trait]
impl Backend for Sqlite {
    type Tx = SqliteTx;
    const NAME: &'static str = "sqlite";
    const SKIP_LOCKED: &'static str = "";

    async fn execute(&self, q: Query) -> Result<u64, sqlx::Error> {
        execute(&self.pool, q).await
    }
    async fn fetch_all<R: Row>(&self, q: Query) -> Result<Vec<R>, sqlx::Error> {
        fetch_all(&self.pool, q).await
    }
    async fn fetch_optional<R: Row>(&self, q: Query) -> Result<Option<R>, sqlx::Error> {
        fetch_optional(&self.pool, q).await
    }
    async fn begin(&self) -> Result<SqliteTx, sqlx::Error> {
        Ok(SqliteTx(self.pool.begin().await?))
    }
    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        sqlx::migrate!("./migrations/sqlite").run(&self.pool).await
    }
}

#[async_trait]
impl Tx for SqliteTx {
    async fn execute(&mut self, q: Query) -> Result<u64, sqlx::Error> {
        execute(&mut *self.0, q).await
    }
    async fn fetch_all<R: Row>(&mut self, q: Query) -> Result<Vec<R>, sqlx::Error> {
        fetch_all(&mut *self.0, q).await
    }
    async fn fetch_optional<R: Row>(&mut self, q: Query) -> Result<Option<R>, sqlx::Error> {
        fetch_optional(&mut *self.0, q).await
    }
    async fn commit(self) -> Result<(), sqlx::Error> {
        self.0.commit().await
    }
    async fn rollback(self) -> Result<(), sqlx::Error> {
        self.0.rollback().await
    }
}

async fn execute<'c>(on: impl SqliteExecutor<'c>, q: Query) -> Result<u64, sqlx::Error> {
    let done = sqlx::query_with(&q.sql, arguments(&q.args)?)
        .execute(on)
        .await?;
    Ok(done.rows_affected())
}

async fn fetch_all<'c, R: Row>(
    on: impl SqliteExecutor<'c>,
    q: Query,
) -> Result<Vec<R>, sqlx::Error> {
    sqlx::query_as_with(&q.sql, arguments(&q.args)?)
        .fetch_all(on)
        .await
}

async fn fetch_optional<'c, R: Row>(
    on: impl SqliteExecutor<'c>,
    q: Query,
) -> Result<Option<R>, sqlx::Error> {
    sqlx::query_as_with(&q.sql, arguments(&q.args)?)
        .fetch_optional(on)
        .await
}

fn arguments(args: &[Arg]) -> Result<SqliteArguments<'_>, sqlx::Error> {
    let mut out = SqliteArguments::default();
    for arg in args {
        match arg {
            Arg::Uuid(v) => out.add(v),
            Arg::Text(v) => out.add(v.as_deref()),
            Arg::Int32(v) => out.add(v),
            Arg::Int64(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Time(v) => out.add(v),
            Arg::Date(v) => out.add(v),
            Arg::Bytes(v) => out.add(v.as_deref()),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
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
