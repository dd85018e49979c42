//! On-call shifts: who answers for a territory when.

use chrono::{DateTime, Duration, Utc};
use telederm_schemas as wire;
use uuid::Uuid;

use super::{entry, require, RotaError, RotaService};
use crate::{
    accounts::People,
    auth::policy::{can_manage_any_rota, can_manage_rota, can_read_rota},
    db::Effects,
    domain::{NewShift, Role, ShiftId, TerritoryCode, User, ValidationErrors},
};

/// The longest period one listing may span.
const MAX_LISTING_DAYS: i64 = 92;

impl RotaService {
    /// Shifts of a territory overlapping `[from, to)` (default: the coming 7 days), each with its
    /// dermatologist named.
    pub async fn shifts(
        &self,
        user: &User,
        territory: &str,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<wire::Shift>, RotaError> {
        let mut errors = ValidationErrors::default();
        let territory = errors.check("territory", TerritoryCode::parse(territory));
        let from = from.unwrap_or_else(|| self.clock.now());
        let to = to.unwrap_or(from + Duration::days(7));
        if to <= from {
            errors.add("to", "must be after from");
        } else if to - from > Duration::days(MAX_LISTING_DAYS) {
            errors.add(
                "to",
                format!("a listing spans at most {MAX_LISTING_DAYS} days"),
            );
        }
        let territory = errors.finish(territory)?;
        require(can_read_rota(user, &territory))?;
        let shifts = self.repo.shifts_overlapping(&territory, from, to).await?;
        let people = People::of(
            self.repo.as_ref(),
            shifts.iter().map(|s| s.dermatologist.as_uuid()),
        )
        .await?;
        Ok(shifts
            .iter()
            .map(|s| s.to_wire(people.person(s.dermatologist.as_uuid())))
            .collect())
    }

    /// Put a dermatologist on call for a territory. A dermatologist's shifts in one territory
    /// may not overlap (`Conflict`); different dermatologists' may.
    pub async fn create_shift(
        &self,
        user: &User,
        req: &wire::CreateShift,
    ) -> Result<wire::Shift, RotaError> {
        require(can_manage_any_rota(user))?;
        let new = NewShift::parse(req)?;
        require(can_manage_rota(user, &new.shift().territory))?;
        let candidate = new.shift();
        let mut errors = ValidationErrors::default();
        if self.repo.territory(&candidate.territory).await?.is_none() {
            errors.add(
                "territory",
                format!("territory `{}` does not exist", candidate.territory),
            );
        }
        let dermatologist = self.repo.user(candidate.dermatologist).await?;
        match &dermatologist {
            Some(u) if u.role == Role::Dermatologist && !u.is_disabled() => {}
            Some(u) if u.role == Role::Dermatologist => {
                errors.add("dermatologist_id", "this dermatologist is disabled")
            }
            Some(_) => errors.add("dermatologist_id", "this user is not a dermatologist"),
            None => errors.add("dermatologist_id", "no such user"),
        }
        let dermatologist = errors.finish(dermatologist)?;
        let shift = new.into_shift();
        let at = self.clock.now();
        let fx = Effects::audit(
            entry(at, user, "shift.created", "shift", shift.id.to_string())
                .in_territory(shift.territory.as_str())
                .detail(serde_json::json!({
                    "dermatologist_id": shift.dermatologist,
                    "starts_at": shift.starts_at,
                    "ends_at": shift.ends_at,
                })),
        );
        self.repo.create_shift(&shift, user.id, at, &fx).await?;
        tracing::info!(shift_id = %shift.id, territory = %shift.territory, "shift created");
        Ok(shift.to_wire(dermatologist.to_person()))
    }

    /// New times for a shift, in place: same checks as a new one, one audited change.
    pub async fn move_shift(
        &self,
        user: &User,
        id: Uuid,
        req: &wire::MoveShift,
    ) -> Result<wire::Shift, RotaError> {
        require(can_manage_any_rota(user))?;
        let id = ShiftId::from(id);
        let shift = self
            .repo
            .shift(id)
            .await?
            .ok_or(RotaError::NotFound("shift"))?;
        require(can_manage_rota(user, &shift.territory))?;
        // The times are checked as a new shift's would be.
        NewShift::parse(&wire::CreateShift {
            dermatologist_id: shift.dermatologist.as_uuid(),
            territory: shift.territory.to_string(),
            starts_at: req.starts_at,
            ends_at: req.ends_at,
        })?;
        let fx = Effects::audit(
            entry(
                self.clock.now(),
                user,
                "shift.moved",
                "shift",
                id.to_string(),
            )
            .in_territory(shift.territory.as_str())
            .detail(serde_json::json!({
                "from": [shift.starts_at, shift.ends_at],
                "to": [req.starts_at, req.ends_at],
            })),
        );
        if !self
            .repo
            .move_shift(id, req.starts_at, req.ends_at, &fx)
            .await?
        {
            return Err(RotaError::NotFound("shift"));
        }
        tracing::info!("shift moved");
        let people = self.repo.user(shift.dermatologist).await?;
        let moved = crate::domain::Shift {
            starts_at: req.starts_at,
            ends_at: req.ends_at,
            ..shift
        };
        let person = people.map(|u| u.to_person()).unwrap_or(wire::Person {
            id: moved.dermatologist.as_uuid(),
            name: String::new(),
        });
        Ok(moved.to_wire(person))
    }

    pub async fn delete_shift(&self, user: &User, id: Uuid) -> Result<(), RotaError> {
        require(can_manage_any_rota(user))?;
        let id = ShiftId::from(id);
        let shift = self
            .repo
            .shift(id)
            .await?
            .ok_or(RotaError::NotFound("shift"))?;
        require(can_manage_rota(user, &shift.territory))?;
        let fx = Effects::audit(
            entry(
                self.clock.now(),
                user,
                "shift.deleted",
                "shift",
                id.to_string(),
            )
            .in_territory(shift.territory.as_str()),
        );
        if !self.repo.delete_shift(id, &fx).await? {
            return Err(RotaError::NotFound("shift"));
        }
        tracing::info!("shift deleted");
        Ok(())
    }
}
