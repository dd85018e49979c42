//! What dermatologists and GPs do to a case after submission: answer, request information, reply,
//! cancel, close, record outcomes. Each takes a case the caller was authorised on
//! (`access::authorize`, asked before the request body is read), then makes one conditional
//! change; when the change does not apply, the lifecycle says why (`invalid_state`).

use serde::{Deserialize, Serialize};
use telederm_schemas as wire;
use uuid::Uuid;

use std::sync::Arc;

use super::{
    access::{authorize, Authorized},
    queue::eligible_territories,
    read::{data_key, full_case},
    submit::{process_off_thread, put_all, remove_blobs, seal_photos},
    upload::Upload,
};
use crate::{
    audit,
    auth::policy::CaseAction,
    crypto::{seal, ObjectRef},
    db::{
        AnswerRecord, AuditEntry, CaseRecord, Effects, InfoRequestRecord, Notification,
        OutcomeRecord, ReplyRoute,
    },
    domain::{
        lifecycle::{next, Transition},
        CaseStatus, TerritoryCode, User, UserId, ValidationErrors, MAX_TEXT_CHARS,
    },
    error::ApiError,
    notify,
    state::AppState,
};

/// The audit line of an action on a case.
fn on_case(
    at: chrono::DateTime<chrono::Utc>,
    user: &User,
    action: &str,
    c: &CaseRecord,
) -> AuditEntry {
    audit::entry(
        at,
        Some(user.id.as_uuid()),
        action,
        "case",
        Some(c.id.to_string()),
    )
    .on_case(c.id, &c.territory_code)
}

