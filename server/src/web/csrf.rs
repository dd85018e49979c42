//! Cross-site request forgery. This part: the sign-in form's token, before there is a session
//! (double submit: the form's field must match the `telederm_csrf` cookie the page set).

use actix_web::{
    cookie::{Cookie, SameSite},
    HttpRequest,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::{rngs::OsRng, RngCore};

/// The form field that carries the token.
pub const FIELD: &str = "csrf";
/// The sign-in form's token, before there is a session.
pub const PRE_SESSION_COOKIE: &str = "telederm_csrf";

/// The sign-in form's token: the browser's, if it has one, else a new one to set with
/// `pre_session_cookie`.
pub fn pre_session_token(req: &HttpRequest) -> (String, bool) {
    match req.cookie(PRE_SESSION_COOKIE) {
        Some(c) if c.value().len() == 43 => (c.value().to_owned(), false),
        _ => (new_token(), true),
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

/// 256 random bits, URL-safe (43 characters).
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
