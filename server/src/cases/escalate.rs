//! The escalation ladder, one pass: for each open case with a step due, take the steps in order
//! (remind at 50 % if unclaimed, offer to the fallbacks and warn the coordinators at 80 %, record
//! the breach at 100 %). Each step is taken once per case by whichever instance gets there first
//! (`SlaRepo::take_sla_step`); a case answered or waiting on the GP takes none.

use std::collections::HashMap;

use uuid::Uuid;

use super::{CaseError, CaseService};
use crate::{
    audit,
    db::{Effects, Repo, SlaCandidate, SlaStep},
    domain::{CaseStatus, Territory, TerritoryCode},
    notify,
};

/// Cases looked at per pass; the next pass takes the rest.
const BATCH: i64 = 500;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct EscalationStats {
    pub reminded: usize,
    pub offered: usize,
    pub breached: usize,
}

impl CaseService {
    /// One pass of the ladder over the cases with a step due now; run periodically by a worker.
    pub async fn escalate_due(&self) -> Result<EscalationStats, CaseError> {
        let repo = self.repo.as_ref();
        let now = self.now();
        let mut stats = EscalationStats::default();
        let mut territories: HashMap<String, Option<Territory>> = HashMap::new();
        for c in repo.sla_candidates(now, BATCH).await? {
            if !territories.contains_key(&c.territory_code) {
                let t = match TerritoryCode::parse(&c.territory_code) {
                    Ok(code) => repo.territory(&code).await?,
                    Err(_) => None,
                };
                territories.insert(c.territory_code.clone(), t);
            }
            let fallbacks: Vec<String> = territories
                .get(&c.territory_code)
                .and_then(Option::as_ref)
                .map(|t| t.fallbacks.iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            if c.status == CaseStatus::Queued
                && !c.reminded
                && self.take_step(&c, SlaStep::Remind, &fallbacks).await?
            {
                stats.reminded += 1;
            }
            if c.warn_at <= now
                && !c.offered
                && self.take_step(&c, SlaStep::Offer, &fallbacks).await?
            {
                stats.offered += 1;
            }
            if c.due_at <= now
                && !c.breached
                && self.take_step(&c, SlaStep::Breach, &fallbacks).await?
            {
                stats.breached += 1;
            }
        }
        if stats != EscalationStats::default() {
            tracing::info!(?stats, "escalation steps taken");
        }
        Ok(stats)
    }

    async fn take_step(
        &self,
        c: &SlaCandidate,
        step: SlaStep,
        fallbacks: &[String],
    ) -> Result<bool, CaseError> {
        let repo: &dyn Repo = self.repo.as_ref();
        let at = self.now();
        let territory = c.territory_code.as_str();
        let url = self.settings.public_url.as_str();
        let mut notes = Vec::new();
        let mut detail = serde_json::json!({ "due_at": c.due_at });
        match step {
            SlaStep::Remind => {
                let derms = repo.notifiable_oncall(&[territory.to_owned()], at).await?;
                notes = notify::about_case(&derms, notify::SLA_REMINDER, c.id, territory, at, url);
            }
            SlaStep::Offer => {
                if c.status == CaseStatus::Queued {
                    let derms: Vec<Uuid> = repo.notifiable_oncall(fallbacks, at).await?;
                    notes =
                        notify::about_case(&derms, notify::SLA_OFFERED, c.id, territory, at, url);
                }
                let coordinators = repo.notifiable_coordinators(territory).await?;
                notes.extend(notify::about_case(
                    &coordinators,
                    notify::SLA_WARNING,
                    c.id,
                    territory,
                    at,
                    url,
                ));
                detail["offered_to"] = serde_json::json!(fallbacks);
            }
            SlaStep::Breach => {
                let coordinators = repo.notifiable_coordinators(territory).await?;
                notes = notify::about_case(
                    &coordinators,
                    notify::SLA_BREACHED,
                    c.id,
                    territory,
                    at,
                    url,
                );
            }
        }
        let entry = audit::entry(
            at,
            None,
            &format!("sla.{}", step.as_str()),
            "case",
            Some(c.id.to_string()),
        )
        .on_case(c.id, territory)
        .detail(detail);
        Ok(repo
            .take_sla_step(c.id, step, at, &Effects::audit(entry).with(notes))
            .await?)
    }
}
