//! Persistence: one `Repo` trait, split by concern, with a SQLite and a PostgreSQL backend.
//!
//! Where both dialects accept the same SQL (sqlx-sqlite reads `$1` placeholders too), the
//! implementation is written once in `common` and expanded for each backend; what differs
//! (connection set-up, migrations, locking) lives in the backend's own module.

mod actions;
mod cases;
mod common;
mod common_actions;
mod common_cases;
mod common_effects;
mod common_queue;
mod common_shifts;
mod common_sla;
mod common_webhooks;
mod effects;
pub mod postgres;
mod queue;
mod rows;
mod sla;
pub mod sqlite;
mod webhooks;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

pub use actions::{ActionRepo, AnswerRecord, InfoRequestRecord, OutcomeRecord, ReplyRoute};
pub use cases::{CaseRecord, CaseRepo, DataKeyRecord, PhotoRecord};
pub use effects::{
    AuditEntry, AuditFilter, AuditRecord, AuditRepo, Effects, Notification, NotificationRecord,
    OutboxRepo, PendingNotification,
};
pub use queue::{ClaimOutcome, EventRecord, QueueRepo};
pub use sla::{ReportRow, SlaCandidate, SlaPolicyRecord, SlaRepo, SlaStep, SlaTimes};
pub use webhooks::{WebhookRepo, WebhookSecretRecord};

use crate::domain::{Email, Shift, ShiftId, Territory, TerritoryCode, User, UserId};

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A uniqueness rule was hit (e.g. an email already in use).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for RepoError {
    fn from(e: sqlx::Error) -> Self {
        RepoError::Other(e.into())
    }
}

/// Map a unique-constraint violation to `Conflict(what)`, anything else to `Other`.
pub(crate) fn conflict_on_unique(e: sqlx::Error, what: &str) -> RepoError {
    match e.as_database_error() {
        Some(d) if d.is_unique_violation() => RepoError::Conflict(what.to_owned()),
        _ => e.into(),
    }
}

#[async_trait]
pub trait UserRepo {
    /// Fails with `Conflict` when the email is taken. `webhook_secret`: the sealed secret of its
    /// webhook URL, stored with it.
    async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        webhook_secret: Option<&WebhookSecretRecord>,
        fx: &Effects,
    ) -> Result<(), RepoError>;
    async fn user(&self, id: UserId) -> Result<Option<User>, RepoError>;
    /// The user and its password hash, for login.
    async fn user_credentials(&self, email: &Email) -> Result<Option<(User, String)>, RepoError>;
    async fn list_users(&self) -> Result<Vec<User>, RepoError>;
    /// Returns the user as it now is, or `None` when it does not exist.
    async fn disable_user(
        &self,
        id: UserId,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<User>, RepoError>;
}

#[async_trait]
pub trait TerritoryRepo {
    /// Fails with `Conflict` when the code is taken.
    async fn create_territory(&self, territory: &Territory, fx: &Effects) -> Result<(), RepoError>;
    async fn territory(&self, code: &TerritoryCode) -> Result<Option<Territory>, RepoError>;
    async fn list_territories(&self) -> Result<Vec<Territory>, RepoError>;
    /// Replaces name, timezone, fallbacks, hours and holidays; `false` when it does not exist.
    async fn update_territory(
        &self,
        territory: &Territory,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
}

#[async_trait]
pub trait ShiftRepo {
    /// Fails with `Conflict` when the dermatologist already has a shift in that territory that
    /// overlaps this one.
    async fn create_shift(
        &self,
        shift: &Shift,
        created_by: UserId,
        fx: &Effects,
    ) -> Result<(), RepoError>;
    async fn shift(&self, id: ShiftId) -> Result<Option<Shift>, RepoError>;
    /// Shifts of the territory that overlap `[from, to)`, earliest first.
    async fn shifts_overlapping(
        &self,
        territory: &TerritoryCode,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Shift>, RepoError>;
    /// `false` when there was no such shift.
    async fn delete_shift(&self, id: ShiftId, fx: &Effects) -> Result<bool, RepoError>;
}

#[async_trait]
pub trait Repo:
    UserRepo
    + TerritoryRepo
    + ShiftRepo
    + CaseRepo
    + QueueRepo
    + ActionRepo
    + SlaRepo
    + AuditRepo
    + OutboxRepo
    + WebhookRepo
    + Send
    + Sync
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn migrate(&self) -> Result<(), RepoError>;
    /// A round trip to the database, for readiness.
    async fn ping(&self) -> Result<(), RepoError>;
}

/// Open the database named by the URL scheme (`sqlite:` or `postgres:`), without migrating.
pub async fn connect(url: &SecretString, max_connections: u32) -> anyhow::Result<Arc<dyn Repo>> {
    let raw = url.expose_secret();
    if raw.starts_with("sqlite:") {
        Ok(Arc::new(
            sqlite::SqliteRepo::connect(raw, max_connections).await?,
        ))
    } else if raw.starts_with("postgres:") || raw.starts_with("postgresql:") {
        Ok(Arc::new(
            postgres::PgRepo::connect(raw, max_connections).await?,
        ))
    } else {
        // The URL may carry a password: do not echo it.
        anyhow::bail!("database.url must start with sqlite: or postgres:")
    }
}

/// The sqlx database type of a backend (for helpers shared through the repo macros).
pub(crate) trait Backend {
    type Db: sqlx::Database;
}
