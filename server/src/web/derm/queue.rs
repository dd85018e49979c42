//! The queue: the cases the dermatologist may take now, in the server's order, refreshed in place
//! (htmx polls `/queue/rows` and swaps the whole table: nothing is lost between two looks), and
//! taking a case, the next one or this one, exactly as the API does.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use telederm_schemas::{self as wire, Priority};
use uuid::Uuid;

use super::is_dermatologist;
use crate::{
    cases::{queue::QUEUE_DEFAULT, CaseError},
    http::AppState,
    web::{
        dates::{format_datetime, format_duration, Zones},
        errors::WebError,
        form, home_of,
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

/// How far a case is into its response-time target.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Urgency {
    Early,
    /// Past 50 %.
    Half,
    /// Past 80 %.
    Late,
    /// Past the target.
    Overdue,
}

struct Row {
    id: Uuid,
    urgent: bool,
    patient: String,
    body_site: String,
    photos: String,
    waiting: String,
    left: String,
    urgency: Urgency,
    urgency_text: String,
    offered: bool,
}

impl Row {
    fn urgency_class(&self) -> &'static str {
        match self.urgency {
            Urgency::Early => "early",
            Urgency::Half => "half",
            Urgency::Late => "late",
            Urgency::Overdue => "overdue",
        }
    }
}

/// The head of the queue, and whether more cases wait behind it.
struct Listing {
    rows: Vec<Row>,
    /// Said under the table when the queue is longer than the page.
    more: Option<String>,
}

#[derive(Template)]
#[template(path = "derm/queue.html")]
struct QueuePage {
    ctx: Ctx,
    listing: Listing,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "derm/queue_rows.html")]
struct QueueRows {
    ctx: Ctx,
    listing: Listing,
}

#[derive(Deserialize, Default)]
struct Query {
    done: Option<String>,
}

#[get("/queue")]
pub(super) async fn show(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    if !is_dermatologist(me.user()) {
        return Ok(see_other(home_of(me.user())));
    }
    let lang = me.lang();
    let done = form::query::<Query>(&req)
        .done
        .filter(|d| ["lost", "empty", "answered", "asked", "released"].contains(&d.as_str()))
        .map(|d| lang.t(&format!("queue-done-{d}")));
    let listing = listing(&state, &me).await?;
    layout::render(
        StatusCode::OK,
        &QueuePage {
            ctx: me.ctx(),
            listing,
            done,
        },
    )
}

/// The table alone, for the page's refresh.
#[get("/queue/rows")]
pub(super) async fn refresh(
    state: web::Data<AppState>,
    me: SignedIn,
) -> Result<HttpResponse, WebError> {
    if !is_dermatologist(me.user()) {
        return Err(WebError::NotFound);
    }
    let listing = listing(&state, &me).await?;
    layout::render(
        StatusCode::OK,
        &QueueRows {
            ctx: me.ctx(),
            listing,
        },
    )
}

/// "Take the next case": the first the server's order gives.
#[post("/queue/next")]
pub(super) async fn take_next(
    state: web::Data<AppState>,
    me: SignedIn,
) -> Result<HttpResponse, WebError> {
    Ok(match state.cases.claim_next(me.user()).await? {
        Some(case) => see_other(format!("/review/{}", case.id)),
        None => see_other("/queue?done=empty"),
    })
}

/// "Take this case": someone faster gets it, and the queue says so.
#[post("/queue/{id}/claim")]
pub(super) async fn take(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, WebError> {
    match state.cases.claim(me.user(), *id).await {
        Ok(case) => Ok(see_other(format!("/review/{}", case.id))),
        Err(CaseError::Conflict(_) | CaseError::InvalidState { .. } | CaseError::NotFound(_)) => {
            Ok(see_other("/queue?done=lost"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The API's default page, and one case more: it says whether more are waiting, without a count
/// of the whole queue every few seconds.
async fn listing(state: &AppState, me: &SignedIn) -> Result<Listing, WebError> {
    let limit = Some(QUEUE_DEFAULT + 1);
    let mut items = state
        .cases
        .queue(me.user(), &wire::QueueQuery { limit })
        .await?;
    let page = QUEUE_DEFAULT as usize;
    let lang = me.lang();
    let more = (items.len() > page)
        .then(|| lang.t_with("queue-more", [("shown", FluentValue::from(page))]));
    items.truncate(page);
    let now = state.clock.now();
    let mut zones = Zones::default();
    let mut rows = Vec::with_capacity(items.len());
    for item in items {
        let tz = zones.of(&state.rota, &item.territory).await;
        rows.push(row(lang, now, tz, item));
    }
    Ok(Listing { rows, more })
}

fn row(lang: Lang, now: DateTime<Utc>, tz: Tz, item: wire::QueueItem) -> Row {
    let past = |at: Option<DateTime<Utc>>| at.is_some_and(|at| now >= at);
    let urgency = if past(item.due_at) {
        Urgency::Overdue
    } else if past(item.warn_at) {
        Urgency::Late
    } else if past(item.remind_at) {
        Urgency::Half
    } else {
        Urgency::Early
    };
    let left = match item.due_at {
        Some(due) if now >= due => lang.t_with(
            "queue-overdue-by",
            [(
                "duration",
                FluentValue::from(format_duration(lang, now - due)),
            )],
        ),
        Some(due) => lang.t_with(
            "queue-left",
            [
                (
                    "duration",
                    FluentValue::from(format_duration(lang, due - now)),
                ),
                ("date", FluentValue::from(format_datetime(lang, due, tz))),
            ],
        ),
        None => lang.t("queue-no-target"),
    };
    let urgency_key = match urgency {
        Urgency::Early => "queue-urgency-early",
        Urgency::Half => "queue-urgency-half",
        Urgency::Late => "queue-urgency-late",
        Urgency::Overdue => "queue-urgency-overdue",
    };
    Row {
        id: item.id,
        urgent: item.priority == Priority::Urgent,
        patient: lang.t_with(
            "patient-age-sex",
            [
                ("age", FluentValue::from(item.age)),
                (
                    "sex",
                    FluentValue::from(lang.t(&format!("sex-{}", item.sex))),
                ),
            ],
        ),
        body_site: item.body_site,
        photos: item
            .photo_kinds
            .iter()
            .map(|k| lang.t(&format!("kind-{k}")))
            .collect::<Vec<_>>()
            .join(", "),
        waiting: format_duration(lang, chrono::Duration::seconds(item.waiting_secs)),
        left,
        urgency,
        urgency_text: lang.t(urgency_key),
        offered: item.offered_by_escalation,
    }
}
