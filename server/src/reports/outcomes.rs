//! Delay from submission to the in-person visit, the biopsy and the histology, per territory, in
//! days (the submission day taken in the territory's timezone, like the recorded dates).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use telederm_schemas as wire;

use super::{scope::Scope, stats::nearest_rank};
use super::{ReportError, ReportService};
use crate::db::ReportRow;

impl ReportService {
    pub(super) async fn outcomes_report(
        &self,
        scope: &Scope,
    ) -> Result<wire::OutcomesReport, ReportError> {
        let rows = self
            .repo
            .report_rows(scope.territories.as_deref(), scope.from, scope.to)
            .await?;
        let zones: BTreeMap<String, chrono_tz::Tz> = self
            .repo
            .list_territories()
            .await?
            .into_iter()
            .map(|t| (t.code.to_string(), t.timezone.tz()))
            .collect();
        let mut groups: BTreeMap<&str, Vec<&ReportRow>> = BTreeMap::new();
        if let Some(ts) = &scope.territories {
            for t in ts {
                groups.entry(t.as_str()).or_default();
            }
        }
        for r in &rows {
            groups.entry(r.territory_code.as_str()).or_default().push(r);
        }
        let groups = groups
            .into_iter()
            .map(|(territory, rows)| {
                let tz = zones
                    .get(territory)
                    .copied()
                    .unwrap_or(chrono_tz::Europe::Paris);
                let days = |date: fn(&ReportRow) -> Option<NaiveDate>| {
                    let mut v: Vec<i64> = rows
                        .iter()
                        .filter_map(|r| {
                            let submitted = r.submitted_at.with_timezone(&tz).date_naive();
                            date(r).map(|d| (d - submitted).num_days())
                        })
                        .collect();
                    v.sort_unstable();
                    wire::DayStats {
                        count: v.len() as u64,
                        median: nearest_rank(&v, 50),
                        p90: nearest_rank(&v, 90),
                        max: v.last().copied(),
                    }
                };
                wire::OutcomeGroup {
                    territory: territory.to_owned(),
                    cases: rows.len() as u64,
                    with_outcome: rows
                        .iter()
                        .filter(|r| {
                            r.in_person_date.is_some()
                                || r.biopsy_date.is_some()
                                || r.histology_date.is_some()
                        })
                        .count() as u64,
                    to_in_person_days: days(|r| r.in_person_date),
                    to_biopsy_days: days(|r| r.biopsy_date),
                    to_histology_days: days(|r| r.histology_date),
                }
            })
            .collect();
        Ok(wire::OutcomesReport {
            from: scope.from,
            to: scope.to,
            generated_at: self.clock.now(),
            groups,
        })
    }
}
