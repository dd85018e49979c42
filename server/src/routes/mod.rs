//! HTTP routes, one file per resource. Handlers are thin: extract, parse into the domain, call,
//! respond.

mod audit;
mod auth;
mod case_actions;
mod cases;
mod erasure;
mod health;
mod keys;
mod notification_settings;
mod notifications;
mod photos;
mod queue;
mod reports;
mod shifts;
mod sla;
mod territories;
mod users;

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Every route of the application, and with it every path of the OpenAPI document: a handler's
/// `#[get(..)]` (or `#[post(..)]`...) gives its route, its `#[utoipa::path]` its entry, and
/// registering it adds both (utoipa-actix-web). Adding an endpoint touches its resource file only.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::register).service(
        scope("/api/v1")
            .configure(auth::register)
            .configure(users::register)
            .configure(territories::register)
            .configure(shifts::register)
            .configure(cases::register)
            .configure(erasure::register)
            .configure(photos::register)
            .configure(queue::register)
            .configure(case_actions::register)
            .configure(sla::register)
            .configure(reports::register)
            .configure(audit::register)
            .configure(notifications::register)
            .configure(notification_settings::register)
            .configure(keys::register)
            .map(|api| api.service(openapi_json)),
    );
}

/// The OpenAPI document as served, made once at start-up (`crate::openapi::document`).
pub struct OpenApiJson(pub String);

/// This API's OpenAPI 3.1 document.
#[get("/openapi.json")]
async fn openapi_json(document: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}
