//! Notifications: messages are put in the outbox in the transaction of the event that causes
//! them (`db::Effects`), one per recipient and channel it chose (`domain::notifications`), then
//! a worker sends them (`deliver`): webhooks POSTed signed with the recipient's own secret to
//! targets checked against internal networks (`webhook`, `target`, `address`), e-mails through
//! SMTP or, in the demo, to a folder (`mail`). Retries with backoff, then parked for an admin.
//! Messages carry ids, a short reference, the territory, due times and links: never clinical
//! content.

pub mod address;
pub mod deliver;
pub mod digest;
pub mod mail;
pub mod sign;
pub mod target;
mod webhook;

use chrono::{DateTime, Utc};
use telederm_schemas::{self as wire, Channel, EventKind, Role};
use uuid::Uuid;

use crate::db::Notification;
use crate::domain::{case_reference, Recipient, Territory};
use mail::{CaseNotice, MailPayload};

/// What happened to a case, as its messages tell it.
pub struct CaseEvent<'a> {
    pub kind: EventKind,
    pub case_id: Uuid,
    pub territory: &'a Territory,
    /// When the first response is due, if the case runs against a target.
    pub due_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

/// Turns events into outbox messages: knows which channels this server has and where its links
/// lead.
#[derive(Debug, Clone)]
pub struct Notifier {
    public_url: String,
    /// Whether e-mail is sent at all (`notifications.smtp`, or the demo's folder).
    email: bool,
    /// Local hour of the coordinators' daily digest.
    digest_hour: u32,
}

impl Notifier {
    pub fn new(public_url: &str, email: bool, digest_hour: u32) -> Notifier {
        Notifier {
            public_url: public_url.trim_end_matches('/').to_owned(),
            email,
            digest_hour,
        }
    }

    pub fn email_available(&self) -> bool {
        self.email
    }

    /// Where links in messages start, e.g. `https://telederm.example.fr`.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// One message per recipient and channel it hears of this kind of event through.
    pub fn about_case(&self, recipients: &[Recipient], event: &CaseEvent) -> Vec<Notification> {
        let mut out = Vec::new();
        for r in recipients {
            for channel in r.channels(event.kind, self.email) {
                let id = Uuid::new_v4();
                let payload = match channel {
                    Channel::Webhook => self.webhook_payload(id, event),
                    Channel::Email => self.mail_payload(r.role, event),
                };
                out.push(Notification {
                    id,
                    recipient_id: r.id,
                    channel,
                    event: event.kind.as_str().to_owned(),
                    case_id: Some(event.case_id),
                    payload,
                    created_at: event.at,
                });
            }
        }
        out
    }

    fn webhook_payload(&self, id: Uuid, event: &CaseEvent) -> String {
        let payload = wire::WebhookPayload {
            id,
            event: event.kind.as_str().to_owned(),
            case_id: Some(event.case_id),
            territory: Some(event.territory.code.to_string()),
            reference: Some(case_reference(event.case_id)),
            due_at: event.due_at,
            link: Some(format!(
                "{}/api/v1/cases/{}",
                self.public_url, event.case_id
            )),
            occurred_at: event.at,
        };
        serde_json::to_string(&payload).unwrap_or_default()
    }

    fn mail_payload(&self, role: Role, event: &CaseEvent) -> String {
        let t = event.territory;
        MailPayload::Case(CaseNotice {
            event: event.kind,
            case_id: event.case_id,
            reference: case_reference(event.case_id),
            territory: t.code.to_string(),
            territory_name: t.name.as_str().to_owned(),
            timezone: t.timezone.name().to_owned(),
            due_at: event.due_at,
            link: format!("{}{}", self.public_url, page_of(role, event)),
            occurred_at: event.at,
        })
        .to_json()
    }
}

/// The page where the recipient acts on the event (signed in).
fn page_of(role: Role, event: &CaseEvent) -> String {
    let id = event.case_id;
    match (role, event.kind) {
        (Role::Gp, _) => format!("/cases/{id}"),
        (Role::Dermatologist, EventKind::CaseReplied) => format!("/review/{id}"),
        (Role::Dermatologist, _) => "/queue".to_owned(),
        _ => format!("/audit?case={id}"),
    }
}
