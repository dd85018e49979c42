use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A message of the outbox (one per recipient and channel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub channel: Channel,
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
    /// The mail server refused the recipient's address for good (550, 551, 553): retrying
    /// would not help.
    MailRefused,
    /// The mail server refused us (another 5xx: credentials, relay access, sender) at every
    /// attempt: check `notifications.smtp`.
    RelayRefused,
    /// The mail server put the message off (4xx) until the attempts ran out.
    MailDeferred,
    /// E-mail is off on this server now (no `notifications.smtp`), or its mail folder cannot be
    /// written.
    MailUnavailable,
    /// The message could not be made (the server log says why); retrying would not help.
    Unsendable,
    /// The mail server's certificate was not trusted, or ours was refused.
    TlsFailed,
    /// The recipient was disabled: nothing is sent to a disabled account.
    RecipientDisabled,
}

impl DeliveryFailure {
    pub const ALL: [DeliveryFailure; 13] = [
        DeliveryFailure::RefusedTarget,
        DeliveryFailure::Timeout,
        DeliveryFailure::ConnectFailed,
        DeliveryFailure::HttpStatus,
        DeliveryFailure::NoWebhook,
        DeliveryFailure::NoSecret,
        DeliveryFailure::MailRefused,
        DeliveryFailure::RelayRefused,
        DeliveryFailure::MailDeferred,
        DeliveryFailure::MailUnavailable,
        DeliveryFailure::Unsendable,
        DeliveryFailure::TlsFailed,
        DeliveryFailure::RecipientDisabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryFailure::RefusedTarget => "refused_target",
            DeliveryFailure::Timeout => "timeout",
            DeliveryFailure::ConnectFailed => "connect_failed",
            DeliveryFailure::HttpStatus => "http_status",
            DeliveryFailure::NoWebhook => "no_webhook",
            DeliveryFailure::NoSecret => "no_secret",
            DeliveryFailure::MailRefused => "mail_refused",
            DeliveryFailure::RelayRefused => "relay_refused",
            DeliveryFailure::MailDeferred => "mail_deferred",
            DeliveryFailure::MailUnavailable => "mail_unavailable",
            DeliveryFailure::Unsendable => "unsendable",
            DeliveryFailure::TlsFailed => "tls_failed",
            DeliveryFailure::RecipientDisabled => "recipient_disabled",
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
    /// The case's short reference, as the pages and e-mails show it (e.g. `3F2A9C41`).
    pub reference: Option<String>,
    /// When the first response is due (the case's response-time target).
    pub due_at: Option<DateTime<Utc>>,
    /// Where the recipient reads the case (after logging in).
    pub link: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// How a message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

/// A kind of event a user may be told of; its name is the webhook's `event`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum EventKind {
    /// A case entered the queue of a territory the dermatologist is on call for (by e-mail, at
    /// most one message per 15 minutes, listing what arrived).
    #[serde(rename = "case.queued")]
    CaseQueued,
    /// The GP replied to the dermatologist's request for information.
    #[serde(rename = "case.replied")]
    CaseReplied,
    /// The GP's case was answered.
    #[serde(rename = "case.answered")]
    CaseAnswered,
    /// The dermatologist asks the GP for information or new photos.
    #[serde(rename = "case.info_requested")]
    InfoRequested,
    /// Half the response time has gone and the case is still unclaimed.
    #[serde(rename = "sla.reminder")]
    SlaReminder,
    /// 80 %: the case is offered to the fallback territories' dermatologists on call.
    #[serde(rename = "sla.offered")]
    SlaOffered,
    /// 80 %: the coordinators are warned.
    #[serde(rename = "sla.warning")]
    SlaWarning,
    /// The response time ran out.
    #[serde(rename = "sla.breached")]
    SlaBreached,
    /// The coordinator's daily summary of its territories (e-mail only).
    #[serde(rename = "digest.daily")]
    DailyDigest,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::CaseQueued,
        EventKind::CaseReplied,
        EventKind::CaseAnswered,
        EventKind::InfoRequested,
        EventKind::SlaReminder,
        EventKind::SlaOffered,
        EventKind::SlaWarning,
        EventKind::SlaBreached,
        EventKind::DailyDigest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::CaseQueued => "case.queued",
            EventKind::CaseReplied => "case.replied",
            EventKind::CaseAnswered => "case.answered",
            EventKind::InfoRequested => "case.info_requested",
            EventKind::SlaReminder => "sla.reminder",
            EventKind::SlaOffered => "sla.offered",
            EventKind::SlaWarning => "sla.warning",
            EventKind::SlaBreached => "sla.breached",
            EventKind::DailyDigest => "digest.daily",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a user wants to hear of one kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channels {
    Email,
    Webhook,
    Both,
    None,
}

impl Channels {
    pub const ALL: [Channels; 4] = [
        Channels::Email,
        Channels::Webhook,
        Channels::Both,
        Channels::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channels::Email => "email",
            Channels::Webhook => "webhook",
            Channels::Both => "both",
            Channels::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Channels> {
        Channels::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn includes(self, channel: Channel) -> bool {
        matches!(
            (self, channel),
            (Channels::Both, _)
                | (Channels::Email, Channel::Email)
                | (Channels::Webhook, Channel::Webhook)
        )
    }
}

/// A user's language: its e-mails' (saving it on the settings page switches that session's pages
/// too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Fr,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        [Language::Fr, Language::En]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// One kind of event the user may be told of, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChannelChoice {
    pub kind: EventKind,
    pub channels: Channels,
    /// What the role gets when the user has not chosen.
    pub default: Channels,
}

/// `GET /api/v1/me/notifications`: where the user's notifications go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationSettings {
    pub language: Language,
    /// E-mails go to the login address.
    pub email: String,
    /// Whether this server sends e-mail at all (`notifications.smtp`, or the demo's outbox
    /// folder).
    pub email_available: bool,
    /// Whether the user has a webhook URL (without one, webhook choices send nothing).
    pub webhook_configured: bool,
    /// The kinds of event the user's role is told of.
    pub choices: Vec<ChannelChoice>,
}

/// `PUT /api/v1/me/notifications`: what to change (kinds left out keep their choice).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SetNotificationSettings {
    pub language: Option<Language>,
    /// e.g. `{"case.answered": "email", "sla.breached": "none"}`
    #[serde(default)]
    pub channels: BTreeMap<EventKind, Channels>,
}
