//! The admin's pages: users (create with role and scope, disable, webhook URL and its secret,
//! shown once), territories and their fallbacks, key status and parked notifications. Thin over
//! `AccountService`, `RotaService` and `AdminService`, like the JSON API, so that every change is
//! refused and audited as it is there. Anyone else is sent to their own home.
//!
//! - `overview` (`/admin`): keys and parked notifications, with retry;
//! - `users` (`/admin/users`), `territories` (`/admin/territories`).

mod overview;
mod territories;
mod users;

use actix_web::web::ServiceConfig;

use super::errors::WebError;
use crate::{admin::AdminError, auth::policy::can_administer, domain::User};

pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(overview::show)
        .service(overview::retry)
        .service(users::list)
        .service(users::create)
        .service(users::disable)
        .service(users::set_webhook)
        .service(users::rotate_secret)
        .service(territories::list)
        .service(territories::create)
        .service(territories::update);
}

fn is_admin(user: &User) -> bool {
    can_administer(user).is_allowed()
}

fn admin_error(e: AdminError) -> WebError {
    match e {
        AdminError::NotFound(_) => WebError::NotFound,
        AdminError::Forbidden => WebError::Forbidden,
        AdminError::Internal(e) => WebError::Internal(e),
    }
}

/// Which admin page a page is, for the navigation between them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Overview,
    Users,
    Territories,
}
