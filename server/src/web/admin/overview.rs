//! `GET /admin`: the master keys (which one seals new data, how much each wraps, any missing) and
//! the messages (webhooks, e-mails) parked after their last attempt, each with a retry.

use std::collections::HashMap;

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use telederm_schemas as wire;
use uuid::Uuid;

use super::{admin_error, is_admin, Section};
use crate::{
    http::AppState,
    web::{
        dates::format_datetime,
        errors::WebError,
        form, home_of,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

#[derive(Deserialize, Default)]
struct Query {
    done: Option<String>,
}

struct Parked {
    id: Uuid,
    event: String,
    channel: String,
    recipient: String,
    case: String,
    created: String,
    parked: String,
    attempts: i32,
    why: String,
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    ctx: Ctx,
    section: Section,
    keys: wire::KeyStatus,
    parked: Vec<Parked>,
    notice: Option<String>,
}

#[get("/admin")]
pub(super) async fn show(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    if !is_admin(me.user()) {
        return Ok(see_other(home_of(me.user())));
    }
    let lang = me.lang();
    let query: Query = form::query(&req);
    let keys = state
        .admin
        .key_status(me.user())
        .await
        .map_err(admin_error)?;
    let messages = state
        .admin
        .notifications(me.user(), true, None)
        .await
        .map_err(admin_error)?;
    let names: HashMap<Uuid, String> = state
        .accounts
        .users(me.user(), None)
        .await?
        .into_iter()
        .map(|u| (u.id.as_uuid(), u.display_name.as_str().to_owned()))
        .collect();
    // Operators' times: the server's home zone (territories may differ).
    let tz = chrono_tz::Europe::Paris;
    let parked = messages
        .iter()
        .map(|n| Parked {
            id: n.id,
            event: n.event.clone(),
            channel: lang.t_with(
                "admin-parked-via",
                [(
                    "channel",
                    FluentValue::from(lang.t(&format!("admin-channel-{}", n.channel.as_str()))),
                )],
            ),
            recipient: names
                .get(&n.recipient_id)
                .cloned()
                .unwrap_or_else(|| n.recipient_id.to_string()),
            case: n
                .case_id
                .map(crate::web::layout::case_ref)
                .unwrap_or_default(),
            created: format_datetime(lang, n.created_at, tz),
            parked: n
                .parked_at
                .map(|at| format_datetime(lang, at, tz))
                .unwrap_or_default(),
            attempts: n.attempts,
            why: n
                .last_error
                .map(|e| lang.t(&format!("admin-failure-{}", failure_key(e))))
                .unwrap_or_default(),
        })
        .collect();
    let page = OverviewPage {
        section: Section::Overview,
        keys,
        parked,
        notice: query
            .done
            .as_deref()
            .and_then(|d| lang.find(&format!("admin-done-{d}"))),
        ctx: me.ctx(),
    };
    layout::render(StatusCode::OK, &page)
}

fn failure_key(e: wire::DeliveryFailure) -> &'static str {
    match e {
        wire::DeliveryFailure::RefusedTarget => "refused-target",
        wire::DeliveryFailure::Timeout => "timeout",
        wire::DeliveryFailure::ConnectFailed => "connect-failed",
        wire::DeliveryFailure::HttpStatus => "http-status",
        wire::DeliveryFailure::NoWebhook => "no-webhook",
        wire::DeliveryFailure::NoSecret => "no-secret",
        wire::DeliveryFailure::MailRefused => "mail-refused",
        wire::DeliveryFailure::RelayRefused => "relay-refused",
        wire::DeliveryFailure::MailDeferred => "mail-deferred",
        wire::DeliveryFailure::MailUnavailable => "mail-unavailable",
        wire::DeliveryFailure::Unsendable => "unsendable",
        wire::DeliveryFailure::TlsFailed => "tls-failed",
        wire::DeliveryFailure::RecipientDisabled => "recipient-disabled",
    }
}

#[post("/admin/notifications/{id}/retry")]
pub(super) async fn retry(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, WebError> {
    state
        .admin
        .retry_notification(me.user(), *id)
        .await
        .map_err(admin_error)?;
    Ok(see_other("/admin?done=retried#parked"))
}
