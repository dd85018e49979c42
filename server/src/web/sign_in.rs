//! Signing in and out, and the language switch. `GET /` is the sign-in page, or the way to
//! one's own pages when signed in.

use actix_web::{
    cookie::{time, Cookie, SameSite},
    get,
    http::{header, StatusCode},
    post, web, HttpRequest, HttpResponse,
};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;
use secrecy::SecretString;
use serde::Deserialize;

use super::{
    csrf,
    errors::WebError,
    home::home_of,
    i18n::{self, Lang, LANG_COOKIE},
    layout::{self, see_other, Ctx},
    session::{self, SignedIn, SESSION_COOKIE},
};
use crate::{
    accounts::{AccountError, Resolved},
    http::{client_addr::client_addr, AppState},
};

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(sign_in)
        .service(sign_out)
        .service(switch_language);
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    ctx: Ctx,
    /// Kept when the sign-in is refused.
    email: String,
    /// The page to open once signed in (one of ours).
    next: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

#[get("/")]
async fn index(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let notice = match session::resolve(&state, &req).await? {
        Resolved::Active(session) => return Ok(see_other(home_of(&session.user))),
        Resolved::Expired => Some("sign-in-expired"),
        Resolved::Unknown => match query(&req, "session").as_deref() {
            Some("expired") => Some("sign-in-expired"),
            Some("signed-out") => Some("sign-in-signed-out"),
            _ => None,
        },
    };
    let next = query(&req, "next");
    let form = Entered {
        email: String::new(),
        next,
    };
    sign_in_page(&state, &req, StatusCode::OK, form, notice, None)
}

/// What the form carries back when it is shown again.
struct Entered {
    email: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// The CSRF guard has checked the form's token against its cookie, and the origin.
#[post("/sign-in")]
async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, WebError> {
    let SignInForm {
        email,
        password,
        next,
    } = form.into_inner();
    let lang = i18n::negotiate(&req, None);
    // A language chosen before signing in stays with the session.
    let chosen = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .map(Lang::code);
    let address = client_addr(&req, &state.trusted_proxies);
    let opened = state
        .sessions
        .sign_in(&email, SecretString::from(password), address, chosen)
        .await;
    match opened {
        Ok((id, new)) => {
            // One browser, one session: the one it had ends.
            if let Resolved::Active(old) = session::resolve(&state, &req).await? {
                state.sessions.sign_out(&old).await?;
            }
            let max_age = state.sessions.settings().max;
            let to = next
                .filter(|n| is_local_path(n))
                .unwrap_or_else(|| home_of(&new.user).to_owned());
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to))
                .cookie(session::session_cookie(&id, max_age, state.production))
                .cookie(session::removal(csrf::PRE_SESSION_COOKIE, state.production))
                .finish())
        }
        Err(AccountError::BadCredentials) => {
            let error = lang.t("sign-in-refused");
            sign_in_page(
                &state,
                &req,
                StatusCode::UNPROCESSABLE_ENTITY,
                Entered { email, next },
                None,
                Some(error),
            )
        }
        Err(AccountError::RateLimited { retry_after_secs }) => {
            let minutes = FluentValue::from(retry_after_secs.div_ceil(60));
            let error = lang.t_with("sign-in-rate-limited", [("minutes", minutes)]);
            let mut res = sign_in_page(
                &state,
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                Entered { email, next },
                None,
                Some(error),
            )?;
            res.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

fn sign_in_page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    entered: Entered,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let lang = i18n::negotiate(req, None);
    let (token, is_new) = csrf::pre_session_token(req);
    let page = SignInPage {
        ctx: Ctx::new(lang, None, token.clone(), "/"),
        email: entered.email,
        next: entered.next.filter(|n| is_local_path(n)),
        notice: notice.map(|key| lang.t(key)),
        error,
    };
    let mut res = layout::render(status, &page)?;
    if is_new {
        res.add_cookie(&csrf::pre_session_cookie(&token, state.production))
            .map_err(anyhow::Error::from)?;
    }
    Ok(res)
}

/// The CSRF guard has checked the session's token.
#[post("/sign-out")]
async fn sign_out(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, WebError> {
    state.sessions.sign_out(signed_in.session()).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/?session=signed-out"))
        .cookie(session::removal(SESSION_COOKIE, state.production))
        .finish())
}

/// The language switch: a link (`/lang/en?next=/cases`) that keeps the choice in a cookie, and
/// with the session when signed in, then comes back.
#[get("/lang/{code}")]
async fn switch_language(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = Lang::parse(&code)
        .filter(|l| l.code() == code.as_str())
        .ok_or(WebError::NotFound)?;
    if let Resolved::Active(session) = session::resolve(&state, &req).await? {
        state
            .sessions
            .set_language(&session, Some(lang.code()))
            .await?;
    }
    let next = query(&req, "next")
        .filter(|next| is_local_path(next))
        .unwrap_or_else(|| "/".to_owned());
    // Lax, not Strict: a link from elsewhere should still open the page in the chosen language.
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.production)
        .max_age(time::Duration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(cookie)
        .finish())
}

/// One of our own pages: a path, not another site (`//evil`, `/\evil`), printable ASCII only.
fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.bytes().all(|b| b.is_ascii_graphic())
}

/// A parameter of the query string (the pages read theirs by hand: a malformed query is not an
/// API problem).
fn query(req: &HttpRequest, name: &str) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_only_comes_back_to_our_own_pages() {
        for ok in ["/", "/cases?page=2", "/cases/0f3e"] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "cases",
            "/a b",
            "/a\r\nSet-Cookie: x",
            "",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }
}
