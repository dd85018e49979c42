//! The new-case page.

use actix_web::{get, HttpResponse};
use askama::Template;

use crate::web::{
    body_map::{self, View},
    errors::WebError,
    layout::{self, Ctx},
    session::SignedIn,
};

/// What the GP entered, kept when a send is refused.
#[derive(Debug, Default)]
pub struct Form {
    pub priority: String,
    pub patient_ref: String,
    pub age: String,
    pub sex: String,
    pub body_site: String,
    pub question: String,
    pub duration: String,
    pub phototype: String,
    pub evolution: String,
    pub history: String,
    pub treatments: String,
    pub consent: bool,
}

#[derive(Template)]
#[template(path = "gp/new_case.html")]
struct NewCasePage {
    ctx: Ctx,
    form: Form,
    errors: Vec<String>,
    body_map: Vec<View>,
}

#[get("/cases/new")]
async fn form(me: SignedIn) -> Result<HttpResponse, WebError> {
    me.require_gp()?;
    let page = NewCasePage {
        body_map: body_map::views(me.lang()),
        ctx: me.ctx(),
        form: Form::default(),
        errors: Vec::new(),
    };
    layout::render(actix_web::http::StatusCode::OK, &page)
}
