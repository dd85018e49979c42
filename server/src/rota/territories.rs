//! Territories: every signed-in user reads them; admins create and change them.

use telederm_schemas as wire;

use super::{entry, require, RotaError, RotaService};
use crate::{
    auth::policy::{can_manage_calendar, can_manage_territories},
    db::Effects,
    domain::{Territory, TerritoryCode, User, ValidationErrors},
};

impl RotaService {
    pub async fn territories(&self) -> Result<Vec<Territory>, RotaError> {
        Ok(self.repo.list_territories().await?)
    }

    /// The territory of that code; a malformed code is simply not found.
    pub async fn territory(&self, raw: &str) -> Result<Territory, RotaError> {
        let code = TerritoryCode::parse(raw).map_err(|_| RotaError::NotFound("territory"))?;
        self.repo
            .territory(&code)
            .await?
            .ok_or(RotaError::NotFound("territory"))
    }

    pub async fn create_territory(
        &self,
        admin: &User,
        req: &wire::CreateTerritory,
    ) -> Result<Territory, RotaError> {
        require(can_manage_territories(admin))?;
        let territory = Territory::parse(req)?;
        self.check_fallbacks_exist(&territory).await?;
        let at = self.clock.now();
        let fx = Effects::audit(
            entry(
                at,
                admin,
                "territory.created",
                "territory",
                territory.code.to_string(),
            )
            .in_territory(territory.code.as_str()),
        );
        self.repo.create_territory(&territory, at, &fx).await?;
        tracing::info!(territory = %territory.code, "territory created");
        Ok(territory)
    }

    /// Change name, timezone, fallbacks, hours or holidays; absent fields stay. Hours and
    /// holidays alone: the territory's coordinators too (`can_manage_calendar`).
    pub async fn update_territory(
        &self,
        user: &User,
        raw: &str,
        req: &wire::UpdateTerritory,
    ) -> Result<Territory, RotaError> {
        let current = self.territory(raw).await?;
        let calendar_only = req.name.is_none() && req.timezone.is_none() && req.fallbacks.is_none();
        if calendar_only {
            require(can_manage_calendar(user, &current.code))?;
        } else {
            require(can_manage_territories(user))?;
        }
        let next = current.updated(req)?;
        self.check_fallbacks_exist(&next).await?;
        let fx = Effects::audit(
            entry(
                self.clock.now(),
                user,
                "territory.updated",
                "territory",
                next.code.to_string(),
            )
            .in_territory(next.code.as_str()),
        );
        if !self.repo.update_territory(&next, &fx).await? {
            return Err(RotaError::NotFound("territory"));
        }
        tracing::info!("territory updated");
        Ok(next)
    }

    async fn check_fallbacks_exist(&self, t: &Territory) -> Result<(), RotaError> {
        let mut errors = ValidationErrors::default();
        for f in &t.fallbacks {
            if self.repo.territory(f).await?.is_none() {
                errors.add("fallbacks", format!("territory `{f}` does not exist"));
            }
        }
        Ok(errors.finish(Some(()))?)
    }
}