/// A message to one user about a case, if the user has a webhook and is enabled.
async fn tell(
    state: &AppState,
    user: Uuid,
    event: &str,
    c: &CaseRecord,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Notification>, ApiError> {
    let reachable = state
        .repo
        .user(UserId::from(user))
        .await?
        .is_some_and(|u| u.webhook_url.is_some() && !u.is_disabled());
    let recipients = if reachable { vec![user] } else { Vec::new() };
    Ok(notify::about_case(
        &recipients,
        event,
        c.id,
        &c.territory_code,
        at,
        &state.public_url,
    ))
}

/// AAD names of sealed texts.
pub const ANSWER: &str = "answer";
pub const QUESTION: &str = "question";
pub const REPLY: &str = "reply";
pub const HISTOLOGY: &str = "histology";

/// The sealed part of an answer.
#[derive(Debug, Serialize, Deserialize)]
pub struct AnswerText {
    pub diagnosis: String,
    pub icd10: Option<String>,
    pub report: String,
}

fn text(e: &mut ValidationErrors, field: &str, raw: &str) -> Option<String> {
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

async fn load(state: &AppState, case_id: Uuid) -> Result<CaseRecord, ApiError> {
    state
        .repo
        .case(case_id)
        .await?
        .ok_or(ApiError::NotFound("case"))
}

/// Why a transition did not apply to a case in this status.
fn refused(record: &CaseRecord, transition: Transition) -> Result<ApiError, ApiError> {
    Ok(match next(record.status, transition) {
        Err(e) => ApiError::InvalidState(e.to_string()),
        // The status allowed it: someone changed the case at the same moment.
        Ok(_) => ApiError::Conflict("the case changed meanwhile; reload it".into()),
    })
}

/// Refuse at once a transition the case's status does not allow (the conditional update checks
/// it again, against the case as it is then).
fn require_status(record: &CaseRecord, transition: Transition) -> Result<(), ApiError> {
    next(record.status, transition)
        .map(drop)
        .map_err(|e| ApiError::InvalidState(e.to_string()))
}

/// Answer the case whose claim `derm` holds.
pub async fn answer(
    state: &AppState,
    derm: &User,
    case: Authorized,
    req: wire::AnswerRequest,
) -> Result<wire::Case, ApiError> {
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
    require_status(record, Transition::Answer)?;
    let key = data_key(state, case_id).await?;
    let sealed_text = serde_json::to_vec(&AnswerText {
        diagnosis,
        icd10: icd10.map(str::to_owned),
        report,
    })
    .map_err(anyhow::Error::from)?;
    let at = state.clock.now();
    let fx = Effects::audit(on_case(at, derm, "case.answered", record))
        .with(tell(state, record.gp_id, notify::CASE_ANSWERED, record, at).await?);
    let answer = AnswerRecord {
        case_id,
        dermatologist_id: derm.id.as_uuid(),
        answered_at: at,
        management: req.management,
        delay_days: req.delay_days.map(i32::from),
        sealed: seal(&key, case_id, ObjectRef::Text(ANSWER), &sealed_text),
    };
    if !state.repo.answer(&answer, &fx).await? {
        return Err(refused(&load(state, case_id).await?, Transition::Answer)?);
    }
    full_case(state, derm, case_id).await
}

/// Ask the GP of the case whose claim `derm` holds for more information.
pub async fn request_info(
    state: &AppState,
    derm: &User,
    case: Authorized,
    req: wire::InfoRequest,
) -> Result<wire::Case, ApiError> {
    let case_id = case.id();
    let mut e = ValidationErrors::default();
    let message = text(&mut e, "message", &req.message);
    let message = e.finish(message)?;
    let record = case.record();
    require_status(record, Transition::RequestInfo)?;
    let key = data_key(state, case_id).await?;
    let id = Uuid::new_v4();
    let at = state.clock.now();
    let fx = Effects::audit(
        on_case(at, derm, "case.info_requested", record)
            .detail(serde_json::json!({ "wants_new_photos": req.wants_new_photos })),
    )
    .with(tell(state, record.gp_id, notify::INFO_REQUESTED, record, at).await?);
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
    if !state.repo.request_info(&request, &fx).await? {
        return Err(refused(
            &load(state, case_id).await?,
            Transition::RequestInfo,
        )?);
    }
    full_case(state, derm, case_id).await
}

const REPLY_TRANSITION: Transition = Transition::Reply {
    back_to_asker: false,
};

/// The case `gp` may reply to now: its own, waiting on it. Asked before the reply's upload is
/// read, so that a refused reply costs no upload.
pub async fn open_reply(
    state: &AppState,
    gp: &User,
    case_id: Uuid,
) -> Result<Authorized, ApiError> {
    let case = authorize(state, gp, case_id, CaseAction::Reply).await?;
    require_status(case.record(), REPLY_TRANSITION)?;
    Ok(case)
}

/// The GP's reply, with any new photos (through the same intake as a submission, and atomically:
/// the photos are stored with the reply or not at all). The case goes back to the dermatologist
/// who asked when it is still on call for the case's territory, otherwise to the queue.
pub async fn reply(
    state: &Arc<AppState>,
    gp: &User,
    case: Authorized,
    upload: Upload<wire::Reply>,
) -> Result<wire::Case, ApiError> {
    let case_id = case.id();
    let mut e = ValidationErrors::default();
    let message = text(&mut e, "message", &upload.json.message);
    let message = e.finish(message)?;
    // The upload may have taken minutes: route the reply from the case as it is now (its GP,
    // which the access check was about, never changes).
    let record = load(state, case_id).await?;
    let open_request = state
        .repo
        .info_requests_of(case_id)
        .await?
        .into_iter()
        .find(|r| r.replied_at.is_none());
    let (Some(request), Some(asker)) = (open_request, record.info_requested_by) else {
        return Err(refused(&record, REPLY_TRANSITION)?);
    };
    let mut photos = Vec::with_capacity(upload.photos.len());
    for raw in upload.photos {
        photos.push(process_off_thread(state, raw).await?);
    }
    let at = state.clock.now();
    let asker_on_call = eligible_territories(state.repo.as_ref(), asker, at)
        .await?
        .contains(&record.territory_code);
    let route = if asker_on_call {
        ReplyRoute::BackTo {
            dermatologist: asker,
            lease_until: at + state.lease,
        }
    } else {
        ReplyRoute::Queue
    };
    let territory = state
        .repo
        .territory(&TerritoryCode::parse(&record.territory_code).map_err(anyhow::Error::msg)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("territory {} is gone", record.territory_code))?;
    // The clock starts again: each step moves later by the time the case waited on the GP.
    let sla = crate::sla::policy::resumed(&record, &territory, at);
    let notices = match route {
        ReplyRoute::BackTo { dermatologist, .. } => {
            tell(state, dermatologist, notify::CASE_REPLIED, &record, at).await?
        }
        ReplyRoute::Queue => super::queue::queued_notices(state, &territory, case_id, at).await?,
    };
    let fx = Effects::audit(
        on_case(at, gp, "case.replied", &record).detail(serde_json::json!({
            "photos": photos.len(),
            "back_to_asker": matches!(route, ReplyRoute::BackTo { .. }),
        })),
    )
    .with(notices);
    let key = data_key(state, case_id).await?;
    let sealed = seal(
        &key,
        case_id,
        ObjectRef::Message(request.id, REPLY),
        message.as_bytes(),
    );
    let first_position = state.repo.photos_of_cases(&[case_id]).await?.len() + 1;
    let (blobs, rows) = seal_photos(&key, case_id, first_position, photos, at);
    let gp_id = gp.id.as_uuid();
    // Like a submission: finishes or undoes itself even if the client goes away.
    let task_state = Arc::clone(state);
    let applied = tokio::spawn(async move {
        let state = task_state;
        let written = put_all(&state, &blobs).await?;
        match state
            .repo
            .reply(case_id, gp_id, at, &sealed, &rows, route, sla, &fx)
            .await
        {
            Ok(true) => Ok(true),
            Ok(false) => {
                remove_blobs(&state, &written).await;
                Ok(false)
            }
            Err(e) => {
                remove_blobs(&state, &written).await;
                Err(ApiError::from(e))
            }
        }
    })
    .await
    .map_err(anyhow::Error::from)??;
    if !applied {
        return Err(refused(&load(state, case_id).await?, REPLY_TRANSITION)?);
    }
    full_case(state, gp, case_id).await
}

pub async fn cancel(state: &AppState, gp: &User, case: Authorized) -> Result<wire::Case, ApiError> {
    let (case_id, record) = (case.id(), case.record());
    let at = state.clock.now();
    let fx = Effects::audit(on_case(at, gp, "case.cancelled", record));
    if !state.repo.cancel(case_id, gp.id.as_uuid(), at, &fx).await? {
        return Err(refused(&load(state, case_id).await?, Transition::Cancel)?);
    }
    full_case(state, gp, case_id).await
}

pub async fn close(
    state: &AppState,
    gp: &User,
    case: Authorized,
    req: wire::CloseRequest,
) -> Result<wire::Case, ApiError> {
    if req.rating.is_some_and(|r| !(1..=5).contains(&r)) {
        return Err(ApiError::validation("rating", "a rating is 1 to 5"));
    }
    let (case_id, record) = (case.id(), case.record());
    let rating = req.rating.map(i32::from);
    let at = state.clock.now();
    let fx = Effects::audit(
        on_case(at, gp, "case.closed", record).detail(serde_json::json!({ "rating": rating })),
    );
    if !state
        .repo
        .close(case_id, gp.id.as_uuid(), at, rating, &fx)
        .await?
    {
        return Err(refused(&load(state, case_id).await?, Transition::Close)?);
    }
    full_case(state, gp, case_id).await
}

/// Record what happened after the answer (the case's GP, or the dermatologist who answered).
/// Absent fields keep what was recorded before.
pub async fn record_outcome(
    state: &AppState,
    user: &User,
    case: Authorized,
    req: wire::OutcomeRequest,
) -> Result<wire::Case, ApiError> {
    let (case_id, record) = (case.id(), case.record());
    // Answered and closed cases have an answer; no other has.
    if !matches!(record.status, CaseStatus::Answered | CaseStatus::Closed) {
        return Err(ApiError::InvalidState(
            "outcomes are recorded once the case is answered".into(),
        ));
    }
    let mut e = ValidationErrors::default();
    let histology = match &req.histology_result {
        Some(h) => text(&mut e, "histology_result", h),
        None => None,
    };
    let submitted = record.submitted_at.date_naive();
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
    let key = data_key(state, case_id).await?;
    // Only what this request gives: the database merges it into what is recorded.
    let outcome = OutcomeRecord {
        case_id,
        in_person_date: req.in_person_date,
        biopsy_date: req.biopsy_date,
        histology_date: req.histology_date,
        histology_sealed: histology
            .map(|h| seal(&key, case_id, ObjectRef::Text(HISTOLOGY), h.as_bytes())),
        treatment_date: req.treatment_date,
        updated_at: state.clock.now(),
        updated_by: user.id.as_uuid(),
    };
    let fx = Effects::audit(on_case(
        outcome.updated_at,
        user,
        "case.outcome_recorded",
        record,
    ));
    state
        .repo
        .merge_outcome(&outcome, record.status, &fx)
        .await?;
    full_case(state, user, case_id).await
}
