//! Retention and erasure. A territory keeps a closed case `retention_days` after its closing
//! (default 3650: 10 years); then `purge` erases it. An administrator may erase a closed or
//! cancelled case at any time (a patient's objection, a case sent by mistake); never one in
//! progress (queued, claimed, waiting on the GP, answered but not closed), whose care is still
//! going on: close or cancel it first.
//!
//! Erasing is crypto-shredding: the case's wrapped data key is deleted, so nothing sealed under
//! it opens again, backups included; its blobs are deleted; its sealed text is blanked; one
//! audit line records it. What reports count stays: times, territory, priority, the status
//! history, SLA facts, answer and outcome dates and kinds.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::{
    audit,
    auth::policy::{can_act_as, can_read_retention, Access},
    db::{CaseRecord, Effects, Repo, RepoError},
    domain::{CaseStatus, Clock, Role, TerritoryCode, User},
    store::{BlobKey, BlobStore},
};

/// The statuses an administrator may erase from, and the one purge erases.
pub const ERASABLE: [CaseStatus; 2] = [CaseStatus::Closed, CaseStatus::Cancelled];
const PURGEABLE: [CaseStatus; 1] = [CaseStatus::Closed];
/// Cases erased per query of a purge.
const BATCH: i64 = 100;
/// Longest retention period accepted, in days (100 years; the database checks it too).
pub const MAX_RETENTION_DAYS: u32 = 36_500;

#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("your role may not do this")]
    Forbidden,
    #[error("only a closed or cancelled case may be erased; this one is {0}: its care is still going on (close or cancel it first)")]
    InProgress(CaseStatus),
    #[error("this case was erased already")]
    AlreadyErased,
    #[error("the case changed meanwhile; try again")]
    Conflict,
    #[error("retention_days must be between 1 and {MAX_RETENTION_DAYS}")]
    InvalidPeriod,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<RepoError> for EraseError {
    fn from(e: RepoError) -> Self {
        EraseError::Internal(e.into())
    }
}

/// What a purge erased.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PurgeReport {
    pub erased: Vec<Uuid>,
    /// Blobs the store could not delete now (the orphan sweep removes them later).
    pub blobs_left: usize,
}

pub struct Eraser {
    repo: Arc<dyn Repo>,
    store: Arc<dyn BlobStore>,
    clock: Arc<dyn Clock>,
}

impl Eraser {
    pub fn new(repo: Arc<dyn Repo>, store: Arc<dyn BlobStore>, clock: Arc<dyn Clock>) -> Eraser {
        Eraser { repo, store, clock }
    }

    fn require_admin(user: &User) -> Result<(), EraseError> {
        match can_act_as(user, Role::Admin) {
            Access::Allowed => Ok(()),
            _ => Err(EraseError::Forbidden),
        }
    }

    /// An administrator erases a closed or cancelled case.
    pub async fn erase_by_admin(&self, user: &User, case_id: Uuid) -> Result<(), EraseError> {
        Self::require_admin(user)?;
        let record = self
            .repo
            .case(case_id)
            .await?
            .ok_or(EraseError::NotFound("case"))?;
        if record.erased_at.is_some() {
            return Err(EraseError::AlreadyErased);
        }
        if !ERASABLE.contains(&record.status) {
            return Err(EraseError::InProgress(record.status));
        }
        let left = self
            .erase(&record, Some(user.id.as_uuid()), &ERASABLE, "administrator")
            .await?
            .ok_or(EraseError::Conflict)?;
        if left > 0 {
            tracing::warn!(%case_id, left, "blobs of an erased case left for the orphan sweep");
        }
        Ok(())
    }

    /// Erase every closed case past its territory's retention period, or (with `closed_before`)
    /// every closed case closed before then, whatever its territory's period.
    pub async fn purge(
        &self,
        closed_before: Option<DateTime<Utc>>,
    ) -> Result<PurgeReport, EraseError> {
        let now = self.clock.now();
        let mut report = PurgeReport::default();
        for (territory, days) in self.repo.retention_periods().await? {
            let before = closed_before.unwrap_or(now - Duration::days(i64::from(days)));
            loop {
                let ids = self.repo.closed_before(&territory, before, BATCH).await?;
                let mut erased_now = 0;
                for id in &ids {
                    let Some(record) = self.repo.case(*id).await? else {
                        continue;
                    };
                    if let Some(left) = self.erase(&record, None, &PURGEABLE, "retention").await? {
                        report.erased.push(*id);
                        report.blobs_left += left;
                        erased_now += 1;
                    }
                }
                if ids.len() < BATCH as usize || erased_now == 0 {
                    break;
                }
            }
        }
        Ok(report)
    }

    /// The crypto-shredding itself; `None` when the case no longer qualifies. Returns how many
    /// blobs are left for the orphan sweep.
    async fn erase(
        &self,
        record: &CaseRecord,
        actor: Option<Uuid>,
        statuses: &[CaseStatus],
        reason: &str,
    ) -> Result<Option<usize>, EraseError> {
        let at = self.clock.now();
        let entry = audit::entry(
            at,
            actor,
            "case.erased",
            "case",
            Some(record.id.to_string()),
        )
        .on_case(record.id, &record.territory_code)
        .detail(serde_json::json!({ "reason": reason }));
        let Some(keys) = self
            .repo
            .erase_case(record.id, statuses, at, &Effects::audit(entry))
            .await?
        else {
            return Ok(None);
        };
        // The data key is gone: the blobs no longer open. Deleting them frees the space; any
        // left now are orphans (no photo row) that the sweep deletes.
        let mut left = 0;
        for key in keys {
            let deleted = match BlobKey::parse(&key) {
                Some(key) => self.store.delete(&key).await.map_err(anyhow::Error::from),
                None => Err(anyhow::anyhow!("corrupt blob key")),
            };
            if let Err(error) = deleted {
                tracing::warn!(case_id = %record.id, %error, "blob of an erased case not deleted");
                left += 1;
            }
        }
        Ok(Some(left))
    }

    /// A territory's retention period in days.
    pub async fn retention_days(&self, user: &User, code: &str) -> Result<u32, EraseError> {
        let code = TerritoryCode::parse(code).map_err(|_| EraseError::NotFound("territory"))?;
        can_read_retention(user, &code).or(EraseError::Forbidden)?;
        self.repo
            .retention_periods()
            .await?
            .into_iter()
            .find(|(c, _)| c == code.as_str())
            .map(|(_, days)| days.unsigned_abs())
            .ok_or(EraseError::NotFound("territory"))
    }

    /// An administrator sets a territory's retention period; audited.
    pub async fn set_retention_days(
        &self,
        user: &User,
        code: &str,
        days: u32,
    ) -> Result<u32, EraseError> {
        Self::require_admin(user)?;
        if !(1..=MAX_RETENTION_DAYS).contains(&days) {
            return Err(EraseError::InvalidPeriod);
        }
        let code = TerritoryCode::parse(code).map_err(|_| EraseError::NotFound("territory"))?;
        let days_i32 = i32::try_from(days).map_err(anyhow::Error::from)?;
        let entry = audit::entry(
            self.clock.now(),
            Some(user.id.as_uuid()),
            "territory.retention_set",
            "territory",
            Some(code.to_string()),
        )
        .in_territory(code.as_str()) // its coordinators read the line
        .detail(serde_json::json!({ "retention_days": days }));
        if !self
            .repo
            .set_retention_days(code.as_str(), days_i32, &Effects::audit(entry))
            .await?
        {
            return Err(EraseError::NotFound("territory"));
        }
        Ok(days)
    }
}
