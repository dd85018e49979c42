//! Turnaround against the targets, grouped by territory, dermatologist or priority.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use telederm_schemas as wire;

use super::{
    scope::Scope,
    stats::{nearest_rank, share},
};
use super::{ReportError, ReportService};
use crate::{db::ReportRow, domain::CaseStatus};

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
        let rows = self
            .repo
            .report_rows(scope.territories.as_deref(), scope.from, scope.to)
            .await?;
        let labels: BTreeMap<String, String> = match by {
            GroupBy::Territory => self
                .repo
                .list_territories()
                .await?
                .into_iter()
                .map(|t| (t.code.to_string(), t.name.as_str().to_owned()))
                .collect(),
            GroupBy::Dermatologist => self
                .repo
                .list_users()
                .await?
                .into_iter()
                .map(|u| (u.id.to_string(), u.display_name.as_str().to_owned()))
                .collect(),
            GroupBy::Priority => BTreeMap::new(),
        };
        let mut groups: BTreeMap<String, Vec<&ReportRow>> = BTreeMap::new();
        for r in &rows {
            let key = match by {
                GroupBy::Territory => r.territory_code.clone(),
                GroupBy::Dermatologist => r
                    .first_responder
                    .map_or_else(|| UNASSIGNED.to_owned(), |d| d.to_string()),
                GroupBy::Priority => r.priority.as_str().to_owned(),
            };
            groups.entry(key).or_default().push(r);
        }
        let all: Vec<&ReportRow> = rows.iter().collect();
        let territories = match &scope.territories {
            Some(ts) => ts.clone(),
            None => {
                let mut ts: Vec<String> = rows.iter().map(|r| r.territory_code.clone()).collect();
                ts.sort();
                ts.dedup();
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
                .map(|(key, rows)| summarize(key, labels.get(key).cloned(), rows, now))
                .collect(),
            total: summarize("total", None, &all, now),
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

fn summarize(
    key: &str,
    label: Option<String>,
    rows: &[&ReportRow],
    now: DateTime<Utc>,
) -> wire::SlaGroup {
    let cases = rows.len() as u64;
    let count = |f: &dyn Fn(&ReportRow) -> bool| rows.iter().filter(|r| f(r)).count() as u64;
    let mut first: Vec<i64> = rows
        .iter()
        .filter_map(|r| {
            r.first_response_at
                .map(|t| (t - r.submitted_at).num_seconds())
        })
        .collect();
    first.sort_unstable();
    let breaches = count(&|r| breached(r, now));
    let open = |r: &ReportRow| {
        matches!(
            r.status,
            CaseStatus::Queued | CaseStatus::Claimed | CaseStatus::InfoRequested
        )
    };
    wire::SlaGroup {
        key: key.to_owned(),
        label,
        cases,
        answered: count(&|r| r.answered_at.is_some()),
        first_response: wire::DurationStats {
            count: first.len() as u64,
            median_secs: nearest_rank(&first, 50),
            p90_secs: nearest_rank(&first, 90),
            p95_secs: nearest_rank(&first, 95),
            max_secs: first.last().copied(),
        },
        breaches,
        breach_rate: share(breaches, cases),
        open: count(&open),
        // The clock stands still while the case waits on the GP: not at risk then.
        at_risk: count(&|r| {
            matches!(r.status, CaseStatus::Queued | CaseStatus::Claimed)
                && r.warn_at.is_some_and(|w| w <= now)
        }),
        info_request_share: share(count(&|r| r.info_requested), cases),
        new_photos_share: share(count(&|r| r.new_photos_requested), cases),
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
