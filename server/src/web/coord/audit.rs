//! `GET /audit`: the audit trail of the coordinator's territories (every line for an admin),
//! newest first, a page at a time, filtered by case, person, action and period; and "verify the
//! chain" (`?verify=1`), with the head hash to note down elsewhere. The same service and scope
//! as `GET /api/v1/audit`.

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use telederm_schemas as wire;

use super::{dashboard::Choice, places_of, short_ref};
use crate::{
    http::AppState,
    reports::{dashboard::midnight, ReportError},
    web::{
        dates::format_datetime,
        errors::WebError,
        form::{self, FieldErrors},
        home_of,
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

const PER_PAGE: i64 = 50;

/// The actions a coordinator filters by, in the order of a case's life, then the rest.
const ACTIONS: [&str; 29] = [
    "case.submitted",
    "case.read",
    "photo.read",
    "case.claimed",
    "case.released",
    "case.lease_expired",
    "case.info_requested",
    "case.replied",
    "case.answered",
    "case.outcome_recorded",
    "case.closed",
    "case.cancelled",
    "sla.remind",
    "sla.offer",
    "sla.breach",
    "auth.login",
    "auth.login_failed",
    "auth.logout",
    "shift.created",
    "shift.deleted",
    "sla_policy.set",
    "territory.created",
    "territory.updated",
    "user.created",
    "user.disabled",
    "user.webhook_set",
    "user.webhook_secret_rotated",
    "keys.rotated",
    "notification.retried",
];

#[derive(Debug, Default, Deserialize)]
struct AuditForm {
    case: Option<String>,
    person: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
    verify: Option<String>,
}

struct Line {
    at: String,
    person: String,
    action: String,
    case: Option<(String, String)>,
    territory: String,
    detail: String,
}

struct Verification {
    intact: bool,
    summary: String,
    /// Lines written after the head, not checked yet.
    pending: Option<String>,
    head_hash: Option<String>,
}

#[derive(Template)]
#[template(path = "coord/audit.html")]
struct AuditPageView {
    ctx: Ctx,
    case: String,
    from: String,
    to: String,
    people: Vec<Choice>,
    actions: Vec<Choice>,
    errors: FieldErrors,
    lines: Vec<Line>,
    older: Option<String>,
    newest: Option<String>,
    verification: Option<Verification>,
}

/// The label of an action (its code when it has none: a newer action still shows).
fn action_label(lang: Lang, action: &str) -> String {
    lang.find(&format!("coord-action-{}", action.replace(['.', '_'], "-")))
        .unwrap_or_else(|| action.to_owned())
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[get("/audit")]
pub(super) async fn trail(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let Some(places) = places_of(&state, me.user()).await? else {
        return Ok(see_other(home_of(me.user())));
    };
    let lang = me.lang();
    let f: AuditForm = form::query(&req);
    let tz = places
        .first()
        .map_or(chrono_tz::Europe::Paris, |t| t.timezone.tz());
    let mut errors = FieldErrors::default();
    let case = blank(&f.case).and_then(|raw| {
        uuid::Uuid::parse_str(raw)
            .map_err(|_| errors.add("case", lang.t("coord-invalid-case")))
            .ok()
    });
    let people = state
        .reports
        .audit_people(me.user())
        .await
        .map_err(internal)?;
    let person = blank(&f.person).and_then(|raw| {
        let found = uuid::Uuid::parse_str(raw)
            .ok()
            .filter(|id| people.iter().any(|p| p.id == *id));
        if found.is_none() {
            errors.add("person", lang.t("coord-invalid-person"));
        }
        found
    });
    let action = blank(&f.action).map(str::to_owned);
    let mut day = |field: &str, raw: &Option<String>| {
        blank(raw).and_then(|raw| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| errors.add(field, lang.t("coord-invalid-date")))
                .ok()
        })
    };
    let (from_day, to_day) = (day("from", &f.from), day("to", &f.to));
    let filters = filters_of(&f);
    let mut lines = Vec::new();
    let mut older = None;
    if errors.is_empty() {
        let query = wire::AuditQuery {
            case,
            actor: person,
            action,
            territory: None,
            from: from_day.map(|d| midnight(tz, d)),
            to: to_day.map(|d| midnight(tz, d + Duration::days(1))),
            before: f.before,
            limit: Some(PER_PAGE),
        };
        let page = state
            .reports
            .audit_trail(me.user(), &query)
            .await
            .map_err(internal)?;
        let zone = |code: Option<&str>| {
            places
                .iter()
                .find(|t| Some(t.code.as_str()) == code)
                .map_or(tz, |t| t.timezone.tz())
        };
        lines = page
            .entries
            .iter()
            .map(|e| Line {
                at: format_datetime(lang, e.at, zone(e.territory.as_deref())),
                person: e
                    .actor
                    .as_ref()
                    .map_or_else(|| lang.t("coord-system"), |p| p.name.clone()),
                action: action_label(lang, &e.action),
                case: e
                    .case_id
                    .map(|id| (short_ref(id), format!("/audit?case={id}"))),
                territory: e.territory.clone().unwrap_or_default(),
                detail: e
                    .detail
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            })
            .collect();
        older = page
            .next_before
            .map(|seq| join(&filters, &format!("before={seq}")));
    }
    let verification = match blank(&f.verify) {
        Some(_) => Some(verify(&state, &me, lang).await?),
        None => None,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let chosen_person = person.map(|p| p.to_string());
    let page = AuditPageView {
        ctx: me.ctx(),
        case: f.case.clone().unwrap_or_default(),
        from: f.from.clone().unwrap_or_default(),
        to: f.to.clone().unwrap_or_default(),
        people: std::iter::once(Choice {
            value: String::new(),
            label: lang.t("coord-anyone"),
            selected: person.is_none(),
        })
        .chain(people.iter().map(|p| Choice {
            value: p.id.to_string(),
            label: p.name.clone(),
            selected: chosen_person.as_deref() == Some(&p.id.to_string()),
        }))
        .collect(),
        actions: std::iter::once(Choice {
            value: String::new(),
            label: lang.t("coord-any-action"),
            selected: blank(&f.action).is_none(),
        })
        .chain(ACTIONS.iter().map(|a| Choice {
            value: (*a).to_owned(),
            label: action_label(lang, a),
            selected: blank(&f.action) == Some(a),
        }))
        .collect(),
        errors,
        lines,
        newest: f.before.map(|_| join(&filters, "")),
        older,
        verification,
    };
    layout::render(status, &page)
}

async fn verify(state: &AppState, me: &SignedIn, lang: Lang) -> Result<Verification, WebError> {
    let v = state
        .reports
        .verify_audit(me.user())
        .await
        .map_err(internal)?;
    let summary = if v.intact {
        lang.t_with(
            "coord-verify-intact",
            [("lines", FluentValue::from(v.lines_checked))],
        )
    } else {
        lang.t_with(
            "coord-verify-broken",
            [
                ("lines", FluentValue::from(v.lines_checked)),
                (
                    "seq",
                    FluentValue::from(v.first_broken_seq.unwrap_or_default()),
                ),
            ],
        )
    };
    let pending = (v.lines_pending > 0).then(|| {
        lang.t_with(
            "coord-verify-pending",
            [("pending", FluentValue::from(v.lines_pending))],
        )
    });
    Ok(Verification {
        intact: v.intact,
        summary,
        pending,
        head_hash: v.head_hash,
    })
}

fn internal(e: ReportError) -> WebError {
    match e {
        ReportError::Internal(e) => WebError::Internal(e),
        // The role was checked first; the filters are read above.
        ReportError::Forbidden | ReportError::Validation(_) => WebError::Invalid,
    }
}

/// The filters given, as a query string (without the page and the verification).
fn filters_of(f: &AuditForm) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("case", &f.case),
        ("person", &f.person),
        ("action", &f.action),
        ("from", &f.from),
        ("to", &f.to),
    ] {
        if let Some(v) = blank(value) {
            pairs.append_pair(key, v);
        }
    }
    pairs.finish()
}

fn join(filters: &str, extra: &str) -> String {
    match (filters.is_empty(), extra.is_empty()) {
        (true, true) => "/audit".to_owned(),
        (true, false) => format!("/audit?{extra}"),
        (false, true) => format!("/audit?{filters}"),
        (false, false) => format!("/audit?{filters}&{extra}"),
    }
}
