//! Actions on a case. Each handler asks `access::authorize` first and reads the request body only
//! once the caller may act: a refused caller gets its 403 or 404 whatever it sent, and the server
//! reads no upload for it. This is why bodies come in as `web::Payload`, not `web::Json`, which
//! actix would read and parse before the handler runs.

use actix_web::{http::header, post, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::policy::CaseAction, error::ApiError, http::upload, http::AppState,
    http::AuthenticatedUser,
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(answer)
        .service(request_info)
        .service(reply)
        .service(cancel)
        .service(close)
        .service(outcome);
}

type CaseResult = actix_web::Result<web::Json<wire::Case>>;

fn done(case: Result<wire::Case, crate::cases::CaseError>) -> CaseResult {
    Ok(web::Json(case.map_err(ApiError::from)?))
}

/// The JSON body, read now, with the same limit and problem+json errors as a `web::Json`
/// extractor.
async fn json_body<T: DeserializeOwned + 'static>(
    req: &HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<T> {
    let json = web::Json::<T>::from_request(req, &mut payload.into_inner()).await?;
    Ok(json.into_inner())
}

/// Answer a claimed case (the dermatologist holding the claim). The text is sealed at rest.
#[utoipa::path(tag = "queue", request_body = wire::AnswerRequest, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 403, description = "not a dermatologist, or claimed by another dermatologist of the territory", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such case, or none of the caller's business (whatever its state)", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "invalid_state: the case is not claimed", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/answer")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn answer(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> CaseResult {
    let case = state
        .cases
        .authorize(caller.user(), *id, CaseAction::Answer)
        .await
        .map_err(ApiError::from)?;
    let body = json_body::<wire::AnswerRequest>(&req, payload).await?;
    done(state.cases.answer(caller.user(), case, body).await)
}

/// Ask the GP for more information or new photos (the dermatologist holding the claim). The
/// case waits on the GP; its response-time clock stops.
#[utoipa::path(tag = "queue", request_body = wire::InfoRequest, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 403, description = "not a dermatologist, or claimed by another dermatologist of the territory", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such case, or none of the caller's business (whatever its state)", body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/request-info")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn request_info(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> CaseResult {
    let case = state
        .cases
        .authorize(caller.user(), *id, CaseAction::RequestInfo)
        .await
        .map_err(ApiError::from)?;
    let body = json_body::<wire::InfoRequest>(&req, payload).await?;
    done(state.cases.request_info(caller.user(), case, body).await)
}

/// The GP's reply to a request for information: JSON `{"message": ...}`, or multipart with a
/// `reply` JSON part and photo parts named by kind (as at submission). The case returns to the
/// dermatologist who asked if it is still on call, otherwise to the queue. Who may reply, and
/// whether the case waits on a reply, is settled before the upload is read.
#[utoipa::path(tag = "cases", request_body = wire::Reply, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "invalid_state: no request for information is open", body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/reply")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn reply(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> CaseResult {
    let case = state
        .cases
        .open_reply(caller.user(), *id)
        .await
        .map_err(ApiError::from)?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    let upload = if is_multipart {
        upload::read::<wire::Reply>(&req, payload, "reply", 0, &state.uploads, caller.id()).await?
    } else {
        upload::Upload {
            json: json_body::<wire::Reply>(&req, payload).await?,
            photos: Vec::new(),
        }
    };
    done(
        state
            .cases
            .reply(caller.user(), case, &upload.json, upload.photos)
            .await,
    )
}

/// Cancel a case still in the queue (its GP).
#[utoipa::path(tag = "cases", security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/cancel")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> CaseResult {
    let case = state
        .cases
        .authorize(caller.user(), *id, CaseAction::Cancel)
        .await
        .map_err(ApiError::from)?;
    done(state.cases.cancel(caller.user(), case).await)
}

/// Close an answered case (its GP), with an optional usefulness rating 1-5.
#[utoipa::path(tag = "cases", request_body = wire::CloseRequest, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/close")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn close(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> CaseResult {
    let case = state
        .cases
        .authorize(caller.user(), *id, CaseAction::Close)
        .await
        .map_err(ApiError::from)?;
    let body = json_body::<wire::CloseRequest>(&req, payload).await?;
    done(state.cases.close(caller.user(), case, body).await)
}

/// Record outcomes: in-person visit, biopsy, histology (result and date), treatment (the case's GP
/// or the answering dermatologist, once answered). Absent fields keep their recorded value.
#[utoipa::path(tag = "cases", request_body = wire::OutcomeRequest, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "invalid_state: not answered yet", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/outcome")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn outcome(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    req: HttpRequest,
    payload: web::Payload,
) -> CaseResult {
    let case = state
        .cases
        .authorize(caller.user(), *id, CaseAction::RecordOutcome)
        .await
        .map_err(ApiError::from)?;
    let body = json_body::<wire::OutcomeRequest>(&req, payload).await?;
    done(state.cases.record_outcome(caller.user(), case, body).await)
}
