//! A territory's settings from the rota page: the response target of a priority and its clock
//! (`set_target`, coordinators of the territory and admins), and its working hours and holidays
//! (`update_territory`, which the policy leaves to admins: a coordinator reads them).

use crate::web::fields::Fields;
use actix_web::{http::StatusCode, post, web, HttpResponse};
use chrono::NaiveDate;
use telederm_schemas as wire;

use super::{
    back,
    page::{self, Query, Refused},
    web_error,
};
use crate::{
    domain::Priority,
    http::AppState,
    rota::RotaError,
    web::{errors::WebError, form::FieldErrors, layout::see_other, session::SignedIn},
};

async fn refused(
    state: &AppState,
    me: &SignedIn,
    f: Fields,
    form: &'static str,
    which: String,
    errors: FieldErrors,
) -> Result<HttpResponse, WebError> {
    let query = Query {
        territory: Some(f.get("territory").to_owned()),
        week: Some(f.get("week").to_owned()),
        done: None,
    };
    let r = Refused {
        form,
        which,
        fields: f,
        errors,
    };
    page::render(state, me, &query, StatusCode::UNPROCESSABLE_ENTITY, r).await
}

#[post("/rota/targets")]
pub(super) async fn target(
    state: web::Data<AppState>,
    me: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    let f = Fields::parse(&body)?;
    let priority = match f.get("priority") {
        "urgent" => Priority::Urgent,
        "routine" => Priority::Routine,
        _ => return Err(WebError::Invalid),
    };
    let clock = match f.get("clock") {
        "business" => wire::SlaClock::Business,
        _ => wire::SlaClock::Calendar,
    };
    // A French keyboard types "1,5".
    let hours = f.get("target_hours").replace(',', ".").parse::<f64>().ok();
    let result = match hours {
        Some(target_hours) => {
            let req = wire::SetSlaPolicy {
                target_hours,
                clock,
            };
            state
                .rota
                .set_target(me.user(), f.get("territory"), priority, &req)
                .await
        }
        None => Err(RotaError::Validation(Default::default())),
    };
    match result {
        Ok(_) => Ok(see_other(back(f.get("territory"), f.get("week"), "target"))),
        Err(RotaError::Validation(_)) => {
            let mut errors = FieldErrors::default();
            errors.add("target_hours", lang.t("rota-invalid-target"));
            let which = f.get("priority").to_owned();
            refused(&state, &me, f, "target", which, errors).await
        }
        Err(e) => Err(web_error(e)),
    }
}

#[post("/rota/calendar")]
pub(super) async fn calendar(
    state: web::Data<AppState>,
    me: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    let f = Fields::parse(&body)?;
    let mut errors = FieldErrors::default();
    let mut holidays = Vec::new();
    for raw in f.get("holidays").split(['\n', ',', ' ']) {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => holidays.push(d),
            Err(_) => {
                if errors.get("holidays").is_none() {
                    errors.add("holidays", lang.t("rota-invalid-holidays"));
                }
            }
        }
    }
    let req = wire::UpdateTerritory {
        working_hours: Some(wire::WorkingHours {
            days: f.all("days").iter().map(|d| (*d).to_owned()).collect(),
            start: f.get("start").to_owned(),
            end: f.get("end").to_owned(),
        }),
        holidays: Some(holidays),
        ..wire::UpdateTerritory::default()
    };
    if errors.is_empty() {
        match state
            .rota
            .update_territory(me.user(), f.get("territory"), &req)
            .await
        {
            Ok(_) => {
                return Ok(see_other(back(
                    f.get("territory"),
                    f.get("week"),
                    "calendar",
                )))
            }
            Err(RotaError::Validation(v)) => {
                for field in v.into_fields() {
                    let (name, key) = match field.field.as_str() {
                        "holidays" => ("holidays", "rota-invalid-holidays"),
                        _ => ("hours", "rota-invalid-hours"),
                    };
                    if errors.get(name).is_none() {
                        errors.add(name, lang.t(key));
                    }
                }
            }
            Err(e) => return Err(web_error(e)),
        }
    }
    refused(&state, &me, f, "calendar", String::new(), errors).await
}
