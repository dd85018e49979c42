//! What a change writes besides itself, in its own transaction: audit entries and notifications.
//! An event without its audit line or its notification never commits, and neither do they alone.

use chrono::{DateTime, Utc};
use telederm_schemas::Channel;
use uuid::Uuid;

use super::AuditEntry;

/// A message waiting in the outbox: one recipient, one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub channel: Channel,
    /// e.g. `case.queued`, `case.answered`, `sla.breached`.
    pub event: String,
    pub case_id: Option<Uuid>,
    /// The webhook's JSON body, or what the e-mail will say (`notify::mail::MailPayload`): ids,
    /// reference, territory, due time, link; never clinical content.
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

/// The side effects of one change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    pub audit: Vec<AuditEntry>,
    pub notify: Vec<Notification>,
}

impl Effects {
    pub fn audit(entry: AuditEntry) -> Effects {
        Effects {
            audit: vec![entry],
            notify: Vec::new(),
        }
    }

    pub fn with(mut self, notify: Vec<Notification>) -> Effects {
        self.notify.extend(notify);
        self
    }

    /// The effects once the case is known (claim-next finds its case inside the transaction).
    pub fn for_case(&self, case_id: Uuid, territory: &str) -> Effects {
        let mut fx = self.clone();
        for a in &mut fx.audit {
            a.case_id.get_or_insert(case_id);
            a.target_id.get_or_insert_with(|| case_id.to_string());
            a.territory.get_or_insert_with(|| territory.to_owned());
        }
        for n in &mut fx.notify {
            n.case_id.get_or_insert(case_id);
        }
        fx
    }
}
