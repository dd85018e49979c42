//! The dermatologists' queue: who is on call where, queued cases in order, exclusive claims.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    sql::{Name, NameList, OptName},
    DataKeyRecord, Effects, RepoError,
};
use crate::domain::{CaseStatus, PhotoKind, Priority, Sex};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRecord {
    pub seq: i64,
    pub case_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub kind: String,
    #[sqlx(try_from = "OptName")]
    pub from_status: Option<CaseStatus>,
    #[sqlx(try_from = "OptName")]
    pub to_status: Option<CaseStatus>,
}

/// A queued case as its queue shows it, read in one query: its triage fields, its sealed clinical
/// text and wrapped data key (for the body site), and its photos' kinds in order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedRecord {
    pub id: Uuid,
    pub territory_code: String,
    #[sqlx(try_from = "Name")]
    pub priority: Priority,
    pub age: i32,
    #[sqlx(try_from = "Name")]
    pub sex: Sex,
    pub clinical: Vec<u8>,
    pub submitted_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
    pub warn_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub key: DataKeyRecord,
    #[sqlx(try_from = "NameList")]
    pub photo_kinds: Vec<PhotoKind>,
}

/// The territories whose queued cases a dermatologist may take at an instant, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EligibleTerritories {
    /// Where it is on call, and the territories with nobody on call that fall back to those.
    pub take: Vec<String>,
    /// The territories that fall back to any of `take`, whoever is on call there: their cases
    /// once the ladder offered them to their fallbacks.
    pub offered_from: Vec<String>,
}

/// A claim attempt's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    Claimed,
    /// The case exists but is not queued (someone else was faster, or it moved on).
    NotQueued,
    NotFound,
}

#[async_trait]
pub trait QueueRepo {
    /// What a dermatologist may take from the queue at `at`, read in one query.
    async fn eligibility(
        &self,
        dermatologist: Uuid,
        at: DateTime<Utc>,
    ) -> Result<EligibleTerritories, RepoError>;
    /// Whether anyone is on call for the territory at `at`.
    async fn covered(&self, territory: &str, at: DateTime<Utc>) -> Result<bool, RepoError>;
    /// Queued cases of `territories`, and those of `offered_from` offered to their fallbacks:
    /// urgent first, then earliest due, then earliest submitted; each with its key and photo
    /// kinds, in one query.
    async fn queued_cases(
        &self,
        territories: &[String],
        offered_from: &[String],
        limit: i64,
    ) -> Result<Vec<QueuedRecord>, RepoError>;
    /// Claim one queued case, exclusively; records the event.
    async fn claim(
        &self,
        case_id: Uuid,
        dermatologist: Uuid,
        at: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<ClaimOutcome, RepoError>;
    /// Claim the first case of the queue of these territories; `None` when it is empty.
    /// `fx` gets the case filled in (`Effects::for_case`).
    async fn claim_next(
        &self,
        territories: &[String],
        offered_from: &[String],
        dermatologist: Uuid,
        at: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<Uuid>, RepoError>;
    /// Give a claimed case back to the queue; `false` unless it is claimed by this dermatologist.
    async fn release(
        &self,
        case_id: Uuid,
        dermatologist: Uuid,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
    /// Return every claim whose lease ended before `at` to the queue; the cases moved.
    async fn expire_leases(&self, at: DateTime<Utc>) -> Result<Vec<Uuid>, RepoError>;
    /// The case's history, oldest first.
    async fn events(&self, case_id: Uuid) -> Result<Vec<EventRecord>, RepoError>;
    /// Who holds the claim on a case, if anyone.
    async fn claimed_by(&self, case_id: Uuid) -> Result<Option<Uuid>, RepoError>;
}
