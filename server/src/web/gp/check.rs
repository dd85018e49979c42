//! A photo checked as soon as the GP chooses it: the case service's real intake, nothing stored;
//! the verdict comes back as a fragment of the page, in the page's language (what will be
//! removed, each quality warning with its fix, or why the photo cannot be taken and what to do).

use actix_web::{http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use telederm_schemas as wire;

use crate::{
    cases::CaseError,
    error::ApiError,
    http::{upload, AppState},
    web::{errors::WebError, form, i18n::Lang, layout, session::SignedIn},
};

#[derive(Template, Default)]
#[template(path = "gp/photo_check.html")]
struct Verdict {
    checked: Option<String>,
    removed: Option<String>,
    warnings: Vec<String>,
    refused: Option<String>,
}

/// `multipart/form-data` with one photo part named by its kind; the CSRF token in
/// `X-CSRF-Token` (checked before the body is read).
#[post("/cases/photos/check")]
pub(super) async fn check_photo(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    if state.cases.may_check_photo(me.user()).is_err() {
        return Err(WebError::NotFound);
    }
    let raw = match upload::read_photo(&req, payload, &state.uploads, me.user().id).await {
        Ok(raw) => raw,
        Err(e) => return fragment(StatusCode::UNPROCESSABLE_ENTITY, &refusal(lang, &e)),
    };
    match state.cases.check_photo(me.user(), raw).await {
        Ok(result) => fragment(StatusCode::OK, &verdict(lang, &result)),
        Err(CaseError::Photo(e)) => fragment(
            StatusCode::UNPROCESSABLE_ENTITY,
            &refusal(lang, &ApiError::from(e)),
        ),
        Err(e) => Err(anyhow::Error::from(e).into()),
    }
}

fn fragment(status: StatusCode, verdict: &Verdict) -> Result<HttpResponse, WebError> {
    layout::render(status, verdict)
}

fn verdict(lang: Lang, result: &wire::PhotoCheck) -> Verdict {
    let removed: Vec<String> = result
        .metadata_removed
        .iter()
        .map(|what| lang.t(&format!("removed-{}", what.replace('_', "-"))))
        .collect();
    Verdict {
        checked: Some(lang.t_with(
            "photo-ok",
            [
                ("width", FluentValue::from(result.width)),
                ("height", FluentValue::from(result.height)),
            ],
        )),
        removed: Some(if removed.is_empty() {
            lang.t("photo-removed-nothing")
        } else {
            lang.t_with(
                "photo-removed",
                [("what", FluentValue::from(removed.join(", ")))],
            )
        }),
        warnings: result
            .quality_warnings
            .iter()
            .map(|w| lang.t(&format!("quality-{}", w.code.replace('_', "-"))))
            .collect(),
        refused: None,
    }
}

/// Why the photo cannot be taken, and what to do, in the page's language.
fn refusal(lang: Lang, e: &ApiError) -> Verdict {
    Verdict {
        refused: Some(form::photo_refusal(lang, e)),
        ..Verdict::default()
    }
}
