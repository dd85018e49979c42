//! Where each person lands once signed in. A GP's home is the list of its cases (`/cases`, the
//! GP pages); the other roles' pages come next, and meanwhile their home says so.

use actix_web::{get, http::StatusCode, web, HttpResponse};
use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;

use super::{
    errors::WebError,
    layout::{self, see_other, Ctx},
    session::SignedIn,
};
use crate::{
    auth::policy::can_act_as,
    domain::{Role, User},
};

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(home);
}

/// The first page of `user`'s role.
pub fn home_of(user: &User) -> &'static str {
    if can_act_as(user, Role::Gp).is_allowed() {
        "/cases"
    } else if can_act_as(user, Role::Dermatologist).is_allowed() {
        "/queue"
    } else {
        "/home"
    }
}

/// The header's links of `user`'s role: (path, message key).
pub fn nav_of(user: &User) -> &'static [(&'static str, &'static str)] {
    if can_act_as(user, Role::Gp).is_allowed() {
        &[("/cases", "nav-my-cases"), ("/cases/new", "nav-new-case")]
    } else if can_act_as(user, Role::Dermatologist).is_allowed() {
        &[("/queue", "nav-queue"), ("/phrases", "nav-phrases")]
    } else {
        &[]
    }
}

#[derive(Template)]
#[template(path = "placeholder.html")]
struct Placeholder {
    ctx: Ctx,
    title: String,
}

#[get("/home")]
async fn home(signed_in: SignedIn) -> Result<HttpResponse, WebError> {
    if home_of(signed_in.user()) != "/home" {
        return Ok(see_other(home_of(signed_in.user())));
    }
    let name = signed_in.user().display_name.as_str().to_owned();
    let page = Placeholder {
        title: signed_in
            .lang()
            .t_with("home-title", [("name", FluentValue::from(name))]),
        ctx: signed_in.ctx(),
    };
    layout::render(StatusCode::OK, &page)
}
