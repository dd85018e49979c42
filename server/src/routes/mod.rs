//! HTTP routes, one file per resource. Handlers are thin: extract, parse into the domain, call,
//! respond.

mod audit;
mod auth;
mod case_actions;
mod cases;
mod health;
mod keys;
mod notifications;
mod queue;
mod reports;
mod shifts;
mod sla;
mod territories;
mod users;

use actix_web::web;

pub use audit::{__path_list_audit, __path_verify_audit};
pub use auth::{__path_login, __path_me};
pub use case_actions::{
    __path_answer, __path_cancel, __path_close, __path_outcome, __path_reply, __path_request_info,
};
pub use cases::{__path_get_case, __path_get_photo, __path_list_cases, __path_submit_case};
pub use health::{__path_healthz, __path_readyz};
pub use keys::__path_key_status;
pub use notifications::{__path_list_notifications, __path_retry_notification};
pub use queue::{__path_claim_case, __path_claim_next, __path_list_queue, __path_release_case};
pub use reports::{__path_outcomes, __path_sla};
pub use shifts::{__path_create_shift, __path_delete_shift, __path_list_shifts};
pub use sla::{__path_get_sla, __path_set_sla};
pub use territories::{
    __path_create_territory, __path_get_territory, __path_list_territories, __path_update_territory,
};
pub use users::{
    __path_create_user, __path_disable_user, __path_list_users, __path_rotate_webhook_secret,
    __path_set_webhook,
};

/// Every route of the application.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(
            web::scope("/api/v1")
                .service(crate::openapi::serve)
                .service(auth::login)
                .service(auth::me)
                .service(users::list_users)
                .service(users::create_user)
                .service(users::disable_user)
                .service(users::set_webhook)
                .service(users::rotate_webhook_secret)
                .service(territories::list_territories)
                .service(territories::create_territory)
                .service(territories::get_territory)
                .service(territories::update_territory)
                .service(shifts::list_shifts)
                .service(shifts::create_shift)
                .service(shifts::delete_shift)
                .service(cases::submit_case)
                .service(cases::list_cases)
                .service(cases::get_case)
                .service(cases::get_photo)
                .service(queue::list_queue)
                .service(queue::claim_next)
                .service(queue::claim_case)
                .service(queue::release_case)
                .service(case_actions::answer)
                .service(case_actions::request_info)
                .service(case_actions::reply)
                .service(case_actions::cancel)
                .service(case_actions::close)
                .service(case_actions::outcome)
                .service(sla::get_sla)
                .service(sla::set_sla)
                .service(reports::sla)
                .service(reports::outcomes)
                .service(audit::list_audit)
                .service(audit::verify_audit)
                .service(notifications::list_notifications)
                .service(notifications::retry_notification)
                .service(keys::key_status),
        );
}
