//! The backend at scale: PostgreSQL shared by several stateless server instances.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{
    common::impl_common_repos, common_actions::impl_action_repo, common_cases::impl_case_repo,
    common_effects::impl_effects, common_queue::impl_queue_repo, common_shifts::impl_shift_repo,
    common_sla::impl_sla_repo, common_webhooks::impl_webhook_repo, Repo, RepoError,
};

pub struct PgRepo {
    pool: PgPool,
}

impl PgRepo {
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgRepo> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(PgRepo { pool })
    }
}

impl_common_repos!(PgRepo);
impl_webhook_repo!(PgRepo);
impl_case_repo!(PgRepo);
impl_action_repo!(PgRepo);
impl_sla_repo!(PgRepo);
impl_shift_repo!(PgRepo);
impl_effects!(PgRepo, "FOR UPDATE SKIP LOCKED");

impl super::Backend for PgRepo {
    type Db = sqlx::Postgres;
}
impl_queue_repo!(PgRepo, "FOR UPDATE SKIP LOCKED");

#[async_trait]
impl Repo for PgRepo {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> Result<(), RepoError> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| RepoError::Other(e.into()))
    }

    async fn ping(&self) -> Result<(), RepoError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
