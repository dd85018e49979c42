//! Photos on their own, before any case: a check of what the intake pipeline makes of one.

use actix_web::{post, web, HttpRequest};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{error::ApiError, http::upload, http::AppState, http::AuthenticatedUser};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(check_photo);
}

/// Check a photo before sending it (GPs): multipart with one photo part named `overview`,
/// `closeup` or `dermoscopy`, taken through the same pipeline and limits as a submission. The
/// answer says what stripping removes and what to retake; nothing is stored, and the log says
/// only that a check happened.
#[utoipa::path(tag = "cases",
    request_body(content = wire::PhotoCheckUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])), responses(
    (status = 200, body = wire::PhotoCheck),
    (status = 403, description = "not a GP", body = Problem, content_type = "application/problem+json"),
    (status = 408, description = "request_timeout: the body stopped sending, or was not whole in time", body = Problem, content_type = "application/problem+json"),
    (status = 413, description = "payload_too_large (the photo) or image_too_large (pixels, or memory to decode)", body = Problem, content_type = "application/problem+json"),
    (status = 415, description = "unsupported_format (HEIC, GIF, PDF...: the detail says what to send instead) or not multipart", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "validation_failed (no photo part, more than one, or an unknown part) or image_corrupt", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "rate_limited: the user already has as many uploads in progress as allowed (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
    (status = 503, description = "busy: no room for the upload or its decoding right now (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
))]
#[post("/photos/check")]
#[tracing::instrument(skip_all)]
pub async fn check_photo(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<wire::PhotoCheck>, ApiError> {
    state.cases.may_check_photo(caller.user())?;
    let photo = upload::read_photo(&req, payload, &state.uploads, caller.id()).await?;
    Ok(web::Json(
        state.cases.check_photo(caller.user(), photo).await?,
    ))
}
