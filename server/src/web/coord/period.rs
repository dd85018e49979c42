//! The period and territory of the dashboard, as its form sends them: calendar days in the
//! territory's time zone, both included (`from=2026-10-05&to=2026-11-29`), by default the last
//! eight weeks up to today; no territory: all of the coordinator's.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use telederm_schemas as wire;

use crate::{
    domain::Territory,
    reports::{dashboard::midnight, scope::MAX_PERIOD_DAYS},
    web::{form::FieldErrors, i18n::Lang},
};

/// Eight weeks, today included.
const DEFAULT_DAYS: i64 = 56;

#[derive(Debug, Default, Deserialize)]
pub struct PeriodForm {
    pub from: Option<String>,
    pub to: Option<String>,
    pub territory: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Period {
    /// First and last day, both included.
    pub from_day: NaiveDate,
    pub to_day: NaiveDate,
    /// A code among the coordinator's; `None`: all of them.
    pub territory: Option<String>,
    /// The zone the days are read in: the chosen territory's, else the first one's.
    pub tz: Tz,
}

impl Period {
    /// The period asked, with what is wrong in it (shown beside each field).
    pub fn read(
        lang: Lang,
        form: &PeriodForm,
        places: &[Territory],
        now: DateTime<Utc>,
    ) -> (Period, FieldErrors) {
        let mut errors = FieldErrors::default();
        let territory = form
            .territory
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let chosen = territory
            .as_deref()
            .and_then(|code| places.iter().find(|t| t.code.as_str() == code));
        if territory.is_some() && chosen.is_none() {
            errors.add("territory", lang.t("coord-invalid-territory"));
        }
        let tz = chosen
            .or(places.first())
            .map_or(chrono_tz::Europe::Paris, |t| t.timezone.tz());
        let today = now.with_timezone(&tz).date_naive();
        let mut day = |field: &str, raw: &Option<String>, default: NaiveDate| match raw
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => default,
            Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap_or_else(|_| {
                errors.add(field, lang.t("coord-invalid-date"));
                default
            }),
        };
        let to_day = day("to", &form.to, today);
        let from_day = day(
            "from",
            &form.from,
            to_day - Duration::days(DEFAULT_DAYS - 1),
        );
        if errors.get("from").is_none() && errors.get("to").is_none() {
            if to_day < from_day {
                errors.add("to", lang.t("coord-invalid-order"));
            } else if (to_day - from_day).num_days() + 1 > MAX_PERIOD_DAYS {
                errors.add("to", lang.t("coord-invalid-too-long"));
            }
        }
        let period = Period {
            from_day,
            to_day,
            territory: chosen.map(|t| t.code.to_string()),
            tz,
        };
        (period, errors)
    }

    /// `[from, to)`: the first day's midnight to the midnight after the last day, where `tz` is.
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            midnight(self.tz, self.from_day),
            midnight(self.tz, self.to_day + Duration::days(1)),
        )
    }

    /// The reports' query for this period (the SLA report grouped as `group_by`).
    pub fn query(&self, group_by: Option<&str>) -> wire::ReportQuery {
        let (from, to) = self.instants();
        wire::ReportQuery {
            from: Some(from),
            to: Some(to),
            territory: self.territory.iter().cloned().collect(),
            group_by: group_by.map(str::to_owned),
            format: None,
        }
    }

    /// The form's own query string, for links that keep the period (CSV downloads).
    pub fn query_string(&self) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        pairs
            .append_pair("from", &self.from_day.to_string())
            .append_pair("to", &self.to_day.to_string());
        if let Some(t) = &self.territory {
            pairs.append_pair("territory", t);
        }
        pairs.finish()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn days_are_read_in_the_territorys_zone_last_day_included() {
        let period = Period {
            from_day: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            to_day: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
            territory: None,
            tz: chrono_tz::Europe::Paris,
        };
        let (from, to) = period.instants();
        // Summer time in October, winter time at the end of November.
        assert_eq!(from.to_rfc3339(), "2026-10-04T22:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-11-29T23:00:00+00:00");
        assert_eq!(period.query_string(), "from=2026-10-05&to=2026-11-29");
    }

    #[test]
    fn by_default_the_last_eight_weeks_today_included() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap();
        let (period, errors) = Period::read(Lang::Fr, &PeriodForm::default(), &[], now);
        assert!(errors.is_empty());
        assert_eq!(period.to_day.to_string(), "2026-11-30");
        assert_eq!(period.from_day.to_string(), "2026-10-06");
        let (from, to) = period.instants();
        assert_eq!((to - from).num_days(), 56);
    }

    #[test]
    fn a_bad_day_or_order_is_said_beside_its_field() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap();
        let form = |from: &str, to: &str| PeriodForm {
            from: Some(from.into()),
            to: Some(to.into()),
            territory: Some("06".into()),
        };
        let (_, errors) = Period::read(Lang::En, &form("2026-13-01", "2026-11-01"), &[], now);
        assert!(errors.get("from").is_some() && errors.get("territory").is_some());
        let (_, errors) = Period::read(Lang::En, &form("2026-11-02", "2026-11-01"), &[], now);
        assert!(errors.get("to").is_some());
        let (_, errors) = Period::read(Lang::En, &form("2024-11-02", "2026-11-01"), &[], now);
        assert!(errors.get("to").is_some());
    }
}
