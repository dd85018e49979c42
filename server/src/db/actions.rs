//! Answers, requests for information, replies, cancel and close: each one conditional update of
//! the case (status and actor checked in the same statement), its record and its event, in one
//! transaction. `false` means the condition did not hold and nothing changed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{sql::Name, Effects, RepoError, SlaTimes};
use crate::domain::{CaseStatus, Management};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnswerRecord {
    pub case_id: Uuid,
    pub dermatologist_id: Uuid,
    pub answered_at: DateTime<Utc>,
    #[sqlx(try_from = "Name")]
    pub management: Management,
    pub delay_days: Option<i32>,
    /// Sealed JSON: diagnosis, icd10, report.
    pub sealed: Vec<u8>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InfoRequestRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub dermatologist_id: Uuid,
    pub asked_at: DateTime<Utc>,
    pub wants_new_photos: bool,
    pub sealed: Vec<u8>,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply_sealed: Option<Vec<u8>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutcomeRecord {
    pub case_id: Uuid,
    pub in_person_date: Option<chrono::NaiveDate>,
    pub biopsy_date: Option<chrono::NaiveDate>,
    pub histology_date: Option<chrono::NaiveDate>,
    pub histology_sealed: Option<Vec<u8>>,
    pub treatment_date: Option<chrono::NaiveDate>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
}

/// Where a case goes after the GP's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyRoute {
    /// Back to the dermatologist who asked (still on call), with a fresh lease.
    BackTo {
        dermatologist: Uuid,
        lease_until: DateTime<Utc>,
    },
    Queue,
}

#[async_trait]
pub trait ActionRepo {
    /// Claimed by `answer.dermatologist_id` -> answered.
    async fn answer(&self, answer: &AnswerRecord, fx: &Effects) -> Result<bool, RepoError>;
    /// Claimed by `request.dermatologist_id` -> info_requested; the SLA clock stops.
    async fn request_info(
        &self,
        request: &InfoRequestRecord,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
    /// The GP's reply, with any new photos: info_requested -> claimed (by the asker) or queued.
    /// The SLA clock restarts with the steps moved to `sla` (`None`: the case has no SLA).
    #[allow(clippy::too_many_arguments)]
    async fn reply(
        &self,
        case_id: Uuid,
        gp: Uuid,
        at: DateTime<Utc>,
        sealed_reply: &[u8],
        photos: &[super::PhotoRecord],
        route: ReplyRoute,
        sla: Option<SlaTimes>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
    /// Queued -> cancelled, by the case's GP.
    async fn cancel(
        &self,
        case_id: Uuid,
        gp: Uuid,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
    /// Answered -> closed, by the case's GP, with an optional usefulness rating.
    async fn close(
        &self,
        case_id: Uuid,
        gp: Uuid,
        at: DateTime<Utc>,
        rating: Option<i32>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
    /// Record the case's outcome, with an event, in one transaction: the fields given (`Some`)
    /// are written, the others keep their recorded value, merged in the database so that
    /// concurrent writers of different fields both keep theirs.
    async fn merge_outcome(
        &self,
        outcome: &OutcomeRecord,
        status: CaseStatus,
        fx: &Effects,
    ) -> Result<(), RepoError>;
    async fn outcome_of(&self, case_id: Uuid) -> Result<Option<OutcomeRecord>, RepoError>;
    async fn answer_of(&self, case_id: Uuid) -> Result<Option<AnswerRecord>, RepoError>;
    async fn info_requests_of(&self, case_id: Uuid) -> Result<Vec<InfoRequestRecord>, RepoError>;
}
