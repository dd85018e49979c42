//! The audit trail as coordinators and admins read it: filtered, paginated, and verified.

use telederm_schemas as wire;

use super::{ReportError, ReportService};
use crate::{
    accounts::People,
    audit,
    auth::policy::{territory_scope, TerritoryScope},
    db::AuditFilter,
    domain::{TerritoryCode, User},
};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

impl ReportService {
    /// The trail, newest first: coordinators the lines of their territories, admins all.
    pub async fn audit_trail(
        &self,
        caller: &User,
        query: &wire::AuditQuery,
    ) -> Result<wire::AuditPage, ReportError> {
        let scope = territory_scope(caller).map_err(|_| ReportError::Forbidden)?;
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ReportError::invalid("limit", format!("1 to {MAX_LIMIT}")));
        }
        let named = match &query.territory {
            Some(raw) => {
                vec![TerritoryCode::parse(raw).map_err(|m| ReportError::invalid("territory", m))?]
            }
            None => Vec::new(),
        };
        let territories = match scope
            .narrowed_to(named)
            .map_err(|_| ReportError::Forbidden)?
        {
            TerritoryScope::Everything => None,
            TerritoryScope::Territories(ts) => Some(ts.iter().map(ToString::to_string).collect()),
        };
        let filter = AuditFilter {
            case_id: query.case,
            actor_id: query.actor,
            action: query.action.clone(),
            from: query.from,
            to: query.to,
            territories,
            before_seq: query.before,
            limit,
        };
        let records = self.repo.audit_entries(&filter).await?;
        let people = People::of(
            self.repo.as_ref(),
            records.iter().filter_map(|r| r.actor_id),
        )
        .await?;
        let entries: Vec<wire::AuditEntry> = records
            .into_iter()
            .map(|r| {
                let actor = r.actor_id.map(|id| people.person(id));
                audit::to_wire(r, actor)
            })
            .collect();
        let next_before = (entries.len() as i64 == limit)
            .then(|| entries.last().map(|e| e.seq))
            .flatten();
        Ok(wire::AuditPage {
            entries,
            next_before,
        })
    }

    /// Walk the whole chain; the head hash is what to record elsewhere.
    pub async fn verify_audit(
        &self,
        caller: &User,
    ) -> Result<wire::AuditVerification, ReportError> {
        territory_scope(caller).map_err(|_| ReportError::Forbidden)?;
        Ok(audit::verify(self.repo.as_ref()).await?.to_wire())
    }
}
