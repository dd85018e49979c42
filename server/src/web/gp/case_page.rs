//! A case's page for its GP: what was sent, the dermatologist's questions and the GP's replies,
//! the answer, the outcome, and the history; with the forms of what the GP may do now (reply,
//! record the outcome, close, cancel: `actions.rs`). Its photos are `web::photos`'.

use actix_web::{get, http::StatusCode, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use telederm_schemas::{self as wire, CaseStatus, Priority};
use uuid::Uuid;

use super::is_gp;
use crate::{
    http::AppState,
    web::{
        dates::{format_date, format_datetime, zone_of},
        errors::WebError,
        form::{self, FieldErrors},
        i18n::Lang,
        layout::{self, Ctx},
        session::SignedIn,
    },
};

#[derive(Deserialize, Default)]
struct Query {
    /// What was just done, to say so (`outcome`, `reply`...).
    done: Option<String>,
}

/// What the page shows again after a refused form: the errors and what was typed.
#[derive(Default)]
pub(super) struct Refused {
    pub errors: FieldErrors,
    pub reply: String,
    pub outcome: Option<OutcomeValues>,
}

/// The outcome form's values, as typed (`YYYY-MM-DD` dates).
#[derive(Default, Deserialize)]
pub(super) struct OutcomeValues {
    #[serde(default)]
    pub in_person_date: String,
    #[serde(default)]
    pub biopsy_date: String,
    #[serde(default)]
    pub histology_result: String,
    #[serde(default)]
    pub histology_date: String,
    #[serde(default)]
    pub treatment_date: String,
}

impl OutcomeValues {
    /// The date fields: name, label and value.
    fn dates(&self) -> [(&'static str, &'static str, &str); 4] {
        [
            ("in_person_date", "outcome-in-person", &self.in_person_date),
            ("biopsy_date", "outcome-biopsy", &self.biopsy_date),
            (
                "histology_date",
                "outcome-histology-date",
                &self.histology_date,
            ),
            ("treatment_date", "outcome-treatment", &self.treatment_date),
        ]
    }
}

struct PhotoView {
    href: String,
    label: String,
    size: String,
}

struct AnswerView {
    by: String,
    diagnosis: String,
    management: String,
    delay: Option<String>,
    report: String,
}

struct ExchangeView {
    asked: String,
    message: String,
    wants_new_photos: bool,
    reply: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "gp/case.html")]
struct CasePage {
    ctx: Ctx,
    id: Uuid,
    title: String,
    status: CaseStatus,
    status_text: String,
    urgent: bool,
    due: Option<String>,
    expected: Option<String>,
    done: Option<String>,
    facts: Vec<(String, String)>,
    photos: Vec<PhotoView>,
    answer: Option<AnswerView>,
    exchanges: Vec<ExchangeView>,
    outcome: OutcomeValues,
    outcome_by: Option<String>,
    history: Vec<(String, String)>,
    can_reply: bool,
    can_cancel: bool,
    can_close: bool,
    can_record_outcome: bool,
    errors: FieldErrors,
    reply: String,
}

#[get("/cases/{id}")]
pub(super) async fn show(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let done = form::query::<Query>(&req).done;
    render(&state, &me, *id, StatusCode::OK, done, Refused::default()).await
}

/// The page (after a refused form: with what to fix, `status` 422).
pub(super) async fn render(
    state: &AppState,
    me: &SignedIn,
    id: Uuid,
    status: StatusCode,
    done: Option<String>,
    refused: Refused,
) -> Result<HttpResponse, WebError> {
    // The dermatologist's view of a case is its own page (the workspace), not this one.
    if !is_gp(me.user()) {
        return Err(WebError::NotFound);
    }
    let case = state.cases.read_case(me.user(), id).await?;
    let tz = zone_of(&state.rota, &case.territory).await;
    let page = view(me.ctx(), me.lang(), tz, case, done, refused);
    layout::render(status, &page)
}

