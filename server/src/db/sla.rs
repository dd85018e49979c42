//! Response-time policies, the escalation ladder's steps, who to notify, and the rows the
//! coordinators' reports are computed from.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{sql::Name, Effects, RepoError};
use crate::domain::{calendar::SlaClock, CaseStatus, Priority, Recipient};

/// A territory's day in figures (the coordinators' digest): counts of cases, never a case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct TerritoryFigures {
    pub code: String,
    pub name: String,
    /// Submitted during the day.
    pub received: i64,
    /// First responses (answer or request for information) given during the day.
    pub responded: i64,
    /// Response times that ran out during the day.
    pub breached: i64,
    /// Waiting for a dermatologist now (queued or claimed), and of those past 80 % of their
    /// target.
    pub open: i64,
    pub at_risk: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlaPolicyRecord {
    pub territory_code: String,
    #[sqlx(try_from = "Name")]
    pub priority: Priority,
    pub target_minutes: i64,
    #[sqlx(try_from = "Name")]
    pub clock: SlaClock,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<Uuid>,
}

/// When each step of the ladder falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaTimes {
    pub remind_at: DateTime<Utc>,
    pub warn_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// A case with at least one step of the ladder due.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlaCandidate {
    pub id: Uuid,
    pub gp_id: Uuid,
    pub territory_code: String,
    #[sqlx(try_from = "Name")]
    pub status: CaseStatus,
    pub remind_at: DateTime<Utc>,
    pub warn_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub reminded: bool,
    pub offered: bool,
    pub breached: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStep {
    /// 50 %: still unclaimed, remind the territory's on-call dermatologists.
    Remind,
    /// 80 %: offer to the fallback territories, warn the coordinators.
    Offer,
    /// 100 %: the target is missed.
    Breach,
}

impl SlaStep {
    pub fn as_str(&self) -> &'static str {
        match self {
            SlaStep::Remind => "remind",
            SlaStep::Offer => "offer",
            SlaStep::Breach => "breach",
        }
    }

    /// The case event it records.
    pub fn event(&self) -> &'static str {
        match self {
            SlaStep::Remind => "sla_reminder",
            SlaStep::Offer => "sla_escalated",
            SlaStep::Breach => "sla_breached",
        }
    }
}

/// What to group the SLA summary by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryKey {
    Territory,
    /// The first responder's id (`unassigned` before any response).
    Dermatologist,
    Priority,
}

/// The SLA report's figures of one group, counted by the database (a report may cover a million
/// cases: they never travel to the server one by one).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SlaSummaryRow {
    pub key: String,
    pub cases: i64,
    pub answered: i64,
    /// First responses, and their delay from submission in whole seconds: nearest-rank median,
    /// 90th and 95th percentiles, and the longest.
    pub responses: i64,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    pub p95_secs: Option<i64>,
    pub max_secs: Option<i64>,
    /// Recorded by the ladder, answered after the due time, or open (clock running) past it.
    pub breaches: i64,
    /// Queued, claimed or waiting on the GP.
    pub open: i64,
    /// Queued or claimed, past 80 % of the target.
    pub at_risk: i64,
    pub info_requested: i64,
    pub new_photos_requested: i64,
}

/// One case as the reports see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub id: Uuid,
    pub territory_code: String,
    #[sqlx(try_from = "Name")]
    pub priority: Priority,
    #[sqlx(try_from = "Name")]
    pub status: CaseStatus,
    pub submitted_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub first_responder: Option<Uuid>,
    pub warn_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub breached: bool,
    pub info_requested: bool,
    pub new_photos_requested: bool,
    pub in_person_date: Option<NaiveDate>,
    pub biopsy_date: Option<NaiveDate>,
    pub histology_date: Option<NaiveDate>,
}

/// A case not yet answered nor cancelled, as the coordinators' dashboard sees it now: no
/// clinical field.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenCaseRow {
    pub id: Uuid,
    pub territory_code: String,
    #[sqlx(try_from = "Name")]
    pub priority: Priority,
    #[sqlx(try_from = "Name")]
    pub status: CaseStatus,
    pub submitted_at: DateTime<Utc>,
    pub remind_at: Option<DateTime<Utc>>,
    pub warn_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait SlaRepo {
    /// The policies set for a territory (absent priorities use the defaults).
    async fn sla_policies(&self, territory: &str) -> Result<Vec<SlaPolicyRecord>, RepoError>;
    async fn save_sla_policy(&self, p: &SlaPolicyRecord, fx: &Effects) -> Result<(), RepoError>;
    /// Open cases (queued or claimed) with a step due at `now` not yet taken, earliest due first.
    async fn sla_candidates(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<SlaCandidate>, RepoError>;
    /// Take one step, once: `false` when it was already taken (by any instance) or the case no
    /// longer qualifies (answered, waiting on the GP, or claimed for a reminder).
    async fn take_sla_step(
        &self,
        case_id: Uuid,
        step: SlaStep,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
    /// Enabled dermatologists on call at `at` for any of the territories, with their channels.
    async fn oncall_recipients(
        &self,
        territories: &[String],
        at: DateTime<Utc>,
    ) -> Result<Vec<Recipient>, RepoError>;
    /// Each territory's figures over `[from, to)`, and what is open at `now`.
    async fn territory_figures(
        &self,
        territories: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<TerritoryFigures>, RepoError>;
    /// Enabled coordinators of the territory, with their channels.
    async fn coordinator_recipients(&self, territory: &str) -> Result<Vec<Recipient>, RepoError>;
    /// Cases submitted in `[from, to)`, of the territories (`None`: all).
    async fn report_rows(
        &self,
        territories: Option<&[String]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReportRow>, RepoError>;
    /// The SLA report's figures of the cases submitted in `[from, to)` of the territories (`None`:
    /// all), grouped by `key`, as they stand at `now`; one more row, keyed `""`, totals them.
    async fn sla_summary(
        &self,
        territories: Option<&[String]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
        key: SummaryKey,
    ) -> Result<Vec<SlaSummaryRow>, RepoError>;
    /// Cases open now (queued, claimed or waiting on the GP), whenever submitted, of the
    /// territories (`None`: all), oldest first.
    async fn open_cases(
        &self,
        territories: Option<&[String]>,
    ) -> Result<Vec<OpenCaseRow>, RepoError>;
}
