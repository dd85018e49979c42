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
    /// Why the last attempt failed: a category only, never the receiver's answer or a
    /// connection error's text.
    pub last_error: Option<DeliveryFailure>,
}

/// Why a delivery failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFailure {
    /// The URL points to a private network, a metadata service, or is not https in production
    /// (checked again at every attempt, on every address the name resolves to).
    RefusedTarget,
    /// No answer within `notifications.timeout_secs`.
    Timeout,
    /// The name did not resolve, or the connection or TLS handshake failed.
    ConnectFailed,
    /// The receiver answered something other than 2xx (a redirect is not followed).
    HttpStatus,
    /// The recipient has no webhook URL any more, or was disabled.
    NoWebhook,
    /// The recipient's URL has no signing secret (set before per-recipient secrets): rotate it.
    NoSecret,
}

impl DeliveryFailure {
    pub const ALL: [DeliveryFailure; 6] = [
        DeliveryFailure::RefusedTarget,
        DeliveryFailure::Timeout,
        DeliveryFailure::ConnectFailed,
        DeliveryFailure::HttpStatus,
        DeliveryFailure::NoWebhook,
        DeliveryFailure::NoSecret,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryFailure::RefusedTarget => "refused_target",
            DeliveryFailure::Timeout => "timeout",
            DeliveryFailure::ConnectFailed => "connect_failed",
            DeliveryFailure::HttpStatus => "http_status",
            DeliveryFailure::NoWebhook => "no_webhook",
            DeliveryFailure::NoSecret => "no_secret",
        }
    }
}

impl std::fmt::Display for DeliveryFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DeliveryFailure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeliveryFailure::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown delivery failure `{s}`"))
    }
}

/// The JSON body POSTed to a webhook. Signed with the recipient's own secret:
/// `X-Telederm-Signature: v1=<hex HMAC-SHA256 of "<X-Telederm-Timestamp>.<body>">`, the key being
/// the secret string (`whsec_...`) as UTF-8 bytes.
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
