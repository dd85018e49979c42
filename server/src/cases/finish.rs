//! The end of a case: the GP cancels it while queued or closes it once answered; the GP or the
//! answering dermatologist records what happened after the answer.

use telederm_schemas as wire;

use super::{access::Authorized, answer::text, service::on_case, CaseError, CaseService};
use crate::{
    crypto::{seal, ObjectRef},
    db::{Effects, OutcomeRecord},
    domain::{lifecycle::Transition, CaseStatus, TerritoryCode, User, ValidationErrors},
};

/// AAD name of a sealed histology result.
pub const HISTOLOGY: &str = "histology";

impl CaseService {
    pub async fn cancel(&self, gp: &User, case: Authorized) -> Result<wire::Case, CaseError> {
        let (case_id, record) = (case.id(), case.record());
        let at = self.now();
        let fx = Effects::audit(on_case(at, gp, "case.cancelled", record));
        if !self.repo.cancel(case_id, gp.id.as_uuid(), at, &fx).await? {
            return Err(self.refused(case_id, Transition::Cancel).await?);
        }
        self.full_case(gp, case_id).await
    }

    pub async fn close(
        &self,
        gp: &User,
        case: Authorized,
        req: wire::CloseRequest,
    ) -> Result<wire::Case, CaseError> {
        if req.rating.is_some_and(|r| !(1..=5).contains(&r)) {
            let mut e = ValidationErrors::default();
            e.add("rating", "a rating is 1 to 5");
            return Err(e.into());
        }
        let (case_id, record) = (case.id(), case.record());
        let rating = req.rating.map(i32::from);
        let at = self.now();
        let fx = Effects::audit(
            on_case(at, gp, "case.closed", record).detail(serde_json::json!({ "rating": rating })),
        );
        if !self
            .repo
            .close(case_id, gp.id.as_uuid(), at, rating, &fx)
            .await?
        {
            return Err(self.refused(case_id, Transition::Close).await?);
        }
        self.full_case(gp, case_id).await
    }

    /// Record what happened after the answer (the case's GP, or the dermatologist who answered).
    /// Absent fields keep what was recorded before.
    pub async fn record_outcome(
        &self,
        user: &User,
        case: Authorized,
        req: wire::OutcomeRequest,
    ) -> Result<wire::Case, CaseError> {
        let (case_id, record) = (case.id(), case.record());
        // Answered and closed cases have an answer; no other has.
        if !matches!(record.status, CaseStatus::Answered | CaseStatus::Closed) {
            return Err(CaseError::NotNow(
                "outcomes are recorded once the case is answered",
            ));
        }
        let mut e = ValidationErrors::default();
        let histology = match &req.histology_result {
            Some(h) => text(&mut e, "histology_result", h),
            None => None,
        };
        // The day it was sent where it was sent (Paris is already tomorrow at 23:30 UTC).
        let tz = match TerritoryCode::parse(&record.territory_code) {
            Ok(code) => self.repo.territory(&code).await?.map(|t| t.timezone.tz()),
            Err(_) => None,
        };
        let submitted = record
            .submitted_at
            .with_timezone(&tz.unwrap_or(chrono_tz::UTC))
            .date_naive();
        for (field, date) in [
            ("in_person_date", req.in_person_date),
            ("biopsy_date", req.biopsy_date),
            ("histology_date", req.histology_date),
            ("treatment_date", req.treatment_date),
        ] {
            if date.is_some_and(|d| d < submitted) {
                e.add(field, "must not be before the case was submitted");
            }
        }
        e.finish(Some(()))?;
        let key = self.data_key(case_id).await?;
        // Only what this request gives: the database merges it into what is recorded.
        let outcome = OutcomeRecord {
            case_id,
            in_person_date: req.in_person_date,
            biopsy_date: req.biopsy_date,
            histology_date: req.histology_date,
            histology_sealed: histology
                .map(|h| seal(&key, case_id, ObjectRef::Text(HISTOLOGY), h.as_bytes())),
            treatment_date: req.treatment_date,
            updated_at: self.now(),
            updated_by: user.id.as_uuid(),
        };
        let fx = Effects::audit(on_case(
            outcome.updated_at,
            user,
            "case.outcome_recorded",
            record,
        ));
        self.repo
            .merge_outcome(&outcome, record.status, &fx)
            .await?;
        self.full_case(user, case_id).await
    }
}
