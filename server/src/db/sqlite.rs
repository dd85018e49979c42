//! The embedded backend: one SQLite file in WAL mode, written through one connection and read
//! through several.
//!
//! SQLite lets one transaction write at a time. Writers that each hold a connection of their own
//! collide on the file lock and retry until the busy timeout (a convoy: p99 above a second under
//! load); here every write waits its turn for the one writer connection instead, in order, and
//! commits with the others that queued meanwhile (`writer`: group commit). Reads do not wait for
//! writes: WAL gives each reader a snapshot of the last commit.

mod writer;

use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use sqlx::{
    sqlite::{
        SqliteArguments, SqliteConnectOptions, SqliteExecutor, SqliteJournalMode, SqlitePool,
        SqlitePoolOptions, SqliteSynchronous,
    },
    Arguments,
};

use super::sql::{Arg, Backend, Query, Row, Tx};
use writer::{WriteTx, Writer};

pub struct Sqlite {
    /// Every write, in turn.
    writer: Writer,
    /// `SELECT`s, concurrently; `query_only`, so that a write sent here fails loudly.
    readers: SqlitePool,
}

impl Sqlite {
    /// `max_connections` readers and one writer.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Sqlite> {
        let options = SqliteConnectOptions::from_str(url)?;
        if is_in_memory(options.get_filename()) {
            // Each connection would have a database of its own.
            anyhow::bail!("database.url: an in-memory SQLite database cannot be shared by the writer and the readers; name a file");
        }
        create_private_file(options.get_filename())?;
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged write survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Deleted rows are overwritten with zeros: an erased case's data key must not stay
            // readable in the file's free pages.
            .pragma("secure_delete", "ON")
            // Only other processes (an operator's command) make the writer wait now.
            .busy_timeout(Duration::from_secs(10));
        let writer = Writer::connect(&options).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(max_connections)
            // A connection to a local file does not go stale; a ping per query would double the
            // round trips to its thread.
            .test_before_acquire(false)
            .connect_with(options.pragma("query_only", "ON"))
            .await?;
        Ok(Sqlite { writer, readers })
    }
}

/// Whether a statement outside a transaction may run on a reader: a `SELECT`, or a `WITH` that
/// changes nothing (a report); anything else (an `UPDATE ... RETURNING` too) is a transaction of
/// its own on the writer. Readers are `query_only`: a write sent to one fails, it never lands.
fn reads_only(q: &Query) -> bool {
    let sql = q.sql.trim_start();
    let starts = |word: &str| {
        sql.get(..word.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(word))
    };
    if starts("select") {
        return true;
    }
    starts("with")
        && !sql.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
            ["insert", "update", "delete", "replace"]
                .iter()
                .any(|dml| w.eq_ignore_ascii_case(dml))
        })
}

fn is_in_memory(path: &std::path::Path) -> bool {
    path.as_os_str().is_empty() || path.to_string_lossy().starts_with(':')
}

/// A write outside a transaction: committed on success, rolled back on failure.
async fn alone<T>(tx: SqliteTx, done: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
    match done {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

pub struct SqliteTx(WriteTx);

#[async_trait]
impl Backend for Sqlite {
    type Tx = SqliteTx;
    const NAME: &'static str = "sqlite";
    const SKIP_LOCKED: &'static str = "";

    const LOCK_APPENDS: &'static [&'static str] = &[];

    /// The list travels as a JSON array (see `arguments`).
    fn in_list(column: &str, param: usize) -> String {
        format!("{column} IN (SELECT value FROM json_each(${param}))")
    }

    async fn execute(&self, q: Query) -> Result<u64, sqlx::Error> {
        if reads_only(&q) {
            return execute(&self.readers, q).await;
        }
        let mut tx = self.begin().await?;
        let done = tx.execute(q).await;
        alone(tx, done).await
    }
    async fn fetch_all<R: Row>(&self, q: Query) -> Result<Vec<R>, sqlx::Error> {
        if reads_only(&q) {
            return fetch_all(&self.readers, q).await;
        }
        let mut tx = self.begin().await?;
        let done = tx.fetch_all(q).await;
        alone(tx, done).await
    }
    async fn fetch_optional<R: Row>(&self, q: Query) -> Result<Option<R>, sqlx::Error> {
        if reads_only(&q) {
            return fetch_optional(&self.readers, q).await;
        }
        let mut tx = self.begin().await?;
        let done = tx.fetch_optional(q).await;
        alone(tx, done).await
    }
    async fn begin(&self) -> Result<SqliteTx, sqlx::Error> {
        Ok(SqliteTx(self.writer.begin().await?))
    }
    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
        self.writer.migrate(&MIGRATIONS).await
    }
}

#[async_trait]
impl Tx for SqliteTx {
    async fn execute(&mut self, q: Query) -> Result<u64, sqlx::Error> {
        let done = execute(self.0.conn(), q).await;
        self.0.check(done)
    }
    async fn fetch_all<R: Row>(&mut self, q: Query) -> Result<Vec<R>, sqlx::Error> {
        let done = fetch_all(self.0.conn(), q).await;
        self.0.check(done)
    }
    async fn fetch_optional<R: Row>(&mut self, q: Query) -> Result<Option<R>, sqlx::Error> {
        let done = fetch_optional(self.0.conn(), q).await;
        self.0.check(done)
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
            Arg::TextList(v) => out.add(
                v.as_ref()
                    .map(serde_json::to_string)
                    .transpose()
                    .map_err(|e| sqlx::Error::Encode(e.into()))?,
            ),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

/// Create the database file readable by its owner only; SQLite gives its -wal and -shm files the
/// same mode.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    if is_in_memory(path) || path.exists() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_and_reports_read_and_everything_else_writes() {
        let reads = |sql: &str| reads_only(&Query::new(sql.to_owned()));
        assert!(reads("  SELECT id FROM cases"));
        assert!(reads("WITH base AS (SELECT 1 AS k) SELECT k FROM base"));
        assert!(!reads("WITH t AS (SELECT 1) DELETE FROM cases"));
        assert!(!reads("with t as (select 1) insert into x select * from t"));
        assert!(!reads("UPDATE cases SET status = 'x' RETURNING id"));
        assert!(!reads("INSERT INTO cases DEFAULT VALUES"));
    }
}
