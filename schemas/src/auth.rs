use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{fields::JsonObject, read_fields};

/// Credentials for `POST /api/v1/auth/login`.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct LoginRequest {
    #[schema(example = "gp13@demo.test")]
    pub email: String,
    #[schema(example = "demo-password", format = Password)]
    pub password: String,
}

read_fields!(LoginRequest { email, password });

// Never print a password, even in a debug log.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// A short-lived bearer token (a signed JWT).
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}
