use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{fields::JsonObject, read_fields, Priority};

/// How a policy counts time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaClock {
    /// Every hour counts.
    Calendar,
    /// Only the territory's working hours count (weekends and holidays excluded).
    Business,
}

/// The response-time target of one priority in one territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlaPolicy {
    pub territory: String,
    pub priority: Priority,
    /// Target for the first response (answer or request for information), in hours.
    #[schema(example = 48.0)]
    pub target_hours: f64,
    pub clock: SlaClock,
    /// `true` when no policy was set and the built-in default applies.
    pub default: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

/// `PUT /api/v1/territories/{code}/sla/{priority}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct SetSlaPolicy {
    /// Between 1 minute and 60 days, in hours (fractions allowed, to the minute).
    #[schema(example = 24.0)]
    pub target_hours: f64,
    #[serde(default = "default_clock")]
    pub clock: SlaClock,
}

read_fields!(SetSlaPolicy { target_hours, clock = default_clock });

fn default_clock() -> SlaClock {
    SlaClock::Calendar
}
