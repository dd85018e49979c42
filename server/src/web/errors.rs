//! Every failure of a page, mapped to what the person sees in one place: a redirect to sign-in
//! when there is no session, else an error page in the request's language. A `WebError` makes a
//! bare response that names its page; `error_pages`, a middleware that knows the request, writes
//! that page (an error is built where the language is not known), and tells an htmx request to
//! go to sign-in (`HX-Redirect`) rather than following the redirect unseen.

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{header, StatusCode},
    middleware::Next,
    Error, HttpResponse, ResponseError,
};
use askama::Template;

use super::{
    i18n::{self, Lang},
    layout::Ctx,
};
use crate::{accounts::AccountError, cases::CaseError};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No live session: back to sign-in (`expired`: it was one, and the page says so), then to
    /// `next` (the page asked for, when it was a GET: a link from an e-mail, for instance).
    #[error("sign-in required")]
    SignInRequired { expired: bool, next: Option<String> },
    /// A change without its CSRF token, or from another origin.
    #[error("cross-site request refused")]
    Csrf,
    #[error("page not found")]
    NotFound,
    /// Known to the person, but not theirs to do (their role may not).
    #[error("not allowed")]
    Forbidden,
    /// The case moved on meanwhile (answered, taken, cancelled...): reload and see.
    #[error("the case changed")]
    Conflict,
    /// The case was erased (retention period over, or an administrator's erasure).
    #[error("the case was erased")]
    Erased,
    /// A form the page itself did not produce (its own forms are checked where they are read).
    #[error("invalid form")]
    Invalid,
    #[error("form too large")]
    TooLarge,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The page an error response asks `error_pages` to write.
#[derive(Debug, Clone, Copy)]
struct ErrorPage {
    message: &'static str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    ctx: Ctx,
    message: String,
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::Conflict => StatusCode::CONFLICT,
            WebError::Erased => StatusCode::GONE,
            WebError::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            WebError::SignInRequired { expired, next } => {
                return to_sign_in(*expired, next.as_deref())
            }
            WebError::Csrf => "error-csrf",
            WebError::NotFound => "error-not-found",
            WebError::Forbidden => "error-forbidden",
            WebError::Conflict => "error-conflict",
            WebError::Erased => "error-case-erased",
            WebError::Invalid => "error-invalid",
            WebError::TooLarge => "error-too-large",
            WebError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                "error-internal"
            }
        };
        let mut res = HttpResponse::build(self.status_code()).finish();
        res.extensions_mut().insert(ErrorPage { message });
        res
    }
}

/// 303 to the sign-in page (a stale cookie left behind opens nothing).
fn to_sign_in(expired: bool, next: Option<&str>) -> HttpResponse {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if expired {
        query.append_pair("session", "expired");
    }
    if let Some(next) = next.filter(|n| *n != "/") {
        query.append_pair("next", next);
    }
    let query = query.finish();
    let target = if query.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{query}")
    };
    let mut res = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target.as_str()))
        .finish();
    res.extensions_mut().insert(ToSignIn(target));
    res
}

/// Marks a redirect to sign-in, for `error_pages`.
#[derive(Debug, Clone)]
struct ToSignIn(String);

impl From<AccountError> for WebError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::NotFound(_) | AccountError::Forbidden => WebError::NotFound,
            AccountError::Internal(e) => WebError::Internal(e),
            other => WebError::Internal(anyhow::anyhow!("unexpected: {other}")),
        }
    }
}

impl From<CaseError> for WebError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::NotFound(_) => WebError::NotFound,
            CaseError::Forbidden => WebError::Forbidden,
            CaseError::InvalidState { .. } | CaseError::NotNow(_) | CaseError::Conflict(_) => {
                WebError::Conflict
            }
            CaseError::Validation(_) | CaseError::Photo(_) => WebError::Invalid,
            CaseError::Erased => WebError::Erased,
            CaseError::Internal(e) => WebError::Internal(e),
        }
    }
}

/// Writes the page of an error response (a `WebError`'s, made anywhere below) in the request's
/// language.
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let to_sign_in = res.response().extensions().get::<ToSignIn>().cloned();
    if let Some(ToSignIn(target)) = to_sign_in {
        // htmx's requests follow a redirect unseen and would swap the sign-in page into their
        // target: htmx is told to load it instead.
        if res.request().headers().contains_key("hx-request") {
            let (req, _) = res.into_parts();
            let told = HttpResponse::Unauthorized()
                .insert_header(("HX-Redirect", target))
                .finish();
            return Ok(ServiceResponse::new(req, told));
        }
        return Ok(res);
    }
    let Some(page) = res.response().extensions().get::<ErrorPage>().copied() else {
        return Ok(res);
    };
    let lang = i18n::negotiate(res.request(), None);
    Ok(res.map_body(|head, body| match error_page(lang, page) {
        Ok(html) => {
            head.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            BoxBody::new(html)
        }
        Err(e) => {
            tracing::error!(error = ?e, "error page not rendered");
            body
        }
    }))
}

fn error_page(lang: Lang, page: ErrorPage) -> askama::Result<String> {
    ErrorTemplate {
        message: lang.t(page.message),
        ctx: Ctx::anonymous(lang),
    }
    .render()
}
