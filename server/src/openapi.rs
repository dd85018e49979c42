//! The OpenAPI description: this header, then every path and wire type the registered routes
//! declare (`routes::configure`). Committed as `schemas/openapi.json`; a test fails when that file
//! is stale.

use actix_web::App;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "telederm",
        description = "Store-and-forward dermatology tele-expertise: GPs submit cases with photos, \
                       on-call dermatologists answer within a response-time target. Errors are \
                       `application/problem+json` with a stable `code`.",
        license(name = "AGPL-3.0-or-later"),
    ),
    components(schemas(
        telederm_schemas::Problem, telederm_schemas::FieldError, telederm_schemas::Role,
        telederm_schemas::WebhookPayload,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Login and the current user"),
        (name = "administration", description = "Users, territories and parked notifications"),
        (name = "rota", description = "On-call shifts"),
        (name = "cases", description = "Cases and their photos"),
        (name = "queue", description = "The dermatologists' queue and claims"),
        (name = "sla", description = "Response-time targets per territory and priority"),
        (name = "reports", description = "Turnaround and outcomes, for coordinators"),
        (name = "audit", description = "The hash-chained audit trail"),
        (name = "notifications", description = "Where each user hears of events: e-mail, webhook, both or none"),
        (name = "operations", description = "Health and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as committed: pretty JSON with a final newline. The paths are collected by
/// registering the routes on an app that is never run.
pub fn document() -> String {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    let mut json = api
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
