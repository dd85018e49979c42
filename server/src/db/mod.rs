//! Persistence: one `Repo` trait, split by concern, and one SQL implementation over two backends.
//!
//! Where things are:
//! - the traits and the records they exchange, one file per concern: `users`, `territories`,
//!   `shifts`, `cases` (cases, photos, data keys), `queue` (on call, queue, claims, history),
//!   `actions` (answer, request info, reply, cancel, close, outcomes), `sla` (policies, ladder,
//!   report rows), `audit` (reading the trail), `outbox` (messages to send: e-mails and webhooks), `webhooks` (URLs and
//!   secrets), `sessions` (browser sessions), `phrases` (dermatologists' saved phrases), `erasure` (retention periods,
//!   crypto-shredding a case), `effects` (the audit lines and notifications a
//!   change writes with itself).
//!   Records hold domain types (`CaseStatus`, `Priority`, ...), parsed at the row boundary.
//! - `sql/`: `SqlRepo<B>`, the SQL of every trait method, written once for both dialects (both
//!   read `$1` placeholders), in the file named like the trait's; besides them:
//!   `sql/transitions.rs`, the one conditional update that changes a case's status, generated
//!   from `domain::lifecycle`, and the case history line; `sql/effects.rs`, the outbox rows and
//!   the audit chain a change appends; `sql/enums.rs`, how domain enums are stored;
//!   `sql/query.rs`, the `Query` value (SQL and typed parameters) every method builds;
//!   `sql/backend.rs`, the `Backend` trait that runs it.
//! - `sqlite.rs`, `postgres.rs`: the two backends (connection set-up, migrations, binding, the
//!   row-locking clause). `connect` picks one by the URL's scheme.

mod actions;
mod audit;
mod cases;
mod effects;
mod erasure;
mod outbox;
mod phrases;
mod postgres;
mod queue;
mod sessions;
mod shifts;
mod sla;
mod sql;
mod sqlite;
mod territories;
mod users;
mod webhooks;

use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

pub use crate::domain::audit::AuditEntry;
pub use actions::{ActionRepo, AnswerRecord, InfoRequestRecord, OutcomeRecord, ReplyRoute};
pub use audit::{AuditFilter, AuditGap, AuditLink, AuditRecord, AuditRepo};
pub use cases::{CaseRecord, CaseRepo, DataKeyRecord, GpCaseRecord, PhotoRecord};
pub use effects::{Effects, Notification};
pub use erasure::ErasureRepo;
pub use outbox::{NotificationRecord, OutboxRepo, PendingNotification};
pub use phrases::{PhraseRecord, PhraseRepo};
pub use queue::{ClaimOutcome, EligibleTerritories, EventRecord, QueueRepo, QueuedRecord};
pub use sessions::{SessionRecord, SessionRepo};
pub use shifts::ShiftRepo;
pub use sla::{
    OpenCaseRow, ReportRow, SlaCandidate, SlaPolicyRecord, SlaRepo, SlaStep, SlaSummaryRow,
    SlaTimes, SummaryKey, TerritoryFigures,
};
pub use territories::TerritoryRepo;
pub use users::UserRepo;
pub use webhooks::{WebhookRepo, WebhookSecretRecord};

use sql::SqlRepo;

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
    + SessionRepo
    + PhraseRepo
    + ErasureRepo
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
        let db = sqlite::Sqlite::connect(raw, max_connections).await?;
        Ok(Arc::new(SqlRepo::new(db)))
    } else if raw.starts_with("postgres:") || raw.starts_with("postgresql:") {
        let db = postgres::Postgres::connect(raw, max_connections).await?;
        Ok(Arc::new(SqlRepo::new(db)))
    } else {
        // The URL may carry a password: do not echo it.
        anyhow::bail!("database.url must start with sqlite: or postgres:")
    }
}
