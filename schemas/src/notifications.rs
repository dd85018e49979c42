use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A webhook message of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub recipient_id: Uuid,
    #[schema(example = "case.queued")]
    pub event: String,
    pub case_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Set when the retries ran out: an admin may put it back in line.
    pub parked_at: Option<DateTime<Utc>>,
    /// The last failure (HTTP status or connection error), never the payload.
    pub last_error: Option<String>,
}

/// The JSON body POSTed to a webhook. Signed: `X-Telederm-Signature: v1=<hex HMAC-SHA256 of
/// "<X-Telederm-Timestamp>.<body>">`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookPayload {
    /// Unique per message: receivers drop duplicates by it.
    pub id: Uuid,
    pub event: String,
    pub case_id: Option<Uuid>,
    pub territory: Option<String>,
    /// Where the recipient reads the case (after logging in).
    pub link: Option<String>,
    pub occurred_at: DateTime<Utc>,
}
