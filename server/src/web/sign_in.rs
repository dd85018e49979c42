//! The sign-in page and the language switch. `GET /` is the sign-in page.

use actix_web::{
    cookie::{time, Cookie, SameSite},
    get,
    http::{header, StatusCode},
    web, HttpRequest, HttpResponse,
};
use askama::Template;

use super::{
    csrf,
    errors::WebError,
    i18n::{self, Lang, LANG_COOKIE},
    layout::{self, Ctx},
};
use crate::http::AppState;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(index).service(switch_language);
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    ctx: Ctx,
    /// Kept when the sign-in is refused.
    email: String,
    notice: Option<String>,
    error: Option<String>,
}

#[get("/")]
async fn index(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, WebError> {
    let notice = match query(&req, "session").as_deref() {
        Some("expired") => Some("sign-in-expired"),
        Some("signed-out") => Some("sign-in-signed-out"),
        _ => None,
    };
    sign_in_page(&state, &req, StatusCode::OK, String::new(), notice, None)
}

fn sign_in_page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    email: String,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let lang = i18n::negotiate(req, None);
    let (token, is_new) = csrf::pre_session_token(req);
    let page = SignInPage {
        ctx: Ctx::new(lang, None, token.clone(), "/"),
        email,
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

/// The language switch: a link (`/lang/en?next=/cases`) that keeps the choice in a cookie, then
/// comes back.
#[get("/lang/{code}")]
async fn switch_language(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let lang = Lang::parse(&code)
        .filter(|l| l.code() == code.as_str())
        .ok_or(WebError::NotFound)?;
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
