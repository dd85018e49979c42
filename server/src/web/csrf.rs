//! Cross-site request forgery, refused for every page route that changes something (any method
//! but GET, HEAD, OPTIONS, TRACE outside `/api/`), in one middleware that no handler can forget:
//!
//! 1. an `Origin` header, when the browser sends one, must be ours: that of
//!    `notifications.public_url`, or the request's own `Host`;
//! 2. the request must carry the expected token, in the `X-CSRF-Token` header (scripts), the
//!    `csrf` field of a URL-encoded form, or the `csrf` query parameter (multipart forms, whose
//!    body is not read here: their `action` carries it). The token expected is the session's;
//!    for the sign-in form, which has no session yet, the one of the `telederm_csrf` cookie
//!    that the sign-in page set (double submit).
//!
//! A change without a live session goes to sign-in; the API (bearer tokens, no cookies) is left
//! alone.

use actix_web::{
    body::{BoxBody, MessageBody},
    cookie::{Cookie, SameSite},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header,
    middleware::Next,
    web, Error, HttpMessage, HttpRequest, ResponseError,
};
use subtle::ConstantTimeEq;

use super::{errors::WebError, session};
use crate::{accounts::Resolved, http::AppState};

/// The form field, query parameter and header that carry the token.
pub const FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";
/// The sign-in form's token, before there is a session.
pub const PRE_SESSION_COOKIE: &str = "telederm_csrf";
/// The one change made without a session.
pub const SIGN_IN_PATH: &str = "/sign-in";
/// A URL-encoded page form is read whole here to find its token: at most this big.
const MAX_FORM_BYTES: usize = 256 * 1024;

pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if req.method().is_safe() || req.path().starts_with("/api/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    match check(&mut req).await {
        Ok(()) => Ok(next.call(req).await?.map_into_boxed_body()),
        Err(refusal) => {
            if matches!(refusal, WebError::Csrf) {
                tracing::warn!(path = req.path(), "cross-site request refused");
            }
            Ok(req.into_response(refusal.error_response()))
        }
    }
}

async fn check(req: &mut ServiceRequest) -> Result<(), WebError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("application state missing"))?;
    if !origin_is_ours(req.request(), &state.public_url) {
        return Err(WebError::Csrf);
    }
    let expected = if req.path() == SIGN_IN_PATH {
        req.cookie(PRE_SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .unwrap_or_default()
    } else {
        let resolved = session::resolve(&state, req.request()).await?;
        let token = match &resolved {
            Resolved::Active(session) => session.csrf_token.clone(),
            Resolved::Expired => {
                return Err(WebError::SignInRequired {
                    expired: true,
                    next: None,
                })
            }
            Resolved::Unknown => {
                return Err(WebError::SignInRequired {
                    expired: false,
                    next: None,
                })
            }
        };
        req.extensions_mut()
            .insert(session::AlreadyResolved(resolved));
        token
    };
    let given = given_token(req).await?.unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return Err(WebError::Csrf);
    }
    Ok(())
}

/// No `Origin` (an older browser; the token still guards), or ours. Our pages are served with
/// `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` with a form they
/// post: then `Sec-Fetch-Site` (sent by every browser that sends `Origin`) must say
/// `same-origin`.
fn origin_is_ours(req: &HttpRequest, public_url: &str) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    if origin.as_bytes() == b"null" {
        return req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|site| site.as_bytes() == b"same-origin");
    }
    let Some(origin) = origin.to_str().ok().and_then(|o| url::Url::parse(o).ok()) else {
        return false;
    };
    if origin.cannot_be_a_base() || origin.host_str().is_none() {
        return false;
    }
    if url::Url::parse(public_url).is_ok_and(|ours| ours.origin() == origin.origin()) {
        return true;
    }
    let authority = match (origin.host_str(), origin.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return false,
    };
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| host.eq_ignore_ascii_case(&authority))
}

/// The token the request carries: header, query, or URL-encoded body (read, then put back for
/// the handler).
async fn given_token(req: &mut ServiceRequest) -> Result<Option<String>, WebError> {
    if let Some(value) = req.headers().get(HEADER) {
        return Ok(value.to_str().ok().map(str::to_owned));
    }
    if let Some(token) = field(req.query_string().as_bytes()) {
        return Ok(Some(token));
    }
    let urlencoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Ok(None);
    }
    let body = read_body(req).await?;
    let token = field(&body);
    req.set_payload(Payload::from(body));
    Ok(token)
}

async fn read_body(req: &mut ServiceRequest) -> Result<web::Bytes, WebError> {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| anyhow::anyhow!("reading a form: {e}"))?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(WebError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn field(form: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(form)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

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

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn with(origin: Option<&str>, host: &str) -> HttpRequest {
        let mut r = TestRequest::post().insert_header((header::HOST, host));
        if let Some(o) = origin {
            r = r.insert_header((header::ORIGIN, o));
        }
        r.to_http_request()
    }

    #[test]
    fn only_our_origin_or_none_may_post() {
        let ours = "https://telederm.example.fr";
        assert!(origin_is_ours(&with(None, "x"), ours));
        assert!(origin_is_ours(
            &with(Some("https://telederm.example.fr"), "10.0.0.5:8080"),
            ours
        ));
        assert!(origin_is_ours(
            &with(Some("http://127.0.0.1:18555"), "127.0.0.1:18555"),
            ours
        ));
        assert!(!origin_is_ours(
            &with(Some("http://127.0.0.1:18556"), "127.0.0.1:18555"),
            ours
        ));
        assert!(!origin_is_ours(
            &with(Some("https://evil.example"), "127.0.0.1:8080"),
            ours
        ));
        assert!(!origin_is_ours(&with(Some("null"), "127.0.0.1:8080"), ours));
        assert!(!origin_is_ours(
            &with(Some("https://telederm.example.fr.evil.example"), "x"),
            ours
        ));
    }

    #[test]
    fn the_token_field_is_found_in_a_form_or_a_query() {
        assert_eq!(
            field(b"email=a%40b.fr&csrf=t0k-en_"),
            Some("t0k-en_".into())
        );
        assert_eq!(field(b"csrfx=1"), None);
    }
}
