//! The GP's pages: a new case (with its photos checked as they are chosen), the GP's cases, and a
//! case's page. Thin over `CaseService`, like the JSON API.

mod check;
mod new_case;

use actix_web::web::ServiceConfig;

pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(new_case::form).service(check::check_photo);
}
