//! The OpenAPI description, generated from the handlers and wire types. Committed as
//! `schemas/openapi.json`; a test fails when that file is stale.

use actix_web::{get, HttpResponse};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use crate::routes::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "telederm",
        description = "Store-and-forward dermatology tele-expertise: GPs submit cases with photos, \
                       on-call dermatologists answer within a response-time target. Errors are \
                       `application/problem+json` with a stable `code`.",
        license(name = "AGPL-3.0-or-later"),
    ),
    paths(
        healthz, readyz,
        login, me,
        list_users, create_user, disable_user, set_webhook, rotate_webhook_secret,
        list_territories, get_territory, create_territory, update_territory,
        list_shifts, create_shift, delete_shift,
        submit_case, list_cases, get_case, get_photo,
        list_queue, claim_next, claim_case, release_case,
        answer, request_info, reply, cancel, close, outcome,
        get_sla, set_sla, sla, outcomes,
        list_audit, verify_audit,
        list_notifications, retry_notification, key_status,
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

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}

/// This API's OpenAPI 3.1 document.
#[get("/openapi.json")]
pub async fn serve() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document())
}
