//! What the GP does on a case's page: reply to a question (with new photos, checked like a new
//! case's), record the outcome, close with a rating, cancel while queued. Each asks the case
//! service first whether it may, as the API does, and comes back to the case's page.

use actix_web::{http::StatusCode, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use telederm_schemas as wire;
use uuid::Uuid;

use super::{
    case_page::{self, OutcomeValues, Refused},
    sending::{self, Sent},
};
use crate::{
    auth::policy::CaseAction,
    cases::CaseError,
    error::ApiError,
    http::{upload, AppState},
    web::{
        errors::WebError,
        form::{self, FieldErrors},
        layout::see_other,
        session::SignedIn,
    },
};

fn done(id: Uuid, what: &str) -> String {
    format!("/cases/{id}?done={what}")
}

/// The reply, `multipart/form-data` (`message`, and photo slots as on the new-case page); the
/// CSRF token in the URL.
#[post("/cases/{id}/reply")]
pub(super) async fn reply(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    // Before the body is read: a reply that cannot be taken costs no upload.
    let case = state.cases.open_reply(me.user(), id).await?;
    let sent = match upload::read_form(&req, payload, &state.uploads, me.user().id).await {
        Ok(sent) => sent,
        Err(refusal) => {
            let upload::FormRefused { error, fields } = *refusal;
            if let ApiError::Internal(e) = error {
                return Err(WebError::Internal(e));
            }
            let message = fields.field("message");
            return refused_reply(&state, &req, &me, id, message, &error).await;
        }
    };
    let message = sent.field("message").to_owned();
    if message.is_empty() {
        let e = ApiError::validation("message", "empty");
        return refused_reply(&state, &req, &me, id, &message, &e).await;
    }
    let body = wire::Reply {
        message: message.clone(),
    };
    match state.cases.reply(me.user(), case, &body, sent.photos).await {
        Ok(_) => Ok(sending::done(&req, &done(id, "reply"))),
        Err(e @ (CaseError::Validation(_) | CaseError::Photo(_))) => {
            let e = ApiError::from(e);
            refused_reply(&state, &req, &me, id, &message, &e).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused_reply(
    state: &AppState,
    req: &HttpRequest,
    me: &SignedIn,
    id: Uuid,
    message: &str,
    e: &ApiError,
) -> Result<HttpResponse, WebError> {
    let errors = FieldErrors::from_api(me.lang(), e);
    match sending::how(req) {
        Sent::ByScript => sending::errors(me.ctx(), errors),
        Sent::ByBrowser => {
            let refused = Refused {
                errors,
                reply: message.to_owned(),
                ..Refused::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            case_page::render(state, me, id, status, None, refused).await
        }
    }
}

#[post("/cases/{id}/outcome")]
pub(super) async fn outcome(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let lang = me.lang();
    let values: OutcomeValues = form::urlencoded(&body)?;
    let mut errors = FieldErrors::default();
    let mut date = |field: &str, raw: &str| -> Option<NaiveDate> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.invalid(lang, field);
        }
        parsed
    };
    let req = wire::OutcomeRequest {
        in_person_date: date("in_person_date", &values.in_person_date),
        biopsy_date: date("biopsy_date", &values.biopsy_date),
        histology_date: date("histology_date", &values.histology_date),
        treatment_date: date("treatment_date", &values.treatment_date),
        histology_result: Some(values.histology_result.trim().to_owned()).filter(|h| !h.is_empty()),
    };
    // A blank field keeps what is recorded (as through the API): a form with nothing in it
    // records nothing.
    let nothing = [
        req.in_person_date,
        req.biopsy_date,
        req.histology_date,
        req.treatment_date,
    ]
    .iter()
    .all(Option::is_none)
        && req.histology_result.is_none();
    if nothing && errors.is_empty() {
        errors.invalid(lang, "outcome");
    }
    let result = if errors.is_empty() {
        let case = state
            .cases
            .authorize(me.user(), id, CaseAction::RecordOutcome)
            .await?;
        state.cases.record_outcome(me.user(), case, req).await
    } else {
        Err(CaseError::Validation(Default::default()))
    };
    match result {
        Ok(_) => Ok(see_other(format!("{}#outcome", done(id, "outcome")))),
        Err(CaseError::Validation(e)) => {
            if errors.is_empty() {
                errors = FieldErrors::from_api(lang, &ApiError::from(e));
            }
            let refused = Refused {
                errors,
                outcome: Some(values),
                ..Refused::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            case_page::render(&state, &me, id, status, None, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct CloseForm {
    #[serde(default)]
    rating: String,
}

#[post("/cases/{id}/close")]
pub(super) async fn close(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let form: CloseForm = form::urlencoded(&body)?;
    let rating = match form.rating.trim() {
        "" => None,
        r => Some(r.parse::<u8>().map_err(|_| WebError::Invalid)?),
    };
    let case = state
        .cases
        .authorize(me.user(), id, CaseAction::Close)
        .await?;
    state
        .cases
        .close(me.user(), case, wire::CloseRequest { rating })
        .await?;
    Ok(see_other(done(id, "close")))
}

#[post("/cases/{id}/cancel")]
pub(super) async fn cancel(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let case = state
        .cases
        .authorize(me.user(), id, CaseAction::Cancel)
        .await?;
    state.cases.cancel(me.user(), case).await?;
    Ok(see_other(done(id, "cancel")))
}
