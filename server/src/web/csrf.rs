//! Cross-site request forgery. This part: the sign-in form's token, before there is a session
//! (double submit: the form's field must match the `telederm_csrf` cookie the page set).

use actix_web::{
    cookie::{Cookie, SameSite},
    HttpRequest,
};

/// The form field that carries the token.
pub const FIELD: &str = "csrf";
/// The sign-in form's token, before there is a session.
pub const PRE_SESSION_COOKIE: &str = "telederm_csrf";

/// The sign-in form's token: the browser's, if it has one, else a new one to set with
/// `pre_session_cookie`.
pub fn pre_session_token(req: &HttpRequest) -> (String, bool) {
    match req.cookie(PRE_SESSION_COOKIE) {
        Some(c) if c.value().len() == 43 => (c.value().to_owned(), false),
        _ => (crate::accounts::sessions::random_token(), true),
    }
}

pub fn pre_session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(PRE_SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}
