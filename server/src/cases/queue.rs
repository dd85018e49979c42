//! The dermatologists' queue: which cases a dermatologist may take now, in order, and exclusive
//! claims with a lease.

use chrono::{DateTime, Utc};
use telederm_schemas as wire;
use telederm_schemas::EventKind;
use uuid::Uuid;

use super::{read::open_clinical, CaseError, CaseService};
use crate::{
    audit,
    auth::policy::{can_act_as, CaseAction},
    db::{CaseRecord, ClaimOutcome, Effects, EligibleTerritories, Notification, Repo, RepoError},
    domain::{lifecycle::Transition, Recipient, Role, Territory, User, ValidationErrors},
    notify::CaseEvent,
};

/// A queue listing's length unless asked otherwise: the cases to take next. The web page polls
/// it, so it stays short.
pub const QUEUE_DEFAULT: i64 = 50;
/// Longest queue listing.
const QUEUE_MAX: i64 = 200;

impl EligibleTerritories {
    /// Whether a dermatologist with these territories may take the queued case `c`.
    pub fn may_take(&self, c: &CaseRecord) -> bool {
        self.take.contains(&c.territory_code)
            || (c.offered_at.is_some() && self.offered_from.contains(&c.territory_code))
    }
}

/// Whom to tell that a case is waiting: the territory's on-call dermatologists, or when nobody is
/// on call there, those of its fallbacks.
pub async fn queue_watchers(
    repo: &dyn Repo,
    territory: &Territory,
    at: DateTime<Utc>,
) -> Result<Vec<Recipient>, RepoError> {
    let here = repo.covered(territory.code.as_str(), at).await?;
    let covering = if here {
        vec![territory.code.to_string()]
    } else {
        territory
            .fallbacks
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    repo.oncall_recipients(&covering, at).await
}

/// Only dermatologists work the queue.
fn require_dermatologist(user: &User) -> Result<(), CaseError> {
    can_act_as(user, Role::Dermatologist).or(CaseError::Forbidden)
}

impl CaseService {
    /// Effects of a case entering the queue: tell whoever may take it.
    pub(super) async fn queued_notices(
        &self,
        territory: &Territory,
        case_id: Uuid,
        due_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Notification>, CaseError> {
        let watchers = queue_watchers(self.repo.as_ref(), territory, at).await?;
        Ok(self.settings.notifier.about_case(
            &watchers,
            &CaseEvent {
                kind: EventKind::CaseQueued,
                case_id,
                territory,
                due_at,
                at,
            },
        ))
    }

    /// The cases `derm` may take now, in the order it should take them (triage fields only).
    pub async fn queue(
        &self,
        derm: &User,
        query: &wire::QueueQuery,
    ) -> Result<Vec<wire::QueueItem>, CaseError> {
        require_dermatologist(derm)?;
        let limit = query.limit.unwrap_or(QUEUE_DEFAULT);
        if !(1..=QUEUE_MAX).contains(&limit) {
            let mut e = ValidationErrors::default();
            e.add("limit", format!("1 to {QUEUE_MAX}"));
            return Err(CaseError::Validation(e));
        }
        let at = self.now();
        let eligible = self.repo.eligibility(derm.id.as_uuid(), at).await?;
        let records = self
            .repo
            .queued_cases(&eligible.take, &eligible.offered_from, limit)
            .await?;
        let mut items = Vec::with_capacity(records.len());
        for r in records {
            // A case that cannot be opened stays out of the queue (and in the log) rather than
            // hiding every other case.
            let text = self
                .keys
                .unwrap(&r.key, r.id)
                .map_err(CaseError::from)
                .and_then(|key| open_clinical(&key, r.id, &r.clinical));
            let Ok(text) = text else {
                tracing::warn!(case_id = %r.id, "queued case unreadable: left out of the queue");
                continue;
            };
            items.push(wire::QueueItem {
                id: r.id,
                priority: r.priority,
                territory: r.territory_code.clone(),
                age: u16::try_from(r.age).map_err(anyhow::Error::from)?,
                sex: r.sex,
                body_site: text.body_site,
                photo_kinds: r.photo_kinds,
                submitted_at: r.submitted_at,
                waiting_secs: (at - r.submitted_at).num_seconds().max(0),
                due_at: r.due_at,
                remind_at: r.remind_at,
                warn_at: r.warn_at,
                offered_by_escalation: !eligible.take.contains(&r.territory_code),
            });
        }
        Ok(items)
    }

    /// Claim one case: exactly one of any number of concurrent claims wins.
    pub async fn claim(&self, derm: &User, case_id: Uuid) -> Result<wire::Case, CaseError> {
        let case = self.authorize(derm, case_id, CaseAction::Claim).await?;
        let record = case.record();
        let at = self.now();
        let fx = Effects::audit(
            audit::entry(
                at,
                Some(derm.id.as_uuid()),
                "case.claimed",
                "case",
                Some(case_id.to_string()),
            )
            .on_case(case_id, &record.territory_code),
        );
        let lease_until = at + self.settings.lease;
        match self
            .repo
            .claim(case_id, derm.id.as_uuid(), at, lease_until, &fx)
            .await?
        {
            ClaimOutcome::Claimed => self.full_case(derm, case_id).await,
            ClaimOutcome::NotQueued => Err(CaseError::Conflict(
                "this case is no longer in the queue (another dermatologist may have claimed it)",
            )),
            ClaimOutcome::NotFound => Err(CaseError::NotFound("case")),
        }
    }

    /// Claim the first case of the caller's queue; `None` when it is empty.
    pub async fn claim_next(&self, derm: &User) -> Result<Option<wire::Case>, CaseError> {
        require_dermatologist(derm)?;
        let at = self.now();
        let eligible = self.repo.eligibility(derm.id.as_uuid(), at).await?;
        // The case is filled in by the repo once it is known.
        let fx = Effects::audit(audit::entry(
            at,
            Some(derm.id.as_uuid()),
            "case.claimed",
            "case",
            None,
        ));
        let claimed = self
            .repo
            .claim_next(
                &eligible.take,
                &eligible.offered_from,
                derm.id.as_uuid(),
                at,
                at + self.settings.lease,
                &fx,
            )
            .await?;
        match claimed {
            Some(case_id) => Ok(Some(self.full_case(derm, case_id).await?)),
            None => Ok(None),
        }
    }

    /// Give a claimed case back to the queue (only its claimer).
    pub async fn release(&self, derm: &User, case_id: Uuid) -> Result<(), CaseError> {
        let case = self.authorize(derm, case_id, CaseAction::Release).await?;
        let record = case.record();
        let at = self.now();
        let fx = Effects::audit(
            audit::entry(
                at,
                Some(derm.id.as_uuid()),
                "case.released",
                "case",
                Some(case_id.to_string()),
            )
            .on_case(case_id, &record.territory_code),
        );
        if !self
            .repo
            .release(case_id, derm.id.as_uuid(), at, &fx)
            .await?
        {
            return Err(
                match CaseError::refused(record.status, Transition::Release) {
                    CaseError::Conflict(_) => CaseError::NotNow("this case cannot be released now"),
                    refused => refused,
                },
            );
        }
        Ok(())
    }

    /// Return expired claims to the queue; run periodically by the lease worker.
    pub async fn expire_leases(&self) -> Result<usize, CaseError> {
        let expired = self.repo.expire_leases(self.now()).await?;
        if !expired.is_empty() {
            tracing::info!(
                count = expired.len(),
                "claims whose lease ended returned to the queue"
            );
        }
        Ok(expired.len())
    }
}
