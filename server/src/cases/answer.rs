//! The dermatologist's answer and request for information on the case whose claim it holds.

use serde::{Deserialize, Serialize};
use telederm_schemas as wire;
use telederm_schemas::EventKind;
use uuid::Uuid;

use super::{access::Authorized, service::on_case, CaseError, CaseService};
use crate::{
    crypto::{seal, ObjectRef},
    db::{AnswerRecord, Effects, InfoRequestRecord},
    domain::{
        lifecycle::{next, Transition},
        CaseStatus, User, ValidationErrors, MAX_TEXT_CHARS,
    },
};

/// AAD names of sealed texts.
pub const ANSWER: &str = "answer";
pub const QUESTION: &str = "question";

/// The sealed part of an answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct AnswerText {
    pub diagnosis: String,
    pub icd10: Option<String>,
    pub report: String,
}

impl CaseService {
    /// Why `transition` did not apply to the case as it is now.
    pub(super) async fn refused(
        &self,
        case_id: Uuid,
        transition: Transition,
    ) -> Result<CaseError, CaseError> {
        let record = self.load(case_id).await?;
        Ok(CaseError::refused(record.status, transition))
    }
}

/// Refuse at once a transition the case's status does not allow (the conditional update checks
/// it again, against the case as it is then).
pub(super) fn require_status(status: &CaseStatus, transition: Transition) -> Result<(), CaseError> {
    next(*status, transition)
        .map(drop)
        .map_err(|e| CaseError::InvalidState {
            from: e.from,
            action: e.transition,
        })
}

/// A free-text field: trimmed, not empty, not too long.
pub(super) fn text(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() {
        e.add(field, "must not be empty");
        None
    } else if s.chars().count() > MAX_TEXT_CHARS {
        e.add(
            field,
            format!("must have at most {MAX_TEXT_CHARS} characters"),
        );
        None
    } else {
        Some(s.to_owned())
    }
}

impl CaseService {
    /// Answer the case whose claim `derm` holds.
    pub async fn answer(
        &self,
        derm: &User,
        case: Authorized,
        req: wire::AnswerRequest,
    ) -> Result<wire::Case, CaseError> {
        let case_id = case.id();
        let mut e = ValidationErrors::default();
        let diagnosis = text(&mut e, "diagnosis", &req.diagnosis);
        let report = text(&mut e, "report", &req.report);
        let icd10 = req
            .icd10
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if icd10.is_some_and(|c| {
            c.len() > 10 || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '.')
        }) {
            e.add("icd10", "an ICD-10 code looks like C43.5");
        }
        let needs_delay = matches!(
            req.management,
            wire::Management::FollowUpPhotos
                | wire::Management::InPersonConsult
                | wire::Management::UrgentBiopsyOrExcision
        );
        if needs_delay && req.delay_days.is_none() {
            e.add("delay_days", "say within how many days");
        }
        if req.delay_days.is_some_and(|d| d > 365) {
            e.add("delay_days", "at most 365 days");
        }
        let (diagnosis, report) = e.finish(diagnosis.zip(report))?;

        let record = case.record();
        require_status(&record.status, Transition::Answer)?;
        let key = self.data_key(case_id).await?;
        let sealed_text = serde_json::to_vec(&AnswerText {
            diagnosis,
            icd10: icd10.map(str::to_owned),
            report,
        })
        .map_err(anyhow::Error::from)?;
        let at = self.now();
        let fx = Effects::audit(on_case(at, derm, "case.answered", record)).with(
            self.tell(record.gp_id, EventKind::CaseAnswered, record, None, at)
                .await?,
        );
        let answer = AnswerRecord {
            case_id,
            dermatologist_id: derm.id.as_uuid(),
            answered_at: at,
            management: req.management,
            delay_days: req.delay_days.map(i32::from),
            sealed: seal(&key, case_id, ObjectRef::Text(ANSWER), &sealed_text),
        };
        if !self.repo.answer(&answer, &fx).await? {
            return Err(self.refused(case_id, Transition::Answer).await?);
        }
        self.full_case(derm, case_id).await
    }

    /// Ask the GP of the case whose claim `derm` holds for more information.
    pub async fn request_info(
        &self,
        derm: &User,
        case: Authorized,
        req: wire::InfoRequest,
    ) -> Result<wire::Case, CaseError> {
        let case_id = case.id();
        let mut e = ValidationErrors::default();
        let message = text(&mut e, "message", &req.message);
        let message = e.finish(message)?;
        let record = case.record();
        require_status(&record.status, Transition::RequestInfo)?;
        let key = self.data_key(case_id).await?;
        let id = Uuid::new_v4();
        let at = self.now();
        let fx = Effects::audit(
            on_case(at, derm, "case.info_requested", record)
                .detail(serde_json::json!({ "wants_new_photos": req.wants_new_photos })),
        )
        .with(
            self.tell(record.gp_id, EventKind::InfoRequested, record, None, at)
                .await?,
        );
        let request = InfoRequestRecord {
            id,
            case_id,
            dermatologist_id: derm.id.as_uuid(),
            asked_at: at,
            wants_new_photos: req.wants_new_photos,
            sealed: seal(
                &key,
                case_id,
                ObjectRef::Message(id, QUESTION),
                message.as_bytes(),
            ),
            replied_at: None,
            reply_sealed: None,
        };
        if !self.repo.request_info(&request, &fx).await? {
            return Err(self.refused(case_id, Transition::RequestInfo).await?);
        }
        self.full_case(derm, case_id).await
    }
}
