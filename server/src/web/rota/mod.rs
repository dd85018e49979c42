//! The coordinator's rota: a territory's week of on-call cover with its gaps, its shifts (add,
//! move, remove, a dermatologist chosen by name), and the territory's settings (response targets
//! and their clock; working hours and holidays). Thin over `RotaService`, like the JSON API, so
//! that every change is refused and audited as it is there.
//!
//! - `page`: the page itself; `week`: the grid of a week, hour by hour;
//! - `shifts`: add, move, remove; `settings`: targets, working hours and holidays;

mod page;
mod settings;
mod shifts;
mod view;
mod week;

use actix_web::web::ServiceConfig;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::errors::WebError;
use crate::{auth::policy::can_manage_any_rota, domain::User, rota::RotaError};

pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(page::show)
        .service(shifts::add)
        .service(shifts::move_shift)
        .service(shifts::remove)
        .service(settings::target)
        .service(settings::calendar);
}

/// These pages are for whoever manages rotas (coordinators, admins); others go home.
fn manages_rotas(user: &User) -> bool {
    can_manage_any_rota(user).is_allowed()
}

/// A refusal of the rota service that is not about a form's fields.
fn web_error(e: RotaError) -> WebError {
    match e {
        RotaError::NotFound(_) => WebError::NotFound,
        RotaError::Forbidden => WebError::Forbidden,
        RotaError::Validation(_) => WebError::Invalid,
        RotaError::Conflict(_) => WebError::Conflict,
        RotaError::Internal(e) => WebError::Internal(e),
    }
}

/// The value of an `<input type="datetime-local">` for `at`, in `tz`.
fn input_value(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// What a `datetime-local` input sent, read as a time in `tz`.
fn parse_input(raw: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(week::local_instant(tz, naive.date(), naive.time()))
}

/// Back to the rota page of this territory and week, saying what was done.
fn back(territory: &str, week: &str, done: &str) -> String {
    let enc = |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    format!(
        "/rota?territory={}&week={}&done={done}",
        enc(territory),
        enc(week)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_read_in_the_territory_zone() {
        let tz = chrono_tz::Europe::Paris;
        let at = parse_input("2026-12-01T08:00", tz).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-01T07:00:00+00:00");
        assert_eq!(input_value(at, tz), "2026-12-01T08:00");
        assert!(parse_input("tomorrow", tz).is_none());
    }
}
