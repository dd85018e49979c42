use actix_web::{http::header, post, web, FromRequest, HttpRequest};
use telederm_schemas::{self as wire, Problem};
use uuid::Uuid;

use crate::{
    auth::AuthenticatedUser,
    cases::{actions, upload},
    domain::Role,
    error::ApiError,
    state::AppState,
};

type CaseResult = Result<web::Json<wire::Case>, ApiError>;

/// Answer a claimed case (the dermatologist holding the claim). The text is sealed at rest.
#[utoipa::path(post, path = "/api/v1/cases/{id}/answer", tag = "queue", params(("id" = Uuid, Path)), request_body = wire::AnswerRequest, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 403, description = "claimed by another dermatologist", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "invalid_state: the case is not claimed", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/answer")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn answer(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    body: web::Json<wire::AnswerRequest>,
) -> CaseResult {
    caller.require(Role::Dermatologist)?;
    let case = actions::answer(&state, caller.user(), id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(case))
}

/// Ask the GP for more information or new photos (the dermatologist holding the claim). The
/// case waits on the GP; its response-time clock stops.
#[utoipa::path(post, path = "/api/v1/cases/{id}/request-info", tag = "queue", params(("id" = Uuid, Path)), request_body = wire::InfoRequest, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/request-info")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn request_info(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    body: web::Json<wire::InfoRequest>,
) -> CaseResult {
    caller.require(Role::Dermatologist)?;
    let case =
        actions::request_info(&state, caller.user(), id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(case))
}

/// The GP's reply to a request for information: JSON `{"message": ...}`, or multipart with a
/// `reply` JSON part and photo parts named by kind (as at submission). The case returns to the
/// dermatologist who asked if it is still on call, otherwise to the queue.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reply", tag = "cases", params(("id" = Uuid, Path)), request_body = wire::Reply, security(("bearer" = [])), responses(
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
) -> actix_web::Result<web::Json<wire::Case>> {
    caller.require(Role::Gp)?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    let upload = if is_multipart {
        upload::read::<wire::Reply>(&req, payload, "reply", 0, &state.uploads, caller.id()).await?
    } else {
        let json = web::Json::<wire::Reply>::from_request(&req, &mut payload.into_inner()).await?;
        upload::Upload {
            json: json.into_inner(),
            photos: Vec::new(),
        }
    };
    let case = actions::reply(
        &state.clone().into_inner(),
        caller.user(),
        id.into_inner(),
        upload,
    )
    .await?;
    Ok(web::Json(case))
}

/// Cancel a case still in the queue (its GP).
#[utoipa::path(post, path = "/api/v1/cases/{id}/cancel", tag = "cases", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
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
    caller.require(Role::Gp)?;
    Ok(web::Json(
        actions::cancel(&state, caller.user(), id.into_inner()).await?,
    ))
}

/// Close an answered case (its GP), with an optional usefulness rating 1-5.
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", tag = "cases", params(("id" = Uuid, Path)), request_body = wire::CloseRequest, security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases/{id}/close")]
#[tracing::instrument(skip_all, fields(case_id = %id))]
pub async fn close(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
    body: web::Json<wire::CloseRequest>,
) -> CaseResult {
    caller.require(Role::Gp)?;
    let case = actions::close(&state, caller.user(), id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(case))
}

/// Record outcomes: in-person visit, biopsy, histology (result and date), treatment (the case's GP
/// or the answering dermatologist, once answered). Absent fields keep their recorded value.
#[utoipa::path(post, path = "/api/v1/cases/{id}/outcome", tag = "cases", params(("id" = Uuid, Path)), request_body = wire::OutcomeRequest, security(("bearer" = [])), responses(
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
    body: web::Json<wire::OutcomeRequest>,
) -> CaseResult {
    caller.require_any(&[Role::Gp, Role::Dermatologist])?;
    let case =
        actions::record_outcome(&state, caller.user(), id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(case))
}
