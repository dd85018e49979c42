//! The browser's side of a session: its cookies, and `SignedIn`, the extractor of every page
//! that needs someone signed in. It reads the session cookie only, never `Authorization`: a
//! bearer token opens no page (and the API's extractor reads `Authorization` only, so the cookie
//! authorises no API call).

use std::{future::Future, pin::Pin};

use actix_web::{
    cookie::{time, Cookie, SameSite},
    dev::Payload,
    web, FromRequest, HttpMessage, HttpRequest,
};

use super::{
    errors::WebError,
    i18n::{self, Lang},
    layout::Ctx,
};
use crate::{
    accounts::{
        sessions::{SessionId, Use},
        Resolved, Session,
    },
    domain::User,
    http::AppState,
};

pub const SESSION_COOKIE: &str = "telederm_session";

/// The session cookie: out of scripts' reach, never sent from another site, over HTTPS only in
/// production; the browser drops it when the session can last no longer anyway.
pub fn session_cookie(id: &SessionId, max_age: chrono::Duration, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, id.expose().to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(time::Duration::seconds(max_age.num_seconds()))
        .finish()
}

/// A cookie that deletes the browser's cookie of that name (same path, and `Secure` like it:
/// a browser lets no plain cookie replace a secure one).
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, "")
        .path("/")
        .http_only(true)
        .secure(secure)
        .finish();
    cookie.make_removal();
    cookie
}

/// The header a page's background refresh sends (the queue's poll: `hx-headers`), so that it
/// does not keep an unattended session alive.
pub const BACKGROUND_HEADER: &str = "x-telederm-background";

/// The session this request's cookie leads to (`Unknown` without one).
pub async fn resolve(state: &AppState, req: &HttpRequest) -> Result<Resolved, WebError> {
    let by = if req.headers().contains_key(BACKGROUND_HEADER) {
        Use::Background
    } else {
        Use::Person
    };
    match req.cookie(SESSION_COOKIE) {
        Some(cookie) => Ok(state.sessions.resolve(cookie.value(), by).await?),
        None => Ok(Resolved::Unknown),
    }
}

/// Put by the CSRF guard when it resolved this request's session already.
#[derive(Clone)]
pub(super) struct AlreadyResolved(pub Resolved);

/// Someone signed in, through a live session, with the language of their pages.
pub struct SignedIn {
    session: Session,
    lang: Lang,
    /// The page's own address (with its query for a GET), for the language switch.
    here: String,
}

impl SignedIn {
    pub fn user(&self) -> &User {
        &self.session.user
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The layout's context of this person's page.
    pub fn ctx(&self) -> Ctx {
        Ctx::new(
            self.lang,
            Some(self.session.user.display_name.as_str().to_owned()),
            self.session.csrf_token.clone(),
            &self.here,
        )
        .with_nav(super::home::nav_of(&self.session.user))
    }
}

impl FromRequest for SignedIn {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let known = req.extensions().get::<AlreadyResolved>().cloned();
            let resolved = match known {
                Some(AlreadyResolved(resolved)) => resolved,
                None => {
                    let state = req
                        .app_data::<web::Data<AppState>>()
                        .cloned()
                        .ok_or_else(|| anyhow::anyhow!("application state missing"))?;
                    resolve(&state, &req).await?
                }
            };
            match resolved {
                Resolved::Active(session) => Ok(SignedIn {
                    lang: i18n::negotiate(&req, session.language.as_deref()),
                    here: here(&req),
                    session: *session,
                }),
                Resolved::Expired => Err(WebError::SignInRequired {
                    expired: true,
                    next: come_back_to(&req),
                }),
                Resolved::Unknown => Err(WebError::SignInRequired {
                    expired: false,
                    next: come_back_to(&req),
                }),
            }
        })
    }
}

/// Where to come back to after signing in: the page asked for, when it was a page (a GET that is
/// not htmx's own refresh).
fn come_back_to(req: &HttpRequest) -> Option<String> {
    let page =
        req.method() == actix_web::http::Method::GET && !req.headers().contains_key("hx-request");
    page.then(|| here(req))
}

/// The address to come back to: with its query for a GET, the path alone otherwise (a posted
/// form's query may carry its CSRF token).
pub fn here(req: &HttpRequest) -> String {
    match req.uri().path_and_query() {
        Some(pq) if req.method() == actix_web::http::Method::GET => pq.as_str().to_owned(),
        _ => req.path().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_http_only_strict_and_secure_in_production() {
        let id = crate::accounts::sessions::SessionId::for_tests("abc");
        let c = session_cookie(&id, chrono::Duration::hours(12), true).to_string();
        for part in [
            "telederm_session=abc",
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
            "Max-Age=43200",
        ] {
            assert!(c.contains(part), "{part} in {c}");
        }
        let c = session_cookie(&id, chrono::Duration::hours(12), false).to_string();
        assert!(!c.contains("Secure"), "{c}");
        let gone = removal(SESSION_COOKIE, true).to_string();
        assert!(
            gone.contains("Max-Age=0") && gone.contains("Secure"),
            "{gone}"
        );
    }
}
