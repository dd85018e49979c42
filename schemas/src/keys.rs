use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The master keys and how many cases each one's data keys are wrapped by. Never key material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeyStatus {
    pub active: String,
    pub keys: Vec<MasterKeyCount>,
    /// Master keys named by data keys but missing from the key file: those cases are unreadable.
    pub missing: Vec<MasterKeyCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MasterKeyCount {
    pub id: String,
    pub data_keys: i64,
}
