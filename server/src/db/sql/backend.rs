//! What a database engine supplies to the repository: a pool that runs a `Query`, transactions,
//! its migrations, and the few places where the dialects differ.

use async_trait::async_trait;
use sqlx::{postgres::PgRow, sqlite::SqliteRow, FromRow};

use super::Query;

/// A row type both backends can decode (`#[derive(sqlx::FromRow)]` or a tuple gives it).
pub trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static
{
}

impl<T> Row for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static
{
}

#[async_trait]
pub trait Backend: Send + Sync + 'static {
    type Tx: Tx;

    /// `sqlite` or `postgres`.
    const NAME: &'static str;
    /// Appended to the `SELECT` that picks rows to take (claim-next, the outbox): on PostgreSQL
    /// `FOR UPDATE SKIP LOCKED`, so concurrent takers skip each other's rows; nothing on SQLite,
    /// where a single writer runs the whole `UPDATE ... WHERE id IN (SELECT ...)` atomically.
    const SKIP_LOCKED: &'static str;
    /// Run by the audit sealer before it declares a number without a line lost for good: on
    /// PostgreSQL, a lock that conflicts with every append still in flight (sequence numbers
    /// are handed out before their transaction commits or rolls back), waited for briefly, then
    /// given up until the next pass; nothing on SQLite, whose write transaction already excludes
    /// every other writer.
    const LOCK_APPENDS: &'static [&'static str];

    /// `column` is one of the texts bound as list parameter `$param` (`Arg::TextList`). One
    /// statement text whatever the list's length, so one prepared statement per connection
    /// rather than one per length, and a single parameter instead of up to one per territory.
    fn in_list(column: &str, param: usize) -> String;

    /// Rows affected.
    async fn execute(&self, q: Query) -> Result<u64, sqlx::Error>;
    async fn fetch_all<R: Row>(&self, q: Query) -> Result<Vec<R>, sqlx::Error>;
    async fn fetch_optional<R: Row>(&self, q: Query) -> Result<Option<R>, sqlx::Error>;
    async fn fetch_one<R: Row>(&self, q: Query) -> Result<R, sqlx::Error> {
        self.fetch_optional(q)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }
    /// A transaction that writes (on SQLite, on the one writer connection).
    async fn begin(&self) -> Result<Self::Tx, sqlx::Error>;
    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError>;
}

/// An open transaction: the same calls as `Backend`, then `commit`. Dropping it rolls back.
#[async_trait]
pub trait Tx: Send + Sized {
    async fn execute(&mut self, q: Query) -> Result<u64, sqlx::Error>;
    async fn fetch_all<R: Row>(&mut self, q: Query) -> Result<Vec<R>, sqlx::Error>;
    async fn fetch_optional<R: Row>(&mut self, q: Query) -> Result<Option<R>, sqlx::Error>;
    async fn commit(self) -> Result<(), sqlx::Error>;
    async fn rollback(self) -> Result<(), sqlx::Error>;
}
