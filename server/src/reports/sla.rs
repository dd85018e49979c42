//! Turnaround against the targets, grouped by territory, dermatologist or priority.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use telederm_schemas as wire;

use super::{scope::Scope, stats::share};
use super::{ReportError, ReportService};
use crate::{
    db::{ReportRow, SlaSummaryRow, SummaryKey},
    domain::CaseStatus,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Territory,
    Dermatologist,
    Priority,
}

impl GroupBy {
    pub fn parse(raw: Option<&str>) -> Result<GroupBy, ReportError> {
        match raw {
            None | Some("territory") => Ok(GroupBy::Territory),
            Some("dermatologist") => Ok(GroupBy::Dermatologist),
            Some("priority") => Ok(GroupBy::Priority),
            Some(_) => Err(ReportError::invalid(
                "group_by",
                "`territory`, `dermatologist` or `priority`",
            )),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            GroupBy::Territory => "territory",
            GroupBy::Dermatologist => "dermatologist",
            GroupBy::Priority => "priority",
        }
    }
}

/// Before the first response, a case has no dermatologist to be counted against.
pub const UNASSIGNED: &str = "unassigned";

impl ReportService {
    pub(super) async fn sla_report(
        &self,
        scope: &Scope,
        by: GroupBy,
    ) -> Result<wire::SlaReport, ReportError> {
        let now = self.clock.now();
        let repo = self.repo.as_ref();
        let scoped = scope.territories.as_deref();
        let key = match by {
            GroupBy::Territory => SummaryKey::Territory,
            GroupBy::Dermatologist => SummaryKey::Dermatologist,
            GroupBy::Priority => SummaryKey::Priority,
        };
        let (total, groups): (Vec<SlaSummaryRow>, Vec<SlaSummaryRow>) = repo
            .sla_summary(scoped, scope.from, scope.to, now, key)
            .await?
            .into_iter()
            .partition(|g| g.key.is_empty());
        let labels: BTreeMap<String, String> = match by {
            GroupBy::Territory => repo
                .list_territories()
                .await?
                .into_iter()
                .map(|t| (t.code.to_string(), t.name.as_str().to_owned()))
                .collect(),
            GroupBy::Dermatologist => repo
                .list_users()
                .await?
                .into_iter()
                .map(|u| (u.id.to_string(), u.display_name.as_str().to_owned()))
                .collect(),
            GroupBy::Priority => BTreeMap::new(),
        };
        let territories = match &scope.territories {
            Some(ts) => ts.clone(),
            // Every territory (an admin who named none).
            None => {
                let mut ts: Vec<String> = repo
                    .list_territories()
                    .await?
                    .into_iter()
                    .map(|t| t.code.to_string())
                    .collect();
                ts.sort();
                ts
            }
        };
        Ok(wire::SlaReport {
            from: scope.from,
            to: scope.to,
            generated_at: now,
            group_by: by.as_str().to_owned(),
            territories,
            groups: groups
                .iter()
                .map(|g| summarize(&g.key, labels.get(&g.key).cloned(), Some(g)))
                .collect(),
            total: summarize("total", None, total.first()),
        })
    }
}

/// Recorded by the ladder, or not yet recorded (answered late, or overdue, before the worker's
/// next pass).
pub(super) fn breached(r: &ReportRow, now: DateTime<Utc>) -> bool {
    let Some(due) = r.due_at else {
        return r.breached;
    };
    r.breached
        || r.answered_at.is_some_and(|a| a > due)
        || (matches!(r.status, CaseStatus::Queued | CaseStatus::Claimed) && due <= now)
}

fn summarize(key: &str, label: Option<String>, g: Option<&SlaSummaryRow>) -> wire::SlaGroup {
    let n = |v: Option<i64>| v.map_or(0, |v| u64::try_from(v).unwrap_or(0));
    let cases = n(g.map(|g| g.cases));
    let breaches = n(g.map(|g| g.breaches));
    wire::SlaGroup {
        key: key.to_owned(),
        label,
        cases,
        answered: n(g.map(|g| g.answered)),
        first_response: wire::DurationStats {
            count: n(g.map(|g| g.responses)),
            median_secs: g.and_then(|g| g.median_secs),
            p90_secs: g.and_then(|g| g.p90_secs),
            p95_secs: g.and_then(|g| g.p95_secs),
            max_secs: g.and_then(|g| g.max_secs),
        },
        breaches,
        breach_rate: share(breaches, cases),
        open: n(g.map(|g| g.open)),
        at_risk: n(g.map(|g| g.at_risk)),
        info_request_share: share(n(g.map(|g| g.info_requested)), cases),
        new_photos_share: share(n(g.map(|g| g.new_photos_requested)), cases),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn row(status: CaseStatus, answered_after_h: Option<i64>) -> ReportRow {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        ReportRow {
            id: uuid::Uuid::new_v4(),
            territory_code: "13".into(),
            priority: crate::domain::Priority::Urgent,
            status,
            submitted_at: t0,
            first_response_at: None,
            first_responder: None,
            warn_at: Some(t0 + Duration::hours(38)),
            due_at: Some(t0 + Duration::hours(48)),
            answered_at: answered_after_h.map(|h| t0 + Duration::hours(h)),
            breached: false,
            info_requested: false,
            new_photos_requested: false,
            in_person_date: None,
            biopsy_date: None,
            histology_date: None,
        }
    }

    #[test]
    fn a_breach_counts_before_the_worker_records_it() {
        let now = Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap();
        assert!(
            breached(&row(CaseStatus::Answered, Some(50)), now),
            "answered late"
        );
        assert!(!breached(&row(CaseStatus::Answered, Some(47)), now));
        assert!(
            breached(&row(CaseStatus::Queued, None), now),
            "overdue and open"
        );
        assert!(
            !breached(&row(CaseStatus::InfoRequested, None), now),
            "the clock is stopped"
        );
        assert!(!breached(&row(CaseStatus::Cancelled, None), now));
    }
}
