use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{Duration, Utc};
use telederm_schemas::{self as wire, Problem};
use uuid::Uuid;

use crate::{
    audit,
    auth::{policy, AuthenticatedUser},
    db::Effects,
    domain::{NewShift, Role, Shift, ShiftId, TerritoryCode, ValidationErrors},
    error::ApiError,
    state::AppState,
};

/// The longest period one listing may span.
const MAX_LISTING_DAYS: i64 = 92;

/// On-call shifts of a territory overlapping a period (default: the coming 7 days).
/// Coordinators of the territory, admins and dermatologists.
#[utoipa::path(get, path = "/api/v1/shifts", tag = "rota", params(wire::ShiftQuery), security(("bearer" = [])), responses(
    (status = 200, body = Vec<wire::Shift>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/shifts")]
#[tracing::instrument(skip_all)]
pub async fn list_shifts(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    query: web::Query<wire::ShiftQuery>,
) -> Result<web::Json<Vec<wire::Shift>>, ApiError> {
    let mut errors = ValidationErrors::default();
    let territory = errors.check("territory", TerritoryCode::parse(&query.territory));
    let from = query.from.unwrap_or_else(Utc::now);
    let to = query.to.unwrap_or(from + Duration::days(7));
    if to <= from {
        errors.add("to", "must be after from");
    } else if to - from > Duration::days(MAX_LISTING_DAYS) {
        errors.add(
            "to",
            format!("a listing spans at most {MAX_LISTING_DAYS} days"),
        );
    }
    let territory = errors.finish(territory)?;
    if !policy::can_read_rota(caller.user(), &territory) {
        return Err(ApiError::Forbidden);
    }
    let shifts = state.repo.shifts_overlapping(&territory, from, to).await?;
    Ok(web::Json(shifts.iter().map(Shift::to_wire).collect()))
}

/// Put a dermatologist on call for a territory (coordinators of that territory, admins).
///
/// A dermatologist's shifts in one territory may not overlap (`409 conflict`); different
/// dermatologists' may.
#[utoipa::path(post, path = "/api/v1/shifts", tag = "rota", request_body = wire::CreateShift, security(("bearer" = [])), responses(
    (status = 201, body = wire::Shift),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "the dermatologist already has a shift in that territory overlapping this one", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/shifts")]
#[tracing::instrument(skip_all)]
pub async fn create_shift(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    body: web::Json<wire::CreateShift>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Coordinator, Role::Admin])?;
    let new = NewShift::parse(&body)?;
    let shift = new.shift();
    if !policy::can_manage_rota(caller.user(), &shift.territory) {
        return Err(ApiError::Forbidden);
    }
    let mut errors = ValidationErrors::default();
    if state.repo.territory(&shift.territory).await?.is_none() {
        errors.add(
            "territory",
            format!("territory `{}` does not exist", shift.territory),
        );
    }
    match state.repo.user(shift.dermatologist).await? {
        Some(u) if u.role == Role::Dermatologist && !u.is_disabled() => {}
        Some(u) if u.role == Role::Dermatologist => {
            errors.add("dermatologist_id", "this dermatologist is disabled")
        }
        Some(_) => errors.add("dermatologist_id", "this user is not a dermatologist"),
        None => errors.add("dermatologist_id", "no such user"),
    }
    errors.finish(Some(()))?;
    let shift = new.into_shift();
    let at = state.clock.now();
    let fx = Effects::audit(
        audit::entry(
            at,
            Some(caller.id().as_uuid()),
            "shift.created",
            "shift",
            Some(shift.id.to_string()),
        )
        .in_territory(shift.territory.as_str())
        .detail(serde_json::json!({
            "dermatologist_id": shift.dermatologist,
            "starts_at": shift.starts_at,
            "ends_at": shift.ends_at,
        })),
    );
    state
        .repo
        .create_shift(&shift, caller.id(), at, &fx)
        .await?;
    tracing::info!(shift_id = %shift.id, territory = %shift.territory, "shift created");
    Ok(HttpResponse::Created().json(shift.to_wire()))
}

/// Remove a shift (coordinators of its territory, admins).
#[utoipa::path(delete, path = "/api/v1/shifts/{id}", tag = "rota", params(("id" = Uuid, Path)), security(("bearer" = [])), responses(
    (status = 204, description = "deleted"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/shifts/{id}")]
#[tracing::instrument(skip_all, fields(shift_id = %id))]
pub async fn delete_shift(
    state: web::Data<AppState>,
    caller: AuthenticatedUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(&[Role::Coordinator, Role::Admin])?;
    let id = ShiftId::from(id.into_inner());
    let shift = state
        .repo
        .shift(id)
        .await?
        .ok_or(ApiError::NotFound("shift"))?;
    if !policy::can_manage_rota(caller.user(), &shift.territory) {
        return Err(ApiError::Forbidden);
    }
    let fx = Effects::audit(
        audit::entry(
            state.clock.now(),
            Some(caller.id().as_uuid()),
            "shift.deleted",
            "shift",
            Some(id.to_string()),
        )
        .in_territory(shift.territory.as_str()),
    );
    if !state.repo.delete_shift(id, &fx).await? {
        return Err(ApiError::NotFound("shift"));
    }
    tracing::info!("shift deleted");
    Ok(HttpResponse::NoContent().finish())
}
