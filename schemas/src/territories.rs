use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{fields::JsonObject, read_fields};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Territory {
    /// A CPTS or département code, e.g. `13` or `cpts-etang-de-berre`.
    #[schema(example = "13")]
    pub code: String,
    #[schema(example = "Bouches-du-Rhône")]
    pub name: String,
    /// IANA timezone.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    /// Territories whose on-call dermatologists take over, in order, when nobody here is on call.
    pub fallbacks: Vec<String>,
    /// When business-time SLAs count, in the territory's timezone.
    pub working_hours: WorkingHours,
    /// Public holidays (local dates): business-time SLAs do not count them.
    #[schema(value_type = Vec<String>, example = json!(["2026-12-25"]))]
    pub holidays: Vec<chrono::NaiveDate>,
}

/// The same window on each working day, local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WorkingHours {
    /// `mon` ... `sun`.
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub days: Vec<String>,
    #[schema(example = "08:00")]
    pub start: String,
    #[schema(example = "19:00")]
    pub end: String,
}

/// `POST /api/v1/territories` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct CreateTerritory {
    pub code: String,
    pub name: String,
    /// Defaults to `Europe/Paris`.
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub fallbacks: Vec<String>,
    /// Defaults to Monday-Friday 08:00-19:00.
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub holidays: Vec<chrono::NaiveDate>,
}

read_fields!(CreateTerritory { code, name, timezone, fallbacks = Vec::new, working_hours, holidays = Vec::new });

/// `GET` and `PUT /api/v1/territories/{code}/retention`: how long the territory keeps a closed
/// case before it is erased (crypto-shredded), in days after its closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct Retention {
    /// 1 to 36500; the default is 3650 (10 years).
    #[schema(example = 3650)]
    pub retention_days: u32,
}

read_fields!(Retention { retention_days });

/// `PATCH /api/v1/territories/{code}` (admin): absent fields are left as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct UpdateTerritory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_hours: Option<WorkingHours>,
    /// Replaces the whole list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub holidays: Option<Vec<chrono::NaiveDate>>,
}

read_fields!(UpdateTerritory {
    name,
    timezone,
    fallbacks,
    working_hours,
    holidays
});
