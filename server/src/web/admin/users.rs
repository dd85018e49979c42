//! `/admin/users`: every user, a form to create one (role, home territory or territories, RPPS,
//! webhook URL), and per user: disable, set the webhook URL, rotate its secret. A new secret is
//! shown on the answer to the form that made it, this once, never stored in the page's address
//! nor kept by any cache.

use actix_web::{
    get,
    http::{header, StatusCode},
    post, web, HttpResponse,
};
use askama::Template;
use secrecy::ExposeSecret;
use telederm_schemas as wire;
use uuid::Uuid;

use super::{is_admin, Section};
use crate::{
    accounts::{AccountError, WithSecret},
    domain::{NewUser, Role, ValidationErrors, WebhookUrl},
    http::AppState,
    web::{
        errors::WebError,
        fields::Fields,
        form::{self, FieldErrors},
        home_of,
        i18n::Lang,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

struct Line {
    id: String,
    name: String,
    email: String,
    role: String,
    scope: String,
    rpps: String,
    webhook: Option<String>,
    disabled: bool,
    is_me: bool,
}

/// The secret made by this very request, and whose it is.
struct Shown {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: Ctx,
    section: Section,
    lines: Vec<Line>,
    roles: Vec<(&'static str, String)>,
    territories: Vec<(String, String)>,
    /// What the create form sent, when refused.
    sent: Fields,
    errors: FieldErrors,
    /// The user whose webhook form was refused.
    webhook_refused: Option<String>,
    shown: Option<Shown>,
    notice: Option<String>,
}

impl UsersPage {
    fn role_chosen(&self, role: &str) -> bool {
        self.sent.get("role") == role
    }
}

#[derive(serde::Deserialize, Default)]
struct Query {
    done: Option<String>,
}

/// What the page shows besides the users: a refused form, a secret just made, a notice.
#[derive(Default)]
struct Outcome {
    sent: Fields,
    errors: FieldErrors,
    webhook_refused: Option<String>,
    shown: Option<Shown>,
    notice: Option<String>,
}

impl Outcome {
    fn refused(sent: Fields, errors: FieldErrors) -> Outcome {
        Outcome {
            sent,
            errors,
            ..Outcome::default()
        }
    }

    fn done(notice: Option<String>, shown: Option<Shown>) -> Outcome {
        Outcome {
            notice,
            shown,
            ..Outcome::default()
        }
    }
}

/// The page with this outcome.
async fn render(
    state: &AppState,
    me: &SignedIn,
    status: StatusCode,
    outcome: Outcome,
) -> Result<HttpResponse, WebError> {
    let Outcome {
        sent,
        errors,
        webhook_refused,
        shown,
        notice,
    } = outcome;
    let lang = me.lang();
    let mut users = state.accounts.users(me.user(), None).await?;
    users.sort_by(|a, b| {
        (a.is_disabled(), a.role.as_str(), a.display_name.as_str()).cmp(&(
            b.is_disabled(),
            b.role.as_str(),
            b.display_name.as_str(),
        ))
    });
    let lines = users
        .iter()
        .map(|u| Line {
            id: u.id.to_string(),
            name: u.display_name.as_str().to_owned(),
            email: u.email.to_string(),
            role: role_label(lang, u.role),
            scope: match (&u.home_territory, u.territories.is_empty()) {
                (Some(home), _) => format!("{} {home}", lang.t("admin-user-home-short")),
                (None, false) => format!(
                    "{} {}",
                    lang.t("admin-user-territories"),
                    u.territories
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (None, true) => String::new(),
            },
            rpps: u
                .rpps
                .as_ref()
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            webhook: u.webhook_url.as_ref().map(|w| w.as_str().to_owned()),
            disabled: u.is_disabled(),
            is_me: u.id == me.user().id,
        })
        .collect();
    let territories = state
        .rota
        .territories()
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("territories: {e}")))?
        .iter()
        .map(|t| (t.code.to_string(), t.name.as_str().to_owned()))
        .collect();
    let page = UsersPage {
        section: Section::Users,
        lines,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), role_label(lang, *r)))
            .collect(),
        territories,
        sent,
        errors,
        webhook_refused,
        shown,
        notice,
        ctx: me.ctx(),
    };
    let mut res = layout::render(status, &page)?;
    // A page that may show a secret is kept by no cache.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

fn role_label(lang: Lang, role: Role) -> String {
    lang.t(&format!("admin-role-{}", role.as_str()))
}

