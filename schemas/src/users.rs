use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{fields::JsonObject, read_fields};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Gp,
    Dermatologist,
    Coordinator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Gp,
        Role::Dermatologist,
        Role::Coordinator,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Gp => "gp",
            Role::Dermatologist => "dermatologist",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}` (gp, dermatologist, coordinator, admin)"))
    }
}

/// A person named beside its id, so that no client has to show an id to a person. `name` is the
/// user's display name (a disabled user keeps it); `unknown` only if no user has the id, which
/// the server logs as an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub id: Uuid,
    #[schema(example = "Dr Anne Martin")]
    pub name: String,
}

/// A user as the API shows it (never its password hash).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// A GP's home territory: its cases go there.
    pub home_territory: Option<String>,
    /// The territories a coordinator manages.
    #[serde(default)]
    pub territories: Vec<String>,
    /// French RPPS professional number (11 digits).
    pub rpps: Option<String>,
    pub webhook_url: Option<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// A user with its webhook signing secret, shown this once: the answer of `POST /api/v1/users`,
/// `PUT /api/v1/users/{id}/webhook` and `POST /api/v1/users/{id}/webhook-secret`. The server
/// keeps the secret sealed and never shows it again.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct UserWithSecret {
    #[serde(flatten)]
    pub user: User,
    /// `whsec_...`: the HMAC-SHA256 key of `X-Telederm-Signature` (as UTF-8 bytes); present when
    /// the user has a webhook URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
}

impl std::fmt::Debug for UserWithSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserWithSecret")
            .field("user", &self.user)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// `PUT /api/v1/users/{id}/webhook` (admins, and a user for itself): a new URL, which gets a
/// new signing secret, or `null` to stop webhooks. The field is required, so that an empty or
/// misspelt body is refused rather than read as "stop webhooks".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetWebhook {
    #[serde(deserialize_with = "Option::deserialize")]
    #[schema(required = true)]
    pub webhook_url: Option<String>,
}

/// `POST /api/v1/users` (admin).
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct CreateUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// At least 12 characters.
    #[schema(format = Password)]
    pub password: String,
    /// Required for a GP, refused for other roles.
    #[serde(default)]
    pub home_territory: Option<String>,
    /// Required (at least one) for a coordinator, refused for other roles.
    #[serde(default)]
    pub territories: Vec<String>,
    #[serde(default)]
    pub rpps: Option<String>,
    #[serde(default)]
    pub webhook_url: Option<String>,
}

read_fields!(CreateUser { email, display_name, role, password, home_territory, territories = Vec::new, rpps, webhook_url });

impl std::fmt::Debug for CreateUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUser")
            .field("email", &self.email)
            .field("role", &self.role)
            .field("password", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// `GET /api/v1/users` filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only users of this role. Coordinators may list dermatologists (to build the rota).
    pub role: Option<Role>,
}
