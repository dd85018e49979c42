//! Webhook notifications: messages are put in the outbox in the transaction of the event that
//! causes them (`db::Effects`), then a worker POSTs them, signed with the recipient's own secret,
//! with retries and backoff, to targets checked against internal networks (`target`, `address`).
//! Payloads carry ids, the event and a link: never clinical content.

pub mod address;
pub mod deliver;
pub mod sign;
pub mod target;

use chrono::{DateTime, Utc};
use telederm_schemas as wire;
use uuid::Uuid;

use crate::db::Notification;

/// Case events as webhook event names.
pub const CASE_QUEUED: &str = "case.queued";
pub const CASE_REPLIED: &str = "case.replied";
pub const CASE_ANSWERED: &str = "case.answered";
pub const INFO_REQUESTED: &str = "case.info_requested";
pub const SLA_REMINDER: &str = "sla.reminder";
pub const SLA_OFFERED: &str = "sla.offered";
pub const SLA_WARNING: &str = "sla.warning";
pub const SLA_BREACHED: &str = "sla.breached";

/// One message per recipient about a case.
pub fn about_case(
    recipients: &[Uuid],
    event: &str,
    case_id: Uuid,
    territory: &str,
    at: DateTime<Utc>,
    public_url: &str,
) -> Vec<Notification> {
    recipients
        .iter()
        .map(|recipient| {
            let id = Uuid::new_v4();
            let payload = wire::WebhookPayload {
                id,
                event: event.to_owned(),
                case_id: Some(case_id),
                territory: Some(territory.to_owned()),
                link: Some(format!(
                    "{}/api/v1/cases/{case_id}",
                    public_url.trim_end_matches('/')
                )),
                occurred_at: at,
            };
            Notification {
                id,
                recipient_id: *recipient,
                event: event.to_owned(),
                case_id: Some(case_id),
                payload: serde_json::to_string(&payload).unwrap_or_default(),
                created_at: at,
            }
        })
        .collect()
}
