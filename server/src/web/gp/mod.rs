//! The GP's pages: a new case (with its photos checked as they are chosen), the GP's cases, and a
//! case's page with what the GP may do on it. Thin over `CaseService`, like the JSON API.
//!
//! - `new_case`: the form and its sending; `check`: a photo checked as soon as it is chosen;
//! - `list`: "my cases"; `case_page`: one case, and its photos; `actions`: reply, outcome, close,
//!   cancel;
//! - `sending`: how a form with photos is answered, to the page's script or to a plain browser.

mod actions;
mod case_page;
mod check;
mod list;
mod new_case;
mod sending;

use actix_web::web::ServiceConfig;

use crate::{
    auth::policy::can_act_as,
    domain::{Role, User},
};

/// These pages are a GP's (others get their own home, or nothing).
fn is_gp(user: &User) -> bool {
    can_act_as(user, Role::Gp).is_allowed()
}

pub fn register(cfg: &mut ServiceConfig) {
    // `/cases/new` before `/cases/{id}`.
    cfg.service(new_case::form)
        .service(new_case::send)
        .service(check::check_photo)
        .service(list::my_cases)
        .service(case_page::show)
        .service(actions::reply)
        .service(actions::outcome)
        .service(actions::close)
        .service(actions::cancel);
}
