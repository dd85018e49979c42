//! Adding, moving and removing a shift from the rota page. Each calls the rota service as the API
//! does (`create_shift`, `delete_shift`), so refusals and the audit trail are the API's. The
//! service has no update: a move is a removal and an addition in one request (and, should the
//! addition be refused, the shift is put back as it was).

use crate::web::fields::Fields;
use actix_web::{http::StatusCode, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use telederm_schemas as wire;
use uuid::Uuid;

use super::{
    back,
    page::{self, zone, Query, Refused},
    parse_input, web_error,
};
use crate::{
    http::AppState,
    rota::RotaError,
    web::{errors::WebError, form::FieldErrors, i18n::Lang, layout::see_other, session::SignedIn},
};

/// The rota page again, with the form refused.
async fn refused(
    state: &AppState,
    me: &SignedIn,
    f: &Fields,
    refused: Refused,
) -> Result<HttpResponse, WebError> {
    let query = Query {
        territory: Some(f.get("territory").to_owned()),
        week: Some(f.get("week").to_owned()),
        done: None,
    };
    page::render(state, me, &query, StatusCode::UNPROCESSABLE_ENTITY, refused).await
}

/// Start and end as sent, read in the territory's zone; a message per field that cannot be.
fn times(
    lang: Lang,
    f: &Fields,
    tz: chrono_tz::Tz,
    errors: &mut FieldErrors,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = parse_input(f.get("starts_at"), tz);
    let end = parse_input(f.get("ends_at"), tz);
    if start.is_none() {
        errors.add("starts_at", lang.t("rota-invalid-start"));
    }
    if end.is_none() {
        errors.add("ends_at", lang.t("rota-invalid-end"));
    }
    let (start, end) = (start?, end?);
    if end <= start {
        errors.add("ends_at", lang.t("rota-invalid-end-before-start"));
        return None;
    }
    Some((start, end))
}

/// The service's refusal of a shift, in the page's words, next to its field.
fn shift_refusal(lang: Lang, e: RotaError) -> Result<FieldErrors, WebError> {
    let mut errors = FieldErrors::default();
    match e {
        RotaError::Validation(v) => {
            for field in v.into_fields() {
                let (name, key) = match field.field.as_str() {
                    "dermatologist_id" => ("dermatologist_id", "rota-invalid-dermatologist"),
                    "ends_at" => ("ends_at", "rota-invalid-too-long"),
                    "starts_at" => ("starts_at", "rota-invalid-start"),
                    _ => ("form", "rota-invalid-form"),
                };
                if errors.get(name).is_none() {
                    errors.add(name, lang.t(key));
                }
            }
        }
        RotaError::Conflict(_) => errors.add("starts_at", lang.t("rota-invalid-overlap")),
        other => return Err(web_error(other)),
    }
    Ok(errors)
}

#[post("/rota/shifts")]
pub(super) async fn add(
    state: web::Data<AppState>,
    me: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let lang = me.lang();
    let f = Fields::parse(&body)?;
    let territory = f.get("territory");
    let tz = zone(&state, territory).await?;
    let mut errors = FieldErrors::default();
    let dermatologist = f.get("dermatologist_id").parse::<Uuid>().ok();
    if dermatologist.is_none() {
        errors.add("dermatologist_id", lang.t("rota-invalid-dermatologist"));
    }
    let span = times(lang, &f, tz, &mut errors);
    let outcome = match (dermatologist, span) {
        (Some(dermatologist_id), Some((starts_at, ends_at))) if errors.is_empty() => {
            let req = wire::CreateShift {
                dermatologist_id,
                territory: territory.to_owned(),
                starts_at,
                ends_at,
            };
            match state.rota.create_shift(me.user(), &req).await {
                Ok(_) => None,
                Err(e) => Some(shift_refusal(lang, e)?),
            }
        }
        _ => Some(errors),
    };
    match outcome {
        None => Ok(see_other(back(territory, f.get("week"), "added"))),
        Some(errors) => {
            let r = Refused {
                form: "add",
                fields: f.clone(),
                errors,
                ..Refused::default()
            };
            refused(&state, &me, &f, r).await
        }
    }
}

#[post("/rota/shifts/{id}/move")]
pub(super) async fn move_shift(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let lang = me.lang();
    let f = Fields::parse(&body)?;
    let territory = f.get("territory");
    let tz = zone(&state, territory).await?;
    let mut errors = FieldErrors::default();
    let refusal = match times(lang, &f, tz, &mut errors) {
        // One change, in place (same shift, one audit line), or none.
        Some((starts_at, ends_at)) => {
            let new_times = wire::MoveShift { starts_at, ends_at };
            match state.rota.move_shift(me.user(), id, &new_times).await {
                Ok(_) => None,
                Err(e) => Some(shift_refusal(lang, e)?),
            }
        }
        None => Some(errors),
    };
    match refusal {
        None => Ok(see_other(back(territory, f.get("week"), "moved"))),
        Some(errors) => {
            let r = Refused {
                form: "move",
                which: id.to_string(),
                fields: f.clone(),
                errors,
            };
            refused(&state, &me, &f, r).await
        }
    }
}

#[post("/rota/shifts/{id}/delete")]
pub(super) async fn remove(
    state: web::Data<AppState>,
    me: SignedIn,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let f = Fields::parse(&body)?;
    state
        .rota
        .delete_shift(me.user(), *id)
        .await
        .map_err(web_error)?;
    Ok(see_other(back(
        f.get("territory"),
        f.get("week"),
        "removed",
    )))
}
