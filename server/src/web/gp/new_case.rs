//! The new-case page.

use actix_web::{get, http::StatusCode, web, HttpResponse};
use askama::Template;

use crate::{
    http::AppState,
    web::{
        body_map::{self, View},
        errors::WebError,
        home_of,
        layout::{self, see_other, Ctx},
        session::SignedIn,
    },
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

/// The empty form. Someone who may not submit cases is sent to their own home.
#[get("/cases/new")]
pub(super) async fn form(
    state: web::Data<AppState>,
    me: SignedIn,
) -> Result<HttpResponse, WebError> {
    if state.cases.may_submit(me.user()).is_err() {
        return Ok(see_other(home_of(me.user())));
    }
    let page = NewCasePage {
        body_map: body_map::views(me.lang()),
        ctx: me.ctx(),
        form: Form {
            priority: "routine".into(),
            ..Form::default()
        },
        errors: Vec::new(),
    };
    layout::render(StatusCode::OK, &page)
}
