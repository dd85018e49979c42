//! The escalation ladder, one pass: for each open case with a step due, take the steps in order
//! (remind at 50 % if unclaimed, offer to the fallbacks and warn the coordinators at 80 %, record
//! the breach at 100 %). Each step is taken once per case by whichever instance gets there first
//! (`SlaRepo::take_sla_step`); a case answered or waiting on the GP takes none.

use std::collections::HashMap;

use telederm_schemas::EventKind;

use super::{CaseError, CaseService};
use crate::{
    audit,
    db::{Effects, Repo, SlaCandidate, SlaStep},
    domain::{CaseStatus, Recipient, Territory, TerritoryCode, UserId},
    notify::CaseEvent,
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
            let Some(territory) = territories.get(&c.territory_code).and_then(Option::as_ref)
            else {
                tracing::error!(case_id = %c.id, "the case's territory cannot be read: no escalation");
                continue;
            };
            if c.status == CaseStatus::Queued
                && !c.reminded
                && self.take_step(&c, SlaStep::Remind, territory).await?
            {
                stats.reminded += 1;
            }
            if c.warn_at <= now
                && !c.offered
                && self.take_step(&c, SlaStep::Offer, territory).await?
            {
                stats.offered += 1;
            }
            if c.due_at <= now
                && !c.breached
                && self.take_step(&c, SlaStep::Breach, territory).await?
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
        territory: &Territory,
    ) -> Result<bool, CaseError> {
        let repo: &dyn Repo = self.repo.as_ref();
        let at = self.now();
        let code = territory.code.as_str();
        let fallbacks: Vec<String> = territory
            .fallbacks
            .iter()
            .map(ToString::to_string)
            .collect();
        let notifier = &self.settings.notifier;
        let event = |kind| CaseEvent {
            kind,
            case_id: c.id,
            territory,
            due_at: Some(c.due_at),
            at,
        };
        let mut notes = Vec::new();
        let mut detail = serde_json::json!({ "due_at": c.due_at });
        match step {
            SlaStep::Remind => {
                let derms = repo.oncall_recipients(&[code.to_owned()], at).await?;
                notes = notifier.about_case(&derms, &event(EventKind::SlaReminder));
            }
            SlaStep::Offer => {
                if c.status == CaseStatus::Queued {
                    let derms = repo.oncall_recipients(&fallbacks, at).await?;
                    notes = notifier.about_case(&derms, &event(EventKind::SlaOffered));
                }
                let coordinators = repo.coordinator_recipients(code).await?;
                notes.extend(notifier.about_case(&coordinators, &event(EventKind::SlaWarning)));
                detail["offered_to"] = serde_json::json!(fallbacks);
            }
            SlaStep::Breach => {
                // The coordinators, and the GP who is still waiting.
                let mut told = repo.coordinator_recipients(code).await?;
                if let Some(gp) = repo.user(UserId::from(c.gp_id)).await? {
                    told.extend(Recipient::of(&gp));
                }
                notes = notifier.about_case(&told, &event(EventKind::SlaBreached));
            }
        }
        let entry = audit::entry(
            at,
            None,
            &format!("sla.{}", step.as_str()),
            "case",
            Some(c.id.to_string()),
        )
        .on_case(c.id, code)
        .detail(detail);
        Ok(repo
            .take_sla_step(c.id, step, at, &Effects::audit(entry).with(notes))
            .await?)
    }
}
