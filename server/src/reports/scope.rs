//! Which territories a caller may report on, and the period asked for.

use chrono::{DateTime, Duration, Utc};
use telederm_schemas as wire;

use super::ReportError;
use crate::{
    auth::policy::{territory_scope, TerritoryScope},
    domain::{TerritoryCode, User, ValidationErrors},
};

/// The longest period one report covers.
pub const MAX_PERIOD_DAYS: i64 = 400;

/// The period of a report that names no `from` (before `to`, itself now by default).
pub const DEFAULT_PERIOD_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

pub struct Scope {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `None`: every territory (an admin who named none).
    pub territories: Option<Vec<String>>,
    pub format: Format,
}

/// The query string, read by hand: `territory` may repeat, which serde's URL-encoded form does not
/// support.
pub fn parse_query(query_string: &str) -> Result<wire::ReportQuery, ReportError> {
    let mut e = ValidationErrors::default();
    let (mut from, mut to, mut territory, mut group_by, mut format) =
        (None, None, Vec::new(), None, None);
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        let instant = |e: &mut ValidationErrors| {
            DateTime::parse_from_rfc3339(&value)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| e.add(&key, "an RFC 3339 time, e.g. 2026-11-01T00:00:00Z"))
                .ok()
        };
        match key.as_ref() {
            "from" => from = instant(&mut e),
            "to" => to = instant(&mut e),
            "territory" => territory.push(value.into_owned()),
            "group_by" => group_by = Some(value.into_owned()),
            "format" => format = Some(value.into_owned()),
            _ => {}
        }
    }
    e.finish(Some(()))?;
    Ok(wire::ReportQuery {
        from,
        to,
        territory,
        group_by,
        format,
    })
}

/// Coordinators report on their territories (all of them by default), admins on any. The period
/// defaults to the last [`DEFAULT_PERIOD_DAYS`] days before `now`.
pub fn scope(
    caller: &User,
    q: &wire::ReportQuery,
    now: DateTime<Utc>,
) -> Result<Scope, ReportError> {
    let scope = territory_scope(caller).map_err(|_| ReportError::Forbidden)?;
    let to = q.to.unwrap_or(now);
    let from = q.from.unwrap_or(to - Duration::days(DEFAULT_PERIOD_DAYS));
    let mut e = ValidationErrors::default();
    if to <= from {
        e.add("to", "must be after from");
    } else if to - from > Duration::days(MAX_PERIOD_DAYS) {
        e.add(
            "to",
            format!("a report covers at most {MAX_PERIOD_DAYS} days"),
        );
    }
    let mut named = Vec::new();
    for raw in &q.territory {
        if let Some(code) = e.check("territory", TerritoryCode::parse(raw)) {
            if !named.contains(&code) {
                named.push(code);
            }
        }
    }
    let format = match q.format.as_deref() {
        None | Some("json") => Some(Format::Json),
        Some("csv") => Some(Format::Csv),
        Some(_) => {
            e.add("format", "`json` or `csv`");
            None
        }
    };
    let format = e.finish(format)?;
    let territories = match scope
        .narrowed_to(named)
        .map_err(|_| ReportError::Forbidden)?
    {
        TerritoryScope::Everything => None,
        TerritoryScope::Territories(ts) => Some(ts),
    };
    Ok(Scope {
        from,
        to,
        territories: territories.map(|ts| ts.iter().map(ToString::to_string).collect()),
        format,
    })
}
