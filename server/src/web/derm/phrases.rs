//! The dermatologist's saved phrases: the page that lists, adds and removes them (the review page
//! offers them beside the report, `static/js/phrases.js` inserts one where the cursor is).

use actix_web::{get, http::StatusCode, post, web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::is_dermatologist;
use crate::{
    accounts::{phrases::Phrase, AccountError},
    error::ApiError,
    http::AppState,
    web::{
        errors::WebError,
        form::{self, FieldErrors},
        home_of,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
};

#[derive(Template)]
#[template(path = "derm/phrases.html")]
struct PhrasesPage {
    ctx: Ctx,
    phrases: Vec<Phrase>,
    /// The case to go back to, if the dermatologist came from one.
    back: Option<String>,
    /// `?back=<case>`, kept by this page's forms ("" without a case).
    query: String,
    errors: FieldErrors,
    typed: String,
}

#[derive(Deserialize, Default)]
struct Back {
    back: Option<Uuid>,
}

#[derive(Deserialize)]
struct NewPhrase {
    #[serde(default)]
    phrase: String,
}

#[get("/phrases")]
pub(super) async fn list(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    if !is_dermatologist(me.user()) {
        return Ok(see_other(home_of(me.user())));
    }
    let back = form::query::<Back>(&req).back;
    render(
        &state,
        &me,
        back,
        StatusCode::OK,
        FieldErrors::default(),
        String::new(),
    )
    .await
}

#[post("/phrases")]
pub(super) async fn add(
    state: web::Data<AppState>,
    me: SignedIn,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let back = form::query::<Back>(&req).back;
    let new: NewPhrase = form::urlencoded(&body)?;
    match state.accounts.add_phrase(me.user(), &new.phrase).await {
        Ok(_) => Ok(see_other(here(back))),
        Err(AccountError::Validation(e)) => {
            let errors = FieldErrors::from_api(me.lang(), &ApiError::from(e));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&state, &me, back, status, errors, new.phrase).await
        }
        Err(e) => Err(e.into()),
    }
}

#[post("/phrases/{id}/delete")]
pub(super) async fn delete(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let back = form::query::<Back>(&req).back;
    state.accounts.delete_phrase(me.user(), *id).await?;
    Ok(see_other(here(back)))
}

/// This page again, still knowing the case to go back to.
fn here(back: Option<Uuid>) -> String {
    match back {
        Some(case) => format!("/phrases?back={case}"),
        None => "/phrases".to_owned(),
    }
}

async fn render(
    state: &AppState,
    me: &SignedIn,
    back: Option<Uuid>,
    status: StatusCode,
    errors: FieldErrors,
    typed: String,
) -> Result<HttpResponse, WebError> {
    let page = PhrasesPage {
        phrases: state.accounts.phrases(me.user()).await?,
        back: back.map(|case| case.to_string()),
        query: back.map(|case| format!("?back={case}")).unwrap_or_default(),
        errors,
        typed,
        ctx: me.ctx(),
    };
    layout::render(status, &page)
}
