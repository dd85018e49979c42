use actix_web::{get, http::header, post, web, HttpRequest, HttpResponse};
use telederm_schemas::{self as wire, Problem};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    cases::ListPage, error::ApiError, http::upload, http::AppState, http::AuthenticatedUser,
    telemetry::current_request_id,
};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below.
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(submit_case)
        .service(list_cases)
        .service(get_case)
        .service(get_photo);
}

/// Submit a case (GPs): multipart with a `case` JSON part and 1 to 10 photo parts named
/// `overview`, `closeup` or `dermoscopy`. Photos are stripped of every piece of identifying
/// metadata and sealed before anything is stored; the case is queued to the GP's territory.
#[utoipa::path(tag = "cases",
    request_body(content = wire::CaseUpload, content_type = "multipart/form-data"),
    security(("bearer" = [])), responses(
    (status = 201, body = wire::Case),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 408, description = "request_timeout: the body stopped sending (30 s by default), or was not whole 10 min after it started (by default)", body = Problem, content_type = "application/problem+json"),
    (status = 413, description = "payload_too_large (a photo or the whole request) or image_too_large (pixels, or memory to decode)", body = Problem, content_type = "application/problem+json"),
    (status = 415, description = "unsupported_format (HEIC, GIF, PDF...) or not multipart", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "validation_failed or image_corrupt", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "rate_limited: the user already has as many uploads in progress (sent or being processed) as allowed (4 by default; `Retry-After`)", body = Problem, content_type = "application/problem+json"),
    (status = 503, description = "busy: no room for the upload in the server's memory budget, or its photos waited too long to be decoded (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
))]
#[post("/cases")]
#[tracing::instrument(skip_all)]
pub async fn submit_case(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    state.cases.may_submit(caller.user())?;
    let upload =
        upload::read::<wire::NewCase>(&req, payload, "case", 1, &state.uploads, caller.id())
            .await?;
    let case = state
        .cases
        .submit(caller.user(), &upload.json, upload.photos)
        .await?;
    Ok(HttpResponse::Created().json(case))
}

/// The calling GP's cases, the most recently active first (the first 200).
#[utoipa::path(tag = "cases", security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::CaseSummary>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
) -> Result<web::Json<Vec<wire::CaseSummary>>, ApiError> {
    Ok(web::Json(
        state
            .cases
            .gp_cases(caller.user(), ListPage::first())
            .await?,
    ))
}

/// One case, with its photos' metadata and history: for its GP and the dermatologist holding its
/// claim.
#[utoipa::path(tag = "cases", security(("bearer" = [])), responses(
    (status = 200, body = wire::Case),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/cases/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<web::Json<wire::Case>, ApiError> {
    Ok(web::Json(state.cases.read_case(caller.user(), *id).await?))
}

/// A stored (stripped) photo, checked against its SHA-256; every download is recorded.
#[utoipa::path(tag = "cases", security(("bearer" = [])), responses(
    (status = 200, description = "the photo, `Cache-Control: no-store`", content_type = "image/jpeg"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/cases/{id}/photos/{photo_id}")]
pub async fn get_photo(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, photo_id) = path.into_inner();
    let (format, bytes) = state
        .cases
        .photo(caller.user(), case_id, photo_id, &current_request_id())
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(format.mime())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{photo_id}.{}\"", format.as_str()),
        ))
        .body(bytes))
}
