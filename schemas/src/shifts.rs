use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{fields::JsonObject, read_fields, Person};

/// An on-call shift: the dermatologist is on call for the territory from `starts_at` (inclusive)
/// to `ends_at` (exclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Shift {
    pub id: Uuid,
    pub dermatologist_id: Uuid,
    /// The dermatologist on call (`dermatologist_id`), named.
    pub dermatologist: Person,
    pub territory: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// `PATCH /api/v1/shifts/{id}`: the shift's new times (coordinators of its territory, admins).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct MoveShift {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

read_fields!(MoveShift { starts_at, ends_at });

/// `POST /api/v1/shifts` (coordinators of the territory, admins).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct CreateShift {
    pub dermatologist_id: Uuid,
    pub territory: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

read_fields!(CreateShift {
    dermatologist_id,
    territory,
    starts_at,
    ends_at
});

/// `GET /api/v1/shifts`: the shifts of a territory that overlap `[from, to)`.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShiftQuery {
    pub territory: String,
    /// Defaults to now.
    pub from: Option<DateTime<Utc>>,
    /// Defaults to `from` + 7 days.
    pub to: Option<DateTime<Utc>>,
}
