//! The coordinators' dashboard figures that the SLA report does not give: first response and
//! breaches week by week, the share answered within target, the targets themselves, and, at
//! this instant, the open cases by age and those at risk. Never a clinical field.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use telederm_schemas as wire;

use super::{scope, sla::breached, stats::nearest_rank};
use super::{ReportError, ReportService};
use crate::{
    db::{OpenCaseRow, ReportRow},
    domain::{CaseStatus, Priority, User},
    sla::policy::effective_policy,
};

/// First response of one priority's cases submitted in one week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseFigures {
    pub cases: u64,
    /// Cases with a first response (answer or request for information).
    pub responded: u64,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
}

/// Seven days from `start` (the last week of a period may be shorter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub urgent: ResponseFigures,
    pub routine: ResponseFigures,
    /// Breaches among the cases submitted that week, both priorities.
    pub breaches: u64,
}

impl Week {
    pub fn of(&self, priority: Priority) -> &ResponseFigures {
        match priority {
            Priority::Urgent => &self.urgent,
            Priority::Routine => &self.routine,
        }
    }
}

/// How long an open case has waited since its submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeBand {
    UnderOneDay,
    OneToTwoDays,
    TwoToSevenDays,
    OverSevenDays,
}

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [
        AgeBand::UnderOneDay,
        AgeBand::OneToTwoDays,
        AgeBand::TwoToSevenDays,
        AgeBand::OverSevenDays,
    ];

    pub fn of(age: Duration) -> AgeBand {
        match age.num_hours() {
            h if h < 24 => AgeBand::UnderOneDay,
            h if h < 48 => AgeBand::OneToTwoDays,
            h if h < 168 => AgeBand::TwoToSevenDays,
            _ => AgeBand::OverSevenDays,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            AgeBand::UnderOneDay => "under-1-day",
            AgeBand::OneToTwoDays => "1-to-2-days",
            AgeBand::TwoToSevenDays => "2-to-7-days",
            AgeBand::OverSevenDays => "over-7-days",
        }
    }
}

/// How far along its target an open case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskStep {
    /// Past 50 %.
    Half,
    /// Past 80 %.
    Warned,
    /// Past 100 %.
    Overdue,
}

impl RiskStep {
    pub fn as_str(&self) -> &'static str {
        match self {
            RiskStep::Half => "half",
            RiskStep::Warned => "warned",
            RiskStep::Overdue => "overdue",
        }
    }
}

/// An open case past half its target, its clock running (not while it waits on the GP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtRisk {
    pub id: uuid::Uuid,
    pub territory: String,
    pub priority: Priority,
    pub status: CaseStatus,
    pub submitted_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub step: RiskStep,
}

/// A territory's target for one priority, in minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub territory: String,
    pub priority: Priority,
    pub minutes: i64,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub territories: Vec<String>,
    pub weeks: Vec<Week>,
    pub targets: Vec<Target>,
    /// Cases of the period with a first response, and those whose first response came in time.
    pub responded: u64,
    pub responded_in_time: u64,
    /// Open cases now, per [`AgeBand::ALL`].
    pub open_by_age: [u64; 4],
    /// Most advanced first, then the earliest due.
    pub at_risk: Vec<AtRisk>,
}

impl ReportService {
    /// The dashboard of the territories and period asked (the same scope and checks as the
    /// SLA report); the open cases and those at risk are those of now, whenever submitted.
    /// Weeks start at midnight where `tz` is, seven calendar days apart (a clock change makes
    /// one 167 or 169 hours long).
    pub async fn dashboard(
        &self,
        caller: &User,
        query: &wire::ReportQuery,
        tz: Tz,
    ) -> Result<Dashboard, ReportError> {
        let now = self.clock.now();
        let scope = scope::scope(caller, query, now)?;
        let rows = self
            .repo
            .report_rows(scope.territories.as_deref(), scope.from, scope.to)
            .await?;
        let open = self.repo.open_cases(scope.territories.as_deref()).await?;
        let territories = match scope.territories {
            Some(ts) => ts,
            None => self
                .repo
                .list_territories()
                .await?
                .into_iter()
                .map(|t| t.code.to_string())
                .collect(),
        };
        let mut targets = Vec::new();
        for t in &territories {
            for priority in [Priority::Urgent, Priority::Routine] {
                let policy = effective_policy(self.repo.as_ref(), t, priority).await?;
                targets.push(Target {
                    territory: t.clone(),
                    priority,
                    minutes: policy.target.num_minutes(),
                });
            }
        }
        let responded: Vec<&ReportRow> = rows
            .iter()
            .filter(|r| r.first_response_at.is_some())
            .collect();
        let in_time = responded
            .iter()
            .filter(|r| match (r.first_response_at, r.due_at) {
                (Some(first), Some(due)) => first <= due,
                // No due time (e.g. a policy changed since): the breach the ladder recorded.
                _ => !r.breached,
            })
            .count();
        Ok(Dashboard {
            from: scope.from,
            to: scope.to,
            now,
            weeks: weeks(&rows, scope.from, scope.to, now, tz),
            targets,
            territories,
            responded: responded.len() as u64,
            responded_in_time: in_time as u64,
            open_by_age: open_by_age(&open, now),
            at_risk: at_risk(&open, now),
        })
    }
}

