//! E-mail: what an outbox message holds for one (`MailPayload`, written when the event happens),
//! how it reads in the recipient's language (`compose`), and how it leaves (`transport`: SMTP,
//! or the demo's folder of `.eml` files). An e-mail names the event, the case's short reference,
//! the territory, the due time and a link to the page; never clinical content.

mod compose;
mod transport;

pub use compose::{compose, Addressee, Content};
pub use transport::Mailer;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use telederm_schemas::EventKind;
use uuid::Uuid;

pub use crate::db::TerritoryFigures;

/// What one e-mail message of the outbox says, as written with its event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MailPayload {
    Case(CaseNotice),
    Digest(DigestNotice),
}

impl MailPayload {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(json: &str) -> Option<MailPayload> {
        serde_json::from_str(json).ok()
    }
}

/// An event about one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseNotice {
    pub event: EventKind,
    pub case_id: Uuid,
    pub reference: String,
    pub territory: String,
    pub territory_name: String,
    /// The territory's zone: times are shown where the case is.
    pub timezone: String,
    pub due_at: Option<DateTime<Utc>>,
    pub link: String,
    pub occurred_at: DateTime<Utc>,
}

/// A coordinator's daily summary: the day before, territory by territory, and what is open now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestNotice {
    pub day: NaiveDate,
    pub territories: Vec<TerritoryFigures>,
    pub link: String,
}
