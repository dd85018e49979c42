//! A case the dermatologist has taken: what the GP sent, the photo viewer, the questions asked
//! and their replies, and the forms to answer, ask for more, or release (`actions.rs`).

use actix_web::{get, http::StatusCode, web, HttpResponse};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;
use telederm_schemas::{self as wire, Management, Priority};
use uuid::Uuid;

use super::is_dermatologist;
use crate::{
    accounts::phrases::Phrase,
    http::AppState,
    web::{
        dates::{format_datetime, zone_of},
        errors::WebError,
        form::FieldErrors,
        i18n::Lang,
        layout::{self, Ctx},
        session::SignedIn,
    },
};

/// A photo as the viewer shows it: the stored photo itself, at its own size.
pub(super) struct ViewerPhoto {
    pub src: String,
    pub label: String,
    pub width: u32,
    pub height: u32,
    pub details: String,
    pub warnings: Vec<String>,
}

/// The answer form's values, as typed.
#[derive(Default, Deserialize)]
pub(super) struct AnswerValues {
    #[serde(default)]
    pub icd10: String,
    #[serde(default)]
    pub diagnosis: String,
    #[serde(default)]
    pub management: String,
    #[serde(default)]
    pub delay_days: String,
    #[serde(default)]
    pub report: String,
}

/// The request-for-information form's values, as typed.
#[derive(Default, Deserialize)]
pub(super) struct AskValues {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub wants_new_photos: Option<String>,
}

/// What the page shows again after a refused form.
#[derive(Default)]
pub(super) struct Refused {
    pub errors: FieldErrors,
    pub answer: AnswerValues,
    pub ask: AskValues,
}

#[derive(Template)]
#[template(path = "derm/review.html")]
struct ReviewPage {
    ctx: Ctx,
    id: Uuid,
    title: String,
    urgent: bool,
    due: Option<String>,
    facts: Vec<(String, String)>,
    photos: Vec<ViewerPhoto>,
    exchanges: Vec<(String, String, Option<String>)>,
    managements: Vec<(&'static str, String)>,
    phrases: Vec<Phrase>,
    errors: FieldErrors,
    answer: AnswerValues,
    ask: AskValues,
}

#[get("/review/{id}")]
pub(super) async fn show(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, WebError> {
    render(&state, &me, *id, StatusCode::OK, Refused::default()).await
}

/// The page (after a refused form: with what to fix, `status` 422).
pub(super) async fn render(
    state: &AppState,
    me: &SignedIn,
    id: Uuid,
    status: StatusCode,
    refused: Refused,
) -> Result<HttpResponse, WebError> {
    if !is_dermatologist(me.user()) {
        return Err(WebError::NotFound);
    }
    let case = state.cases.read_case(me.user(), id).await?;
    if case.claimed_by != Some(me.user().id.as_uuid()) {
        // Read access without the claim (e.g. after answering): not a case to work on here.
        return Err(WebError::NotFound);
    }
    let tz = zone_of(&state.rota, &case.territory).await;
    let lang = me.lang();
    let at = |t| format_datetime(lang, t, tz);
    let page = ReviewPage {
        title: lang.t_with(
            "review-title",
            [("date", FluentValue::from(at(case.submitted_at)))],
        ),
        urgent: case.priority == Priority::Urgent,
        due: case
            .due_at
            .map(|due| lang.t_with("list-due", [("date", FluentValue::from(at(due)))])),
        facts: facts(lang, &case),
        photos: case
            .photos
            .iter()
            .enumerate()
            .map(|(i, p)| photo(lang, &case, i, p))
            .collect(),
        exchanges: case
            .info_requests
            .iter()
            .map(|x| {
                let asked = lang.t_with(
                    "case-asked-by",
                    [
                        ("name", FluentValue::from(x.dermatologist.name.clone())),
                        ("date", FluentValue::from(at(x.asked_at))),
                    ],
                );
                (asked, x.message.clone(), x.reply.clone())
            })
            .collect(),
        managements: [
            Management::Reassure,
            Management::Treat,
            Management::FollowUpPhotos,
            Management::InPersonConsult,
            Management::UrgentBiopsyOrExcision,
        ]
        .into_iter()
        .map(|m| (m.as_str(), lang.t(&format!("management-{m}"))))
        .collect(),
        phrases: state.accounts.phrases(me.user()).await?,
        errors: refused.errors,
        answer: refused.answer,
        ask: refused.ask,
        id: case.id,
        ctx: me.ctx(),
    };
    layout::render(status, &page)
}

fn photo(lang: Lang, case: &wire::Case, i: usize, p: &wire::Photo) -> ViewerPhoto {
    ViewerPhoto {
        src: format!("/cases/{}/photos/{}", case.id, p.id),
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
        width: p.width,
        height: p.height,
        details: lang.t_with(
            "viewer-details",
            [
                ("width", FluentValue::from(p.width)),
                ("height", FluentValue::from(p.height)),
                ("kb", FluentValue::from(p.bytes.div_ceil(1024))),
                ("format", FluentValue::from(p.format.to_uppercase())),
            ],
        ),
        warnings: p
            .quality_warnings
            .iter()
            .map(|w| lang.t(&format!("quality-{}", w.code.replace('_', "-"))))
            .collect(),
    }
}

/// What the GP sent (its own reference for the patient is its business, not shown here).
fn facts(lang: Lang, case: &wire::Case) -> Vec<(String, String)> {
    let mut facts = vec![
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
        (lang.t("review-question"), case.question.clone()),
        (lang.t("review-gp"), case.gp.name.clone()),
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
    facts
}
