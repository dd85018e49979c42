//! "My cases": the GP's cases, the most recently active first, a page at a time, each with what
//! the GP is expected to do.

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use telederm_schemas::{self as wire, CaseStatus, Priority};

use super::is_gp;
use crate::{
    cases::ListPage,
    http::AppState,
    web::{
        dates::{format_datetime, format_duration, Zones},
        errors::WebError,
        form, home_of,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

const PER_PAGE: u32 = 20;

#[derive(Deserialize, Default)]
struct Query {
    page: Option<u32>,
}

/// One line, in the page's words.
struct Line {
    href: String,
    status: CaseStatus,
    status_text: String,
    urgent: bool,
    title: String,
    sent: String,
    waiting: Option<String>,
    due: Option<String>,
    expected: Option<String>,
}

#[derive(Template)]
#[template(path = "gp/list.html")]
struct ListPageView {
    ctx: Ctx,
    lines: Vec<Line>,
    page: u32,
    has_next: bool,
}

#[get("/cases")]
pub(super) async fn my_cases(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    if !is_gp(me.user()) {
        return Ok(see_other(home_of(me.user())));
    }
    let query: Query = form::query(&req);
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    // One more than shown: whether there is a next page.
    let wanted = ListPage {
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE + 1,
    };
    let mut cases = state.cases.gp_cases(me.user(), wanted).await?;
    let has_next = cases.len() > PER_PAGE as usize;
    cases.truncate(PER_PAGE as usize);

    let lang = me.lang();
    let now = state.clock.now();
    let mut zones = Zones::default();
    let mut lines = Vec::with_capacity(cases.len());
    for case in cases {
        let tz = zones.of(&state.rota, &case.territory).await;
        // Waiting for a dermatologist (not while the case waits on the GP).
        let open = matches!(case.status, CaseStatus::Queued | CaseStatus::Claimed);
        lines.push(Line {
            href: format!("/cases/{}", case.id),
            status: case.status,
            status_text: lang.t(&format!("status-{}", case.status)),
            urgent: case.priority == Priority::Urgent,
            title: if case.patient_ref == crate::cases::read::ERASED {
                lang.t("list-erased")
            } else {
                title(&case)
            },
            sent: lang.t_with(
                "list-sent",
                [(
                    "date",
                    FluentValue::from(format_datetime(lang, case.submitted_at, tz)),
                )],
            ),
            waiting: open.then(|| {
                lang.t_with(
                    "list-waiting",
                    [(
                        "duration",
                        FluentValue::from(format_duration(lang, now - case.submitted_at)),
                    )],
                )
            }),
            due: case.due_at.filter(|_| open).map(|due| {
                lang.t_with(
                    "list-due",
                    [("date", FluentValue::from(format_datetime(lang, due, tz)))],
                )
            }),
            expected: match case.status {
                CaseStatus::InfoRequested => Some(lang.t("expected-answer-question")),
                CaseStatus::Answered => Some(lang.t("expected-read-answer")),
                _ => None,
            },
        });
    }
    let view = ListPageView {
        ctx: me.ctx(),
        lines,
        page,
        has_next,
    };
    layout::render(StatusCode::OK, &view)
}

/// The GP's own reference and the body site: how the GP recognises the case.
fn title(case: &wire::CaseSummary) -> String {
    format!("{} · {}", case.patient_ref, case.body_site)
}
