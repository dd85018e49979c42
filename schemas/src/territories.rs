use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
}

/// `POST /api/v1/territories` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateTerritory {
    pub code: String,
    pub name: String,
    /// Defaults to `Europe/Paris`.
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub fallbacks: Vec<String>,
}

/// `PATCH /api/v1/territories/{code}` (admin): absent fields are left as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct UpdateTerritory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<Vec<String>>,
}
