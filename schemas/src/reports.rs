use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `GET /api/v1/reports/sla` and `/reports/outcomes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Cases submitted from this instant (inclusive). Default: 30 days before `to`.
    pub from: Option<DateTime<Utc>>,
    /// ... to this instant (exclusive); at most 400 days after `from`. Default: now.
    pub to: Option<DateTime<Utc>>,
    /// Repeatable; default: every territory the caller may report on.
    #[serde(default)]
    #[param(value_type = Option<Vec<String>>)]
    pub territory: Vec<String>,
    /// `territory` (default), `dermatologist` or `priority` (SLA report only).
    pub group_by: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// Exact order statistics of durations, in seconds (nearest rank; absent when there is none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DurationStats {
    pub count: u64,
    pub median_secs: Option<i64>,
    pub p90_secs: Option<i64>,
    pub p95_secs: Option<i64>,
    pub max_secs: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlaGroup {
    /// The territory code, the dermatologist's id (`unassigned` before any response) or the priority.
    pub key: String,
    /// Dermatologist's display name, or territory name.
    pub label: Option<String>,
    /// Cases submitted in the period.
    pub cases: u64,
    pub answered: u64,
    /// From submission to the first answer or request for information.
    pub first_response: DurationStats,
    pub breaches: u64,
    /// breaches / cases, 0 when there is no case.
    pub breach_rate: f64,
    /// Not yet answered nor cancelled, at the time of the report.
    pub open: u64,
    /// Open, the clock running, and past 80 % of the target.
    pub at_risk: u64,
    /// Share of cases with a request for information.
    pub info_request_share: f64,
    /// Share of cases whose dermatologist asked for new photos.
    pub new_photos_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlaReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
    pub group_by: String,
    pub territories: Vec<String>,
    pub groups: Vec<SlaGroup>,
    pub total: SlaGroup,
}

/// Delays from submission to what followed, in days (dates are local, as recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutcomeGroup {
    pub territory: String,
    pub cases: u64,
    /// Cases with at least one outcome date.
    pub with_outcome: u64,
    pub to_in_person_days: DayStats,
    pub to_biopsy_days: DayStats,
    pub to_histology_days: DayStats,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DayStats {
    pub count: u64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OutcomesReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
    pub groups: Vec<OutcomeGroup>,
}
