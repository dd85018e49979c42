//! What the dermatologist does with a taken case: answer it (diagnosis, ICD-10 code, management
//! and its delay, report), ask the GP for more (new photos, perhaps), or release it to the queue.
//! Each asks the case service first whether it may, as the API does.

use actix_web::{http::StatusCode, post, web, HttpResponse};
use askama::Template;
use telederm_schemas::{self as wire, Management};
use uuid::Uuid;

use super::review::{self, AnswerValues, AskValues, Refused};
use crate::{
    auth::policy::CaseAction,
    cases::CaseError,
    domain::icd10,
    error::ApiError,
    http::AppState,
    web::{
        errors::WebError,
        form::{self, FieldErrors},
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

#[post("/review/{id}/answer")]
pub(super) async fn answer(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let values: AnswerValues = form::urlencoded(&body)?;
    let (request, mut errors) = parse_answer(me.lang(), &values);
    let result = match request {
        Some(request) if errors.is_empty() => {
            match state
                .cases
                .authorize(me.user(), id, CaseAction::Answer)
                .await
            {
                Ok(case) => state.cases.answer(me.user(), case, request).await,
                Err(e) => Err(e),
            }
        }
        _ => Err(CaseError::Validation(Default::default())),
    };
    match result {
        Ok(_) => Ok(see_other("/queue?done=answered")),
        Err(CaseError::Validation(e)) => {
            if errors.is_empty() {
                errors = FieldErrors::from_api(me.lang(), &ApiError::from(e));
            }
            let refused = Refused {
                errors,
                answer: values,
                ..Refused::default()
            };
            review::render(&state, &me, id, StatusCode::UNPROCESSABLE_ENTITY, refused).await
        }
        Err(CaseError::Internal(e)) => Err(WebError::Internal(e)),
        // No longer this dermatologist's to answer (its claim lapsed, the case was released or
        // taken): what it wrote is shown to copy, not lost.
        Err(_) => layout::render(
            StatusCode::CONFLICT,
            &Unsent {
                ctx: me.ctx(),
                diagnosis: values.diagnosis,
                report: values.report,
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "derm/unsent.html")]
struct Unsent {
    ctx: Ctx,
    diagnosis: String,
    report: String,
}

/// The answer as the API takes it, or what to fix. The ICD-10 field holds what the list offered
/// ("D22.5 · Nævus à mélanocytes du tronc") or a typed code; the diagnosis defaults to the
/// code's label.
fn parse_answer(lang: Lang, values: &AnswerValues) -> (Option<wire::AnswerRequest>, FieldErrors) {
    let mut errors = FieldErrors::default();
    let typed = values.icd10.trim();
    let code = match typed.split_whitespace().next() {
        None => None,
        Some(code) => match icd10::find(code) {
            Some(found) => Some(found),
            None => {
                errors.invalid(lang, "icd10");
                None
            }
        },
    };
    let diagnosis = match (values.diagnosis.trim(), code) {
        ("", Some(code)) => match lang {
            Lang::Fr => code.french.to_owned(),
            Lang::En => code.english.to_owned(),
        },
        (typed, _) => typed.to_owned(),
    };
    if diagnosis.is_empty() {
        errors.invalid(lang, "diagnosis");
    }
    let management = values.management.parse::<Management>().ok();
    if management.is_none() {
        errors.invalid(lang, "management");
    }
    let delay_days = match values.delay_days.trim() {
        "" => Some(None),
        d => d.parse::<u16>().ok().map(Some),
    };
    if delay_days.is_none() {
        errors.invalid(lang, "delay_days");
    }
    if values.report.trim().is_empty() {
        errors.invalid(lang, "report");
    }
    let request = match (management, delay_days) {
        (Some(management), Some(delay_days)) => Some(wire::AnswerRequest {
            diagnosis,
            icd10: code.map(|c| c.code.to_owned()),
            management,
            delay_days,
            report: values.report.trim().to_owned(),
        }),
        _ => None,
    };
    (request, errors)
}

#[post("/review/{id}/request-info")]
pub(super) async fn request_info(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let values: AskValues = form::urlencoded(&body)?;
    let message = values.message.trim().to_owned();
    let result = if message.is_empty() {
        let mut e = crate::domain::ValidationErrors::default();
        e.add("message", "empty");
        Err(CaseError::Validation(e))
    } else {
        let case = state
            .cases
            .authorize(me.user(), id, CaseAction::RequestInfo)
            .await?;
        let request = wire::InfoRequest {
            message,
            wants_new_photos: values.wants_new_photos.is_some(),
        };
        state.cases.request_info(me.user(), case, request).await
    };
    match result {
        Ok(_) => Ok(see_other("/queue?done=asked")),
        Err(CaseError::Validation(e)) => {
            let refused = Refused {
                errors: FieldErrors::from_api(me.lang(), &ApiError::from(e)),
                ask: values,
                ..Refused::default()
            };
            review::render(&state, &me, id, StatusCode::UNPROCESSABLE_ENTITY, refused).await
        }
        Err(e) => Err(e.into()),
    }
}

#[post("/review/{id}/release")]
pub(super) async fn release(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, WebError> {
    state.cases.release(me.user(), *id).await?;
    Ok(see_other("/queue?done=released"))
}
