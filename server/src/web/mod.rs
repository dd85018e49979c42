//! The web front door: server-rendered pages over the same services as the JSON API, served by
//! the same binary. One file per page group (`sign_in`, `home`, and the role's pages to come),
//! and the plumbing every page shares:
//!
//! - `session`: the session cookie and `SignedIn`, the extractor of a page that needs someone
//!   signed in (cookie only: a bearer token opens no page);
//! - `csrf`: the middleware that refuses a change from another site (token and `Origin`);
//! - `i18n`, `dates`: French first, English too, from the Fluent files under `server/locales`;
//!   times in the territory's zone;
//! - `layout`: the base layout's context (`templates/base.html`) and rendering;
//! - `assets`: `server/static/`, embedded, served under content-hashed names;
//! - `headers`: the security headers of every response, pages and API alike;
//! - `errors`: every failure mapped to a page, in one place.

mod admin;
pub mod assets;
mod body_map;
mod coord;
pub mod csrf;
pub mod dates;
mod derm;
pub mod errors;
pub mod fields;
pub mod form;
mod gp;
pub mod headers;
mod home;
pub mod i18n;
pub mod layout;
mod photos;
mod rota;
pub mod session;
mod settings;
mod sign_in;

pub use errors::WebError;
pub use home::home_of;
pub use session::SignedIn;

use actix_web::web::ServiceConfig;

/// Every page route (the API's are `routes::configure`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(assets::register)
        .configure(sign_in::register)
        .configure(home::register)
        .configure(photos::register)
        .configure(gp::register)
        .configure(derm::register)
        .configure(coord::register)
        .configure(rota::register)
        .configure(admin::register)
        .configure(settings::register);
}
