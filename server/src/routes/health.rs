use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{error::ApiError, http::AppState};

/// This resource's endpoints: each one's route and OpenAPI entry come from its attributes below
/// (`/metrics` is for Prometheus, not in the document).
pub(super) fn register(cfg: &mut ServiceConfig) {
    cfg.service(healthz)
        .service(readyz)
        .map(|cfg| cfg.service(metrics));
}

/// The process is alive.
#[utoipa::path(tag = "operations", responses((status = 200, description = "alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// The database and the photo store answer.
#[utoipa::path(tag = "operations", responses(
    (status = 200, description = "ready"),
    (status = 503, description = "a dependency is unreachable", body = telederm_schemas::Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if let Err(e) = state.repo.ping().await {
        tracing::warn!(error = %e, "readiness check failed");
        return Err(ApiError::NotReady("the database is unreachable".into()));
    }
    if let Err(e) = state.store.ping().await {
        tracing::warn!(error = %e, "readiness check failed");
        return Err(ApiError::NotReady("the photo store is unreachable".into()));
    }
    Ok(HttpResponse::Ok().content_type("text/plain").body("ready"))
}

/// Prometheus text exposition.
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render()?))
}
