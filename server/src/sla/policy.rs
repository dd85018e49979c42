use chrono::{DateTime, Duration, Utc};
use telederm_schemas as wire;

use crate::{
    db::{CaseRecord, Repo, RepoError, SlaPolicyRecord, SlaTimes},
    domain::{
        calendar::{self, Calendar, SlaClock},
        Priority, Territory,
    },
};

/// Shortest and longest target a coordinator may set.
pub const MIN_TARGET_MINUTES: i64 = 1;
pub const MAX_TARGET_MINUTES: i64 = 60 * 24 * 60;

/// The target of one priority in one territory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub target: Duration,
    pub clock: SlaClock,
    /// No policy was set: the built-in default applies.
    pub default: bool,
}

impl Policy {
    /// Urgent 48 h, routine 7 days (the French tele-expertise convention's limit), every hour
    /// counting.
    pub fn default_for(priority: Priority) -> Policy {
        let hours = match priority {
            Priority::Urgent => 48,
            Priority::Routine => 168,
        };
        Policy {
            target: Duration::hours(hours),
            clock: SlaClock::Calendar,
            default: true,
        }
    }

    /// When each step of the ladder falls due for a clock started at `start`.
    pub fn times(&self, cal: &Calendar, start: DateTime<Utc>) -> SlaTimes {
        let part = |pct: i32| self.target * pct / 100;
        SlaTimes {
            remind_at: calendar::add(self.clock, cal, start, part(50)),
            warn_at: calendar::add(self.clock, cal, start, part(80)),
            due_at: calendar::add(self.clock, cal, start, self.target),
        }
    }
}

pub async fn effective_policy(
    repo: &dyn Repo,
    territory: &str,
    priority: Priority,
) -> Result<Policy, RepoError> {
    let set = repo.sla_policies(territory).await?;
    Ok(set
        .iter()
        .find(|p| p.priority == priority)
        .and_then(from_record)
        .unwrap_or_else(|| Policy::default_for(priority)))
}

fn from_record(p: &SlaPolicyRecord) -> Option<Policy> {
    Some(Policy {
        target: Duration::minutes(p.target_minutes),
        clock: p.clock,
        default: false,
    })
}

/// Both priorities of a territory, as the API shows them.
pub async fn policies_of(
    repo: &dyn Repo,
    territory: &str,
) -> Result<Vec<wire::SlaPolicy>, RepoError> {
    let set = repo.sla_policies(territory).await?;
    Ok([Priority::Urgent, Priority::Routine]
        .into_iter()
        .map(|priority| {
            let record = set.iter().find(|p| p.priority == priority);
            let policy = record
                .and_then(from_record)
                .unwrap_or_else(|| Policy::default_for(priority));
            wire::SlaPolicy {
                territory: territory.to_owned(),
                priority,
                target_hours: policy.target.num_minutes() as f64 / 60.0,
                clock: clock_to_wire(policy.clock),
                default: policy.default,
                updated_at: record.map(|r| r.updated_at),
                updated_by: record.and_then(|r| r.updated_by),
            }
        })
        .collect())
}

pub fn clock_to_wire(c: SlaClock) -> wire::SlaClock {
    match c {
        SlaClock::Calendar => wire::SlaClock::Calendar,
        SlaClock::Business => wire::SlaClock::Business,
    }
}

pub fn clock_from_wire(c: wire::SlaClock) -> SlaClock {
    match c {
        wire::SlaClock::Calendar => SlaClock::Calendar,
        wire::SlaClock::Business => SlaClock::Business,
    }
}

/// A target in hours, to the minute, within bounds.
pub fn parse_target(hours: f64) -> Result<i64, String> {
    let minutes = (hours * 60.0).round();
    if !minutes.is_finite()
        || minutes < MIN_TARGET_MINUTES as f64
        || minutes > MAX_TARGET_MINUTES as f64
    {
        return Err(format!(
            "must be between 1 minute and {} hours",
            MAX_TARGET_MINUTES / 60
        ));
    }
    Ok(minutes as i64)
}

/// The ladder after the GP's reply: what was left of each step when the clock stopped counts
/// again from `resumed_at`. Steps already passed when the clock stopped stay where they were.
pub fn resumed(
    case: &CaseRecord,
    territory: &Territory,
    resumed_at: DateTime<Utc>,
) -> Option<SlaTimes> {
    let clock = case.sla_clock?;
    let paused_at = case.paused_at?;
    let cal = territory.calendar();
    let shift = |t: DateTime<Utc>| {
        if t <= paused_at {
            t
        } else {
            calendar::add(
                clock,
                &cal,
                resumed_at,
                calendar::between(clock, &cal, paused_at, t),
            )
        }
    };
    Some(SlaTimes {
        remind_at: shift(case.remind_at?),
        warn_at: shift(case.warn_at?),
        due_at: shift(case.due_at?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn paris() -> Calendar {
        Calendar {
            tz: chrono_tz::Europe::Paris,
            hours: Default::default(),
            holidays: Default::default(),
        }
    }

    #[test]
    fn calendar_steps_fall_at_50_80_and_100_percent() {
        let start = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let t = Policy::default_for(Priority::Urgent).times(&paris(), start);
        assert_eq!(t.remind_at, start + Duration::hours(24));
        assert_eq!(t.warn_at, start + Duration::minutes(48 * 60 * 8 / 10));
        assert_eq!(t.due_at, start + Duration::hours(48));
    }

    #[test]
    fn business_steps_skip_the_weekend() {
        // Friday 2026-11-06 17:00 Paris (16:00 UTC), 4 working hours: 2 on Friday, 2 on Monday.
        let start = Utc.with_ymd_and_hms(2026, 11, 6, 16, 0, 0).unwrap();
        let p = Policy {
            target: Duration::hours(4),
            clock: SlaClock::Business,
            default: false,
        };
        let t = p.times(&paris(), start);
        assert_eq!(
            t.remind_at,
            Utc.with_ymd_and_hms(2026, 11, 6, 18, 0, 0).unwrap()
        );
        assert_eq!(
            t.due_at,
            Utc.with_ymd_and_hms(2026, 11, 9, 9, 0, 0).unwrap()
        );
    }

    #[test]
    fn targets_are_bounded() {
        assert_eq!(parse_target(48.0), Ok(2880));
        assert_eq!(parse_target(0.5), Ok(30));
        assert!(parse_target(0.0).is_err());
        assert!(parse_target(f64::NAN).is_err());
        assert!(parse_target(24.0 * 61.0).is_err());
    }
}
