//! The backend at scale: PostgreSQL shared by several stateless server instances.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::{
    postgres::{PgArguments, PgExecutor, PgPool, PgPoolOptions},
    Arguments, Transaction,
};

use super::sql::{Arg, Backend, Query, Row, Tx};

pub struct Postgres {
    pool: PgPool,
}

impl Postgres {
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Postgres> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // No round trip to test a connection before each query (it would double them): a
            // connection the server dropped fails its next query, and the pool discards it.
            .test_before_acquire(false)
            .connect(url)
            .await?;
        Ok(Postgres { pool })
    }
}

pub struct PgTx(Transaction<'static, sqlx::Postgres>);

#[async_trait]
impl Backend for Postgres {
    type Tx = PgTx;
    const NAME: &'static str = "postgres";
    const SKIP_LOCKED: &'static str = "FOR UPDATE SKIP LOCKED";
    // SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE lock an INSERT holds until its
    // transaction ends (taken before its sequence number), and with itself.
    // Waits up to 100 ms for the appends in flight (new ones queue behind it meanwhile): under a
    // steady load there is never a moment with none, so NOWAIT would leave a gap unsealed.
    const LOCK_APPENDS: &'static [&'static str] = &[
        "SET LOCAL lock_timeout = '100ms'",
        "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE",
    ];

    fn in_list(column: &str, param: usize) -> String {
        format!("{column} = ANY(${param})")
    }

    async fn execute(&self, q: Query) -> Result<u64, sqlx::Error> {
        execute(&self.pool, q).await
    }
    async fn fetch_all<R: Row>(&self, q: Query) -> Result<Vec<R>, sqlx::Error> {
        fetch_all(&self.pool, q).await
    }
    async fn fetch_optional<R: Row>(&self, q: Query) -> Result<Option<R>, sqlx::Error> {
        fetch_optional(&self.pool, q).await
    }
    async fn begin(&self) -> Result<PgTx, sqlx::Error> {
        Ok(PgTx(self.pool.begin().await?))
    }
    async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await
    }
}

#[async_trait]
impl Tx for PgTx {
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

async fn execute<'c>(on: impl PgExecutor<'c>, q: Query) -> Result<u64, sqlx::Error> {
    let done = sqlx::query_with(&q.sql, arguments(&q.args)?)
        .execute(on)
        .await?;
    Ok(done.rows_affected())
}

async fn fetch_all<'c, R: Row>(on: impl PgExecutor<'c>, q: Query) -> Result<Vec<R>, sqlx::Error> {
    sqlx::query_as_with(&q.sql, arguments(&q.args)?)
        .fetch_all(on)
        .await
}

async fn fetch_optional<'c, R: Row>(
    on: impl PgExecutor<'c>,
    q: Query,
) -> Result<Option<R>, sqlx::Error> {
    sqlx::query_as_with(&q.sql, arguments(&q.args)?)
        .fetch_optional(on)
        .await
}

/// Each value is bound with its PostgreSQL type, NULLs included.
fn arguments(args: &[Arg]) -> Result<PgArguments, sqlx::Error> {
    let mut out = PgArguments::default();
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
            Arg::TextList(v) => out.add(v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}