fn view(
    ctx: Ctx,
    lang: Lang,
    tz: Tz,
    case: wire::Case,
    done: Option<String>,
    refused: Refused,
) -> CasePage {
    let at = |t| format_datetime(lang, t, tz);
    let open = matches!(
        case.status,
        CaseStatus::Queued | CaseStatus::Claimed | CaseStatus::InfoRequested
    );
    let outcome_values = |o: &wire::Outcome| OutcomeValues {
        in_person_date: o.in_person_date.map(|d| d.to_string()).unwrap_or_default(),
        biopsy_date: o.biopsy_date.map(|d| d.to_string()).unwrap_or_default(),
        histology_result: o.histology_result.clone().unwrap_or_default(),
        histology_date: o.histology_date.map(|d| d.to_string()).unwrap_or_default(),
        treatment_date: o.treatment_date.map(|d| d.to_string()).unwrap_or_default(),
    };
    let pending_question = case.info_requests.iter().any(|x| x.reply.is_none());
    CasePage {
        title: lang.t_with(
            "gp-case-title",
            [("date", FluentValue::from(at(case.submitted_at)))],
        ),
        status: case.status,
        status_text: lang.t(&format!("status-{}", case.status)),
        urgent: case.priority == Priority::Urgent,
        due: case
            .due_at
            .filter(|_| open)
            .map(|due| lang.t_with("list-due", [("date", FluentValue::from(at(due)))])),
        expected: match case.status {
            CaseStatus::InfoRequested => Some(lang.t("expected-answer-question")),
            CaseStatus::Answered => Some(lang.t("expected-read-answer")),
            _ => None,
        },
        done: done
            .filter(|d| {
                matches!(
                    d.as_str(),
                    "sent" | "reply" | "outcome" | "close" | "cancel"
                )
            })
            .map(|d| lang.t(&format!("done-{d}"))),
        facts: facts(lang, tz, &case),
        photos: case
            .photos
            .iter()
            .enumerate()
            .map(|(i, p)| PhotoView {
                href: format!("/cases/{}/photos/{}", case.id, p.id),
                label: lang.t_with(
                    "photo-label",
                    [
                        ("number", FluentValue::from(i + 1)),
                        (
                            "kind",
                            FluentValue::from(lang.t(&format!("kind-{}", p.kind))),
                        ),
                    ],
                ),
                size: format!("{} × {}", p.width, p.height),
            })
            .collect(),
        answer: case.answer.as_ref().map(|a| AnswerView {
            by: lang.t_with(
                "case-answered-by",
                [
                    ("name", FluentValue::from(a.dermatologist.name.clone())),
                    ("date", FluentValue::from(at(a.answered_at))),
                ],
            ),
            diagnosis: match &a.icd10 {
                Some(code) => format!("{} ({code})", a.diagnosis),
                None => a.diagnosis.clone(),
            },
            management: lang.t(&format!("management-{}", a.management)),
            delay: a
                .delay_days
                .map(|days| lang.t_with("answer-delay-days", [("days", FluentValue::from(days))])),
            report: a.report.clone(),
        }),
        exchanges: case
            .info_requests
            .iter()
            .map(|x| ExchangeView {
                asked: lang.t_with(
                    "case-asked-by",
                    [
                        ("name", FluentValue::from(x.dermatologist.name.clone())),
                        ("date", FluentValue::from(at(x.asked_at))),
                    ],
                ),
                message: x.message.clone(),
                wants_new_photos: x.wants_new_photos,
                reply: x.reply.clone().map(|r| {
                    let when = x.replied_at.map(&at).unwrap_or_default();
                    (
                        lang.t_with("case-replied-on", [("date", FluentValue::from(when))]),
                        r,
                    )
                }),
            })
            .collect(),
        outcome: refused
            .outcome
            .or_else(|| case.outcome.as_ref().map(outcome_values))
            .unwrap_or_default(),
        outcome_by: case.outcome.as_ref().map(|o| {
            lang.t_with(
                "outcome-recorded-by",
                [
                    ("name", FluentValue::from(o.updated_by_person.name.clone())),
                    ("date", FluentValue::from(at(o.updated_at))),
                ],
            )
        }),
        history: case
            .events
            .iter()
            .map(|e| {
                let what = lang
                    .find(&format!("event-{}", e.kind))
                    .unwrap_or_else(|| e.kind.clone());
                let what = match &e.actor {
                    Some(who) => format!("{what} · {}", who.name),
                    None => what,
                };
                (at(e.at), what)
            })
            .collect(),
        can_reply: case.status == CaseStatus::InfoRequested && pending_question,
        can_cancel: case.status == CaseStatus::Queued,
        can_close: case.status == CaseStatus::Answered,
        can_record_outcome: matches!(case.status, CaseStatus::Answered | CaseStatus::Closed),
        errors: refused.errors,
        reply: refused.reply,
        id: case.id,
        ctx,
    }
}

/// What the GP sent, as label and value, the empty ones left out.
fn facts(lang: Lang, tz: Tz, case: &wire::Case) -> Vec<(String, String)> {
    let mut facts = vec![
        (lang.t("field-patient-ref"), case.patient_ref.clone()),
        (
            lang.t("field-patient"),
            lang.t_with(
                "patient-age-sex",
                [
                    ("age", FluentValue::from(case.age)),
                    (
                        "sex",
                        FluentValue::from(lang.t(&format!("sex-{}", case.sex))),
                    ),
                ],
            ),
        ),
        (lang.t("field-body-site"), case.body_site.clone()),
        (lang.t("field-question"), case.question.clone()),
    ];
    let optional = [
        ("field-duration", &case.duration),
        ("field-evolution", &case.evolution),
        ("field-history", &case.history),
        ("field-treatments", &case.treatments),
    ];
    facts.extend(
        optional
            .into_iter()
            .filter_map(|(key, value)| value.clone().map(|v| (lang.t(key), v))),
    );
    if let Some(p) = case.phototype {
        facts.push((lang.t("field-phototype"), p.to_string()));
    }
    facts.push((
        lang.t("case-consent"),
        lang.t_with(
            "case-consent-on",
            [(
                "date",
                FluentValue::from(format_date(
                    lang,
                    case.consent_at.with_timezone(&tz).date_naive(),
                )),
            )],
        ),
    ));
    facts
}
