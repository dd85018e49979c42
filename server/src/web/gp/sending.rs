//! How a form with photos is answered (`static/js/send-form.js` sends it when scripts run): sent
//! by the page's script, it is told where to go (`201` and `Location`) or what to fix (`422` and
//! the list, inserted in place so the chosen photos stay chosen); sent by the browser itself, it
//! is redirected, or shown the form again.

use actix_web::{
    http::{header, StatusCode},
    HttpRequest, HttpResponse,
};
use askama::Template;

use crate::web::{
    errors::WebError,
    form::FieldErrors,
    layout::{self, see_other, Ctx},
};

pub(super) enum Sent {
    ByScript,
    ByBrowser,
}

/// The header `send-form.js` sets.
pub(super) fn how(req: &HttpRequest) -> Sent {
    match req.headers().get("x-requested-with") {
        Some(v) if v == "telederm" => Sent::ByScript,
        _ => Sent::ByBrowser,
    }
}

/// Done: go to `to`.
pub(super) fn done(req: &HttpRequest, to: &str) -> HttpResponse {
    match how(req) {
        Sent::ByScript => HttpResponse::Created()
            .insert_header((header::LOCATION, to))
            .finish(),
        Sent::ByBrowser => see_other(to),
    }
}

#[derive(Template)]
#[template(path = "gp/send_errors.html")]
struct SendErrors {
    ctx: Ctx,
    errors: FieldErrors,
}

/// What to fix, as the fragment the script inserts.
pub(super) fn errors(ctx: Ctx, errors: FieldErrors) -> Result<HttpResponse, WebError> {
    layout::render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &SendErrors { ctx, errors },
    )
}
