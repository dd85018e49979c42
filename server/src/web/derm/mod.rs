//! The dermatologist's workspace: the queue of the cases it may take now, and a case once taken
//! (the photo viewer, the answer with its ICD-10 code, a request for information, release).
//! Thin over `CaseService`, like the JSON API.
//!
//! - `queue`: the queue, refreshed in place, and taking a case (the next, or this one);
//! - `review`: a taken case, with the viewer; `actions`: answer, ask, release;
//! - `icd10`: codes found as the dermatologist types; `phrases`: its saved phrases.

mod actions;
mod icd10;
mod phrases;
mod queue;
mod review;

use actix_web::web::ServiceConfig;

use crate::{
    auth::policy::can_act_as,
    domain::{Role, User},
};

/// These pages are a dermatologist's.
fn is_dermatologist(user: &User) -> bool {
    can_act_as(user, Role::Dermatologist).is_allowed()
}

pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(queue::show)
        .service(queue::refresh)
        .service(queue::take_next)
        .service(queue::take)
        .service(review::show)
        .service(actions::answer)
        .service(actions::request_info)
        .service(actions::release)
        .service(icd10::options)
        .service(phrases::list)
        .service(phrases::add)
        .service(phrases::delete);
}
