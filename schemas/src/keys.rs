use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The master keys, and how many case data keys and webhook secrets each one wraps. Never key
/// material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeyStatus {
    pub active: String,
    pub keys: Vec<MasterKeyCount>,
    /// Master keys named by data keys or webhook secrets but missing from the key file: those
    /// cases and secrets are unreadable.
    pub missing: Vec<MasterKeyCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MasterKeyCount {
    pub id: String,
    pub data_keys: i64,
    #[serde(default)]
    pub webhook_secrets: i64,
}
