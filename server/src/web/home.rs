//! Where each person lands once signed in, and the header's links to its role's pages: a GP on
//! its cases, a dermatologist on its queue, a coordinator on its dashboard, an admin on its
//! overview. `/home` leads there (an address to keep whatever the role).

use actix_web::{get, HttpResponse};

use super::{errors::WebError, layout::see_other, session::SignedIn};
use crate::domain::{Role, User};

pub fn register(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(home);
}

/// The first page of `user`'s role.
pub fn home_of(user: &User) -> &'static str {
    match user.role {
        Role::Gp => "/cases",
        Role::Dermatologist => "/queue",
        Role::Coordinator => "/dashboard",
        Role::Admin => "/admin",
    }
}

/// The header's links of `user`'s role: (path, message key); everyone's settings last.
pub fn nav_of(user: &User) -> &'static [(&'static str, &'static str)] {
    match user.role {
        Role::Gp => &[
            ("/cases", "nav-my-cases"),
            ("/cases/new", "nav-new-case"),
            ("/settings", "nav-settings"),
        ],
        Role::Dermatologist => &[
            ("/queue", "nav-queue"),
            ("/phrases", "nav-phrases"),
            ("/settings", "nav-settings"),
        ],
        Role::Coordinator => &[
            ("/dashboard", "nav-dashboard"),
            ("/rota", "nav-rota"),
            ("/audit", "nav-audit"),
            ("/settings", "nav-settings"),
        ],
        // Users and territories are in the admin pages' own tabs.
        Role::Admin => &[
            ("/admin", "nav-admin"),
            ("/rota", "nav-rota"),
            ("/dashboard", "nav-dashboard"),
            ("/audit", "nav-audit"),
            ("/settings", "nav-settings"),
        ],
    }
}

#[get("/home")]
async fn home(me: SignedIn) -> Result<HttpResponse, WebError> {
    Ok(see_other(home_of(me.user())))
}