#[get("/admin/users")]
pub(super) async fn list(
    state: web::Data<AppState>,
    me: SignedIn,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, WebError> {
    if !is_admin(me.user()) {
        return Ok(see_other(home_of(me.user())));
    }
    let query: Query = form::query(&req);
    let notice = query
        .done
        .as_deref()
        .and_then(|d| me.lang().find(&format!("admin-done-{d}")));
    render(&state, &me, StatusCode::OK, Outcome::done(notice, None)).await
}

/// A refusal of the accounts service, field by field in the page's words.
fn refusal(lang: Lang, e: AccountError) -> Result<FieldErrors, WebError> {
    let mut errors = FieldErrors::default();
    match e {
        AccountError::Validation(v) => {
            for f in v.into_fields() {
                errors.invalid_as(lang, "admin-invalid-", &f.field, "admin-invalid-form");
            }
        }
        AccountError::Conflict(_) => errors.add("email", lang.t("admin-invalid-email-taken")),
        other => return Err(other.into()),
    }
    Ok(errors)
}

fn shown(made: &WithSecret) -> Option<Shown> {
    made.webhook_secret.as_ref().map(|s| Shown {
        name: made.user.display_name.as_str().to_owned(),
        secret: s.expose_secret().to_owned(),
    })
}

#[post("/admin/users")]
pub(super) async fn create(
    state: web::Data<AppState>,
    me: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    state.accounts.may_create(me.user())?;
    let f = Fields::parse(&body)?;
    let role = Role::ALL
        .iter()
        .copied()
        .find(|r| r.as_str() == f.get("role"));
    let Some(role) = role else {
        let mut errors = FieldErrors::default();
        errors.add("role", lang.t("admin-invalid-role"));
        let outcome = Outcome::refused(f, errors);
        return render(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, outcome).await;
    };
    let optional = |name: &str| Some(f.get(name).to_owned()).filter(|v| !v.is_empty());
    // Only the scope of the role chosen counts: the other controls may still hold a choice.
    let req = wire::CreateUser {
        email: f.get("email").to_owned(),
        display_name: f.get("display_name").to_owned(),
        role,
        password: f.get("password").to_owned(),
        home_territory: optional("home_territory").filter(|_| role == Role::Gp),
        territories: match role {
            Role::Coordinator => f
                .all("territories")
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            _ => Vec::new(),
        },
        rpps: optional("rpps"),
        webhook_url: optional("webhook_url"),
    };
    let result = match NewUser::parse(req) {
        Ok(new) => state.accounts.create(me.user(), new).await,
        Err(e) => Err(AccountError::Validation(e)),
    };
    match result {
        Ok(made) => {
            let outcome = Outcome::done(Some(lang.t("admin-done-created")), shown(&made));
            render(&state, &me, StatusCode::OK, outcome).await
        }
        Err(e) => {
            let outcome = Outcome::refused(f, refusal(lang, e)?);
            render(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, outcome).await
        }
    }
}

#[post("/admin/users/{id}/disable")]
pub(super) async fn disable(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, WebError> {
    match state
        .accounts
        .disable(me.user(), id.into_inner().into())
        .await
    {
        Ok(_) => Ok(see_other("/admin/users?done=disabled")),
        // One's own account: the page offers no such button.
        Err(AccountError::Conflict(_)) => Err(WebError::Invalid),
        Err(e) => Err(e.into()),
    }
}

#[post("/admin/users/{id}/webhook")]
pub(super) async fn set_webhook(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    let id = id.into_inner();
    let f = Fields::parse(&body)?;
    let raw = f.get("webhook_url");
    let url = if raw.is_empty() {
        Ok(None)
    } else {
        let mut errors = ValidationErrors::default();
        let url = errors.check("webhook_url", WebhookUrl::parse(raw));
        errors.finish(url).map(Some)
    };
    let result = match url {
        Ok(url) => state.accounts.set_webhook(me.user(), id.into(), url).await,
        Err(e) => Err(AccountError::Validation(e)),
    };
    match result {
        Ok(made) => {
            let secret = shown(&made);
            let done = if secret.is_some() {
                "webhook-set"
            } else {
                "webhook-removed"
            };
            let notice = lang.find(&format!("admin-done-{done}"));
            render(&state, &me, StatusCode::OK, Outcome::done(notice, secret)).await
        }
        Err(e) => {
            let outcome = Outcome {
                webhook_refused: Some(id.to_string()),
                ..Outcome::refused(f, refusal(lang, e)?)
            };
            render(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, outcome).await
        }
    }
}

#[post("/admin/users/{id}/webhook-secret")]
pub(super) async fn rotate_secret(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    match state
        .accounts
        .rotate_webhook_secret(me.user(), id.into_inner().into())
        .await
    {
        Ok(made) => {
            let outcome = Outcome::done(Some(lang.t("admin-done-rotated")), shown(&made));
            render(&state, &me, StatusCode::OK, outcome).await
        }
        // No webhook URL: the page offers no such button.
        Err(AccountError::NotNow(_)) => Err(WebError::Invalid),
        Err(e) => Err(e.into()),
    }
}