fn weeks(
    rows: &[ReportRow],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Vec<Week> {
    let mut out = Vec::new();
    let mut start = from;
    let first_day = from.with_timezone(&tz).date_naive();
    let mut n = 0;
    while start < to {
        n += 1;
        let end = midnight(tz, first_day + Duration::days(7 * n)).min(to);
        let of_week: Vec<&ReportRow> = rows
            .iter()
            .filter(|r| r.submitted_at >= start && r.submitted_at < end)
            .collect();
        let figures = |priority: Priority| {
            let cases: Vec<&&ReportRow> =
                of_week.iter().filter(|r| r.priority == priority).collect();
            let mut secs: Vec<i64> = cases
                .iter()
                .filter_map(|r| {
                    r.first_response_at
                        .map(|t| (t - r.submitted_at).num_seconds())
                })
                .collect();
            secs.sort_unstable();
            ResponseFigures {
                cases: cases.len() as u64,
                responded: secs.len() as u64,
                median_secs: nearest_rank(&secs, 50),
                p90_secs: nearest_rank(&secs, 90),
            }
        };
        out.push(Week {
            start,
            end,
            urgent: figures(Priority::Urgent),
            routine: figures(Priority::Routine),
            breaches: of_week.iter().filter(|r| breached(r, now)).count() as u64,
        });
        start = end;
    }
    out
}

/// The first instant of `day` where `tz` is (after a skipped midnight, the next one that exists).
pub fn midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

fn open_by_age(open: &[OpenCaseRow], now: DateTime<Utc>) -> [u64; 4] {
    let mut bands = [0; 4];
    for case in open {
        let band = AgeBand::of(now - case.submitted_at);
        if let Some(i) = AgeBand::ALL.iter().position(|b| *b == band) {
            bands[i] += 1;
        }
    }
    bands
}

fn at_risk(open: &[OpenCaseRow], now: DateTime<Utc>) -> Vec<AtRisk> {
    let mut out: Vec<AtRisk> = open
        .iter()
        .filter(|c| matches!(c.status, CaseStatus::Queued | CaseStatus::Claimed))
        .filter_map(|c| {
            let due_at = c.due_at?;
            let step = if due_at <= now {
                RiskStep::Overdue
            } else if c.warn_at.is_some_and(|w| w <= now) {
                RiskStep::Warned
            } else if c.remind_at.is_some_and(|r| r <= now) {
                RiskStep::Half
            } else {
                return None;
            };
            Some(AtRisk {
                id: c.id,
                territory: c.territory_code.clone(),
                priority: c.priority,
                status: c.status,
                submitted_at: c.submitted_at,
                due_at,
                step,
            })
        })
        .collect();
    out.sort_by(|a, b| b.step.cmp(&a.step).then(a.due_at.cmp(&b.due_at)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(status: CaseStatus, submitted_h: i64) -> OpenCaseRow {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        OpenCaseRow {
            id: uuid::Uuid::new_v4(),
            territory_code: "13".into(),
            priority: Priority::Urgent,
            status,
            submitted_at: t0 + Duration::hours(submitted_h),
            remind_at: Some(t0 + Duration::hours(submitted_h + 24)),
            warn_at: Some(t0 + Duration::hours(submitted_h + 38)),
            due_at: Some(t0 + Duration::hours(submitted_h + 48)),
        }
    }

    #[test]
    fn weeks_are_seven_local_days_across_a_clock_change() {
        let tz = chrono_tz::Europe::Paris;
        let from = midnight(tz, NaiveDate::from_ymd_opt(2026, 10, 20).unwrap());
        let to = midnight(tz, NaiveDate::from_ymd_opt(2026, 11, 3).unwrap());
        let w = weeks(&[], from, to, to, tz);
        assert_eq!(w.len(), 2);
        assert_eq!(
            (w[0].end - w[0].start).num_hours(),
            169,
            "summer time ends on 25 October"
        );
        assert_eq!(w[1].start.to_rfc3339(), "2026-10-26T23:00:00+00:00");
        assert_eq!(w[1].end, to);
    }

    #[test]
    fn open_cases_fall_in_age_bands() {
        let now = Utc.with_ymd_and_hms(2026, 11, 12, 9, 0, 0).unwrap();
        let ages = [0, 23, 24, 47, 48, 167, 168, 400];
        let rows: Vec<OpenCaseRow> = ages
            .iter()
            .map(|h| {
                let mut r = open(CaseStatus::Queued, 0);
                r.submitted_at = now - Duration::hours(*h);
                r
            })
            .collect();
        assert_eq!(open_by_age(&rows, now), [2, 2, 2, 2]);
    }

    #[test]
    fn at_risk_from_half_the_target_while_the_clock_runs() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let now = t0 + Duration::hours(50);
        let rows = [
            open(CaseStatus::Queued, 0),        // overdue
            open(CaseStatus::Claimed, 10),      // 40 h of 48: warned
            open(CaseStatus::Queued, 20),       // 30 h: half
            open(CaseStatus::Queued, 30),       // 20 h: not yet
            open(CaseStatus::InfoRequested, 0), // clock stopped
        ];
        let steps: Vec<RiskStep> = at_risk(&rows, now).iter().map(|r| r.step).collect();
        assert_eq!(steps, [RiskStep::Overdue, RiskStep::Warned, RiskStep::Half]);
    }
}
