//! The reports service: coordinators' figures (turnaround against the targets, `sla`; delay from
//! submission to visit, biopsy and histology, `outcomes`), as JSON or CSV, and the audit trail
//! (`trail`). Computed from the cases of the period in memory, so every percentile is exact. No
//! HTTP in it; who sees which territory is asked of `auth::policy`.

mod csv;
pub mod dashboard;
mod error;
pub mod outcomes;
mod people;
pub mod scope;
pub mod sla;
pub mod stats;
mod trail;

use std::sync::Arc;

use telederm_schemas as wire;

pub use self::csv::{outcomes_csv, sla_csv};
pub use error::ReportError;
pub use scope::{parse_query, Format};

use crate::{
    db::Repo,
    domain::{Clock, User},
};

pub struct ReportService {
    repo: Arc<dyn Repo>,
    clock: Arc<dyn Clock>,
}

impl ReportService {
    pub fn new(repo: Arc<dyn Repo>, clock: Arc<dyn Clock>) -> ReportService {
        ReportService { repo, clock }
    }

    /// Turnaround against the targets for cases submitted in the period asked (by default the
    /// last 30 days), of the territories the caller may see; and the format asked.
    pub async fn sla(
        &self,
        caller: &User,
        query: &wire::ReportQuery,
    ) -> Result<(wire::SlaReport, Format), ReportError> {
        let scope = scope::scope(caller, query, self.clock.now())?;
        let by = sla::GroupBy::parse(query.group_by.as_deref())?;
        Ok((self.sla_report(&scope, by).await?, scope.format))
    }

    /// Delay from submission to the in-person visit, biopsy and histology, per territory.
    pub async fn outcomes(
        &self,
        caller: &User,
        query: &wire::ReportQuery,
    ) -> Result<(wire::OutcomesReport, Format), ReportError> {
        let scope = scope::scope(caller, query, self.clock.now())?;
        if query.group_by.as_deref().is_some_and(|g| g != "territory") {
            return Err(ReportError::invalid(
                "group_by",
                "outcomes are grouped by territory",
            ));
        }
        Ok((self.outcomes_report(&scope).await?, scope.format))
    }
}
