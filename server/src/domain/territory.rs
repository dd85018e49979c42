use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveTime, Weekday};
use telederm_schemas as wire;

use super::{
    calendar::{Calendar, WorkingHours},
    TerritoryName, ValidationErrors,
};

/// Most public holidays one territory lists (about ten years of them).
const MAX_HOLIDAYS: usize = 200;

/// A territory code: a CPTS or département, e.g. `13` or `cpts-etang-de-berre`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TerritoryCode(String);

impl TerritoryCode {
    pub fn parse(raw: &str) -> Result<TerritoryCode, String> {
        let s = raw.trim().to_lowercase();
        let ok = (1..=64).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && s.as_bytes()[0].is_ascii_alphanumeric();
        if ok {
            Ok(TerritoryCode(s))
        } else {
            Err(format!(
                "`{}` is not a territory code (1-64 letters, digits or `-`)",
                raw.trim()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TerritoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An IANA timezone such as `Europe/Paris`: working hours and holidays are local to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timezone(chrono_tz::Tz);

impl Timezone {
    pub fn parse(raw: &str) -> Result<Timezone, String> {
        raw.trim()
            .parse::<chrono_tz::Tz>()
            .map(Timezone)
            .map_err(|_| format!("`{}` is not an IANA timezone", raw.trim()))
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl Default for Timezone {
    fn default() -> Self {
        Timezone(chrono_tz::Europe::Paris)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    pub code: TerritoryCode,
    pub name: TerritoryName,
    pub timezone: Timezone,
    /// Tried in order when nobody is on call here.
    pub fallbacks: Vec<TerritoryCode>,
    pub hours: WorkingHours,
    pub holidays: BTreeSet<NaiveDate>,
}

impl Territory {
    pub fn parse(req: &wire::CreateTerritory) -> Result<Territory, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = errors.check("code", TerritoryCode::parse(&req.code));
        let name = errors.check("name", TerritoryName::parse(&req.name));
        let timezone = match &req.timezone {
            Some(tz) => errors.check("timezone", Timezone::parse(tz)),
            None => Some(Timezone::default()),
        };
        let fallbacks = errors.check("fallbacks", parse_fallbacks(&req.fallbacks));
        let hours = match &req.working_hours {
            Some(h) => errors.check("working_hours", parse_hours(h)),
            None => Some(WorkingHours::default()),
        };
        let holidays = errors.check("holidays", parse_holidays(&req.holidays));
        let territory = match (code, name, timezone, fallbacks, hours, holidays) {
            (
                Some(code),
                Some(name),
                Some(timezone),
                Some(fallbacks),
                Some(hours),
                Some(holidays),
            ) => Some(Territory {
                code,
                name,
                timezone,
                fallbacks,
                hours,
                holidays,
            }),
            _ => None,
        };
        if let Some(t) = &territory {
            if t.fallbacks.contains(&t.code) {
                errors.add("fallbacks", "a territory cannot be its own fallback");
            }
        }
        errors.finish(territory)
    }

    /// Apply a partial update; absent fields stay as they are.
    pub fn updated(&self, req: &wire::UpdateTerritory) -> Result<Territory, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut next = self.clone();
        if let Some(name) = &req.name {
            if let Some(n) = errors.check("name", TerritoryName::parse(name)) {
                next.name = n;
            }
        }
        if let Some(tz) = &req.timezone {
            if let Some(t) = errors.check("timezone", Timezone::parse(tz)) {
                next.timezone = t;
            }
        }
        if let Some(fallbacks) = &req.fallbacks {
            if let Some(f) = errors.check("fallbacks", parse_fallbacks(fallbacks)) {
                if f.contains(&next.code) {
                    errors.add("fallbacks", "a territory cannot be its own fallback");
                }
                next.fallbacks = f;
            }
        }
        if let Some(h) = &req.working_hours {
            if let Some(h) = errors.check("working_hours", parse_hours(h)) {
                next.hours = h;
            }
        }
        if let Some(h) = &req.holidays {
            if let Some(h) = errors.check("holidays", parse_holidays(h)) {
                next.holidays = h;
            }
        }
        errors.finish(Some(next))
    }

    pub fn to_wire(&self) -> wire::Territory {
        wire::Territory {
            code: self.code.to_string(),
            name: self.name.as_str().to_owned(),
            timezone: self.timezone.name().to_owned(),
            fallbacks: self.fallbacks.iter().map(ToString::to_string).collect(),
            working_hours: hours_to_wire(&self.hours),
            holidays: self.holidays.iter().copied().collect(),
        }
    }

    /// Where business-time SLAs of this territory count.
    pub fn calendar(&self) -> Calendar {
        Calendar {
            tz: self.timezone.tz(),
            hours: self.hours.clone(),
            holidays: self.holidays.clone(),
        }
    }
}

/// `mon` ... `sun`, as the API and the database spell them.
pub fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

fn hours_to_wire(h: &WorkingHours) -> wire::WorkingHours {
    wire::WorkingHours {
        days: h.days.iter().map(|d| weekday_name(*d).to_owned()).collect(),
        start: h.start.format("%H:%M").to_string(),
        end: h.end.format("%H:%M").to_string(),
    }
}

/// Working hours from their stored or wire form (`mon,tue`, `08:00`, `19:00`).
pub fn parse_hours_parts<S: AsRef<str>>(
    days: &[S],
    start: &str,
    end: &str,
) -> Result<WorkingHours, String> {
    let days = days
        .iter()
        .map(|d| {
            d.as_ref()
                .trim()
                .parse::<Weekday>()
                .map_err(|_| format!("`{}` is not a day (mon ... sun)", d.as_ref().trim()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let time = |raw: &str| {
        NaiveTime::parse_from_str(raw.trim(), "%H:%M")
            .map_err(|_| format!("`{}` is not a time of day (HH:MM)", raw.trim()))
    };
    WorkingHours::new(days, time(start)?, time(end)?)
}

fn parse_hours(h: &wire::WorkingHours) -> Result<WorkingHours, String> {
    parse_hours_parts(&h.days, &h.start, &h.end)
}

fn parse_holidays(raw: &[NaiveDate]) -> Result<BTreeSet<NaiveDate>, String> {
    if raw.len() > MAX_HOLIDAYS {
        return Err(format!("at most {MAX_HOLIDAYS} holidays"));
    }
    Ok(raw.iter().copied().collect())
}

fn parse_fallbacks(raw: &[String]) -> Result<Vec<TerritoryCode>, String> {
    let mut out: Vec<TerritoryCode> = Vec::with_capacity(raw.len());
    for r in raw {
        let code = TerritoryCode::parse(r)?;
        if out.contains(&code) {
            return Err(format!("`{code}` is listed twice"));
        }
        out.push(code);
    }
    if out.len() > 10 {
        return Err("at most 10 fallback territories".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(
            TerritoryCode::parse(" CPTS-Etang ").unwrap().as_str(),
            "cpts-etang"
        );
        assert!(TerritoryCode::parse("").is_err());
        assert!(TerritoryCode::parse("-13").is_err());
        assert!(TerritoryCode::parse("13 nord").is_err());
    }

    #[test]
    fn timezones() {
        assert_eq!(
            Timezone::parse("Europe/Paris").unwrap().name(),
            "Europe/Paris"
        );
        assert!(Timezone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn a_territory_is_not_its_own_fallback() {
        let req = wire::CreateTerritory {
            code: "13".into(),
            name: "Bouches-du-Rhône".into(),
            timezone: None,
            fallbacks: vec!["84".into(), "13".into()],
            working_hours: None,
            holidays: Vec::new(),
        };
        let err = Territory::parse(&req).unwrap_err().into_fields();
        assert_eq!(err[0].field, "fallbacks");
    }
}
