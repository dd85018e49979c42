//! `GET /settings`, `POST /settings`: the page and its one form, thin over
//! `AccountService::{notification_settings, set_notification_settings}` like
//! `/api/v1/me/notifications`.

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use telederm_schemas as wire;

use super::{
    read,
    view::{self, KindView},
};
use crate::{
    accounts::AccountError,
    http::AppState,
    web::{
        errors::WebError,
        fields::Fields,
        form::{self, FieldErrors},
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

/// A radio button of the language.
pub struct LanguageChoice {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "settings/page.html")]
struct SettingsPage {
    ctx: Ctx,
    email: String,
    email_available: bool,
    webhook_configured: bool,
    languages: Vec<LanguageChoice>,
    kinds: Vec<KindView>,
    errors: FieldErrors,
    notice: Option<String>,
}

impl SettingsPage {
    /// The ids of the notes every kind's group is described by (e-mail off, no webhook).
    fn notes(&self) -> String {
        let mut ids = Vec::new();
        if !self.email_available {
            ids.push("email-off");
        }
        if !self.webhook_configured {
            ids.push("no-webhook");
        }
        ids.join(" ")
    }
}

#[derive(serde::Deserialize, Default)]
struct Query {
    done: Option<String>,
}

#[get("/settings")]
pub(super) async fn show(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let query: Query = form::query(&req);
    let notice = match query.done.as_deref() {
        Some("saved") => Some(me.lang().t("settings-done-saved")),
        _ => None,
    };
    let settings = state
        .accounts
        .notification_settings(me.user(), state.notifier.email_available());
    let none = FieldErrors::default();
    render(&me, &settings, StatusCode::OK, None, none, notice)
}

/// The CSRF guard has checked the form's token.
#[post("/settings")]
pub(super) async fn save(
    state: web::Data<AppState>,
    me: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let f = Fields::parse(&body)?;
    let email_available = state.notifier.email_available();
    let errors = match read::request(me.lang(), &f) {
        Err(errors) => errors,
        Ok(req) => {
            let saved = state
                .accounts
                .set_notification_settings(me.user(), &req, email_available)
                .await;
            match saved {
                Ok(saved) => {
                    // The pages of this session follow the language just saved, as the
                    // header's switch makes them.
                    let chosen = Lang::from(saved.language);
                    if chosen != me.lang() {
                        state
                            .sessions
                            .set_language(me.session(), Some(chosen.code()))
                            .await?;
                    }
                    return Ok(see_other("/settings?done=saved"));
                }
                Err(AccountError::Validation(e)) => read::refusal(me.lang(), me.user().role, e),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let settings = state
        .accounts
        .notification_settings(me.user(), email_available);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(&me, &settings, status, Some(&f), errors, None)
}

/// The page with `settings` as stored, or with what a refused form `sent`.
fn render(
    me: &SignedIn,
    settings: &wire::NotificationSettings,
    status: StatusCode,
    sent: Option<&Fields>,
    errors: FieldErrors,
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    let language = sent
        .and_then(|f| {
            Lang::ALL
                .into_iter()
                .find(|l| l.code() == f.get("language"))
        })
        .unwrap_or_else(|| Lang::from(settings.language));
    let languages = Lang::ALL
        .into_iter()
        .map(|l| LanguageChoice {
            code: l.code(),
            label: lang.t(match l {
                Lang::Fr => "settings-language-fr",
                Lang::En => "settings-language-en",
            }),
            checked: l == language,
        })
        .collect();
    let page = SettingsPage {
        email: settings.email.clone(),
        email_available: settings.email_available,
        webhook_configured: settings.webhook_configured,
        languages,
        kinds: view::kinds(lang, me.user().role, settings, sent, &errors),
        errors,
        notice,
        ctx: me.ctx(),
    };
    layout::render(status, &page)
}
