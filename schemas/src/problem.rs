use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An `application/problem+json` error body (RFC 9457) with a stable machine `code`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine code, e.g. `unauthenticated`, `validation_failed`, `rate_limited`.
    #[schema(example = "validation_failed")]
    pub code: String,
    pub detail: String,
    /// The id of the request, also in the `x-request-id` response header and the server log.
    pub request_id: String,
    /// Per-field errors, for `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    #[schema(example = "email")]
    pub field: String,
    #[schema(example = "is not a valid email address")]
    pub message: String,
}
