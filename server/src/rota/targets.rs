//! The response-time targets of a territory, per priority.

use telederm_schemas as wire;

use super::{entry, require, RotaError, RotaService};
use crate::{
    auth::policy::can_manage_sla,
    db::{Effects, SlaPolicyRecord},
    domain::{Priority, User},
    sla::policy::{clock_from_wire, parse_target, policies_of},
};

impl RotaService {
    /// Both priorities; one without a policy shows the built-in default.
    pub async fn targets(
        &self,
        user: &User,
        territory: &str,
    ) -> Result<Vec<wire::SlaPolicy>, RotaError> {
        let code = self.territory(territory).await?.code;
        require(can_manage_sla(user, &code))?;
        Ok(policies_of(self.repo.as_ref(), code.as_str()).await?)
    }

    /// Set the target of one priority. Cases already submitted keep the target they were given.
    pub async fn set_target(
        &self,
        user: &User,
        territory: &str,
        priority: Priority,
        req: &wire::SetSlaPolicy,
    ) -> Result<Vec<wire::SlaPolicy>, RotaError> {
        let code = self.territory(territory).await?.code;
        require(can_manage_sla(user, &code))?;
        let minutes =
            parse_target(req.target_hours).map_err(|m| RotaError::invalid("target_hours", m))?;
        let at = self.clock.now();
        let record = SlaPolicyRecord {
            territory_code: code.to_string(),
            priority,
            target_minutes: minutes,
            clock: clock_from_wire(req.clock),
            updated_at: at,
            updated_by: Some(user.id.as_uuid()),
        };
        let fx = Effects::audit(
            entry(
                at,
                user,
                "sla_policy.set",
                "sla_policy",
                format!("{code}/{}", priority.as_str()),
            )
            .in_territory(code.as_str())
            .detail(
                serde_json::json!({ "target_minutes": minutes, "clock": record.clock.as_str() }),
            ),
        );
        self.repo.save_sla_policy(&record, &fx).await?;
        tracing::info!(priority = priority.as_str(), minutes, "SLA policy set");
        Ok(policies_of(self.repo.as_ref(), code.as_str()).await?)
    }
}
