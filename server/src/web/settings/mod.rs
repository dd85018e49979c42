//! Every signed-in person's settings (`/settings`): its language, and per kind of event its role
//! is told of, whether it hears of it by e-mail, webhook, both or not at all; with where those
//! messages go (the login address, whether this server sends e-mail, whether a webhook URL is
//! set). E-mails' `List-Unsubscribe` and footer link lead here.
//!
//! - `page`: the handlers, thin over `AccountService` as `/api/v1/me/notifications` is;
//! - `view`: what the page shows, in its language;
//! - `read`: the posted form into the service's request, and refusals in the page's words.

mod page;
mod read;
mod view;

use actix_web::web::ServiceConfig;

pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(page::show).service(page::save);
}
