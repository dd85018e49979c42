//! The door of every case action: load the case and ask the policy whether the caller may do this
//! to it, before anything else happens (the request body is read only after this).

use uuid::Uuid;

use super::{CaseError, CaseService};
use crate::{
    auth::policy::{can_act_on, needs_rota, Access, CaseAction, CaseFacts},
    db::CaseRecord,
    domain::{Role, User},
};

/// A case the caller was allowed to act on, as it was when the policy looked at it. Only
/// `authorize` makes one, so an action that takes it cannot skip the check.
#[derive(Debug)]
pub struct Authorized {
    record: CaseRecord,
}

impl Authorized {
    pub fn record(&self) -> &CaseRecord {
        &self.record
    }

    pub fn id(&self) -> Uuid {
        self.record.id
    }

    pub fn into_record(self) -> CaseRecord {
        self.record
    }
}

impl CaseService {
    /// `Forbidden` (wrong role, before the case is looked up; or a case the caller knows but may
    /// not touch this way), `NotFound` (no such case, or none of the caller's business), or the
    /// case. Front doors ask it before reading a request's body.
    pub async fn authorize(
        &self,
        user: &User,
        case_id: Uuid,
        action: CaseAction,
    ) -> Result<Authorized, CaseError> {
        if !action.open_to(user.role) {
            return Err(CaseError::Forbidden);
        }
        let record = self.load(case_id).await?;
        let facts = self.facts(user, &record, action).await?;
        match can_act_on(user, &facts, action) {
            // Those who could see it learn that it was erased; nothing else of it remains.
            Access::Allowed if record.erased_at.is_some() => Err(CaseError::Erased),
            Access::Allowed => Ok(Authorized { record }),
            Access::Forbidden => Err(CaseError::Forbidden),
            Access::Hidden => Err(CaseError::NotFound("case")),
        }
    }

    /// What the policy needs to know of the case and the caller.
    async fn facts(
        &self,
        user: &User,
        c: &CaseRecord,
        action: CaseAction,
    ) -> Result<CaseFacts, CaseError> {
        // Only a dermatologist's access depends on who answered and on the rota.
        let derm = user.role == Role::Dermatologist;
        let answered_by = if derm {
            self.repo.answer_of(c.id).await?.map(|a| a.dermatologist_id)
        } else {
            None
        };
        let mut facts = CaseFacts {
            gp: c.gp_id,
            status: c.status,
            claimed_by: c.claimed_by,
            info_requested_by: c.info_requested_by,
            answered_by,
            in_callers_queue: false,
        };
        if needs_rota(user, &facts, action) {
            facts.in_callers_queue = self
                .repo
                .eligibility(user.id.as_uuid(), self.now())
                .await?
                .may_take(c);
        }
        Ok(facts)
    }
}
