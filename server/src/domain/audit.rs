//! An audit line and the hash that chains it to the line before. The repository appends lines
//! (`db`), the `audit` module writes and verifies them; both read this, neither the other.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// One line of the audit trail before it is chained (the repo gives it its `seq` and hashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// `None`: the system (a worker, or an operator's command).
    pub actor_id: Option<Uuid>,
    /// e.g. `case.read`, `case.claimed`, `auth.login_failed`, `shift.created`.
    pub action: String,
    /// `case`, `photo`, `user`, `territory`, `shift`, `sla_policy`, `keys`, `notification`.
    pub target_type: String,
    pub target_id: Option<String>,
    pub case_id: Option<Uuid>,
    /// Whose coordinators may read the entry.
    pub territory: Option<String>,
    pub request_id: Option<String>,
    /// Small JSON object; never clinical text.
    pub detail: Option<String>,
}

impl AuditEntry {
    pub fn on_case(mut self, case_id: Uuid, territory: &str) -> AuditEntry {
        self.case_id = Some(case_id);
        self.territory = Some(territory.to_owned());
        self
    }

    pub fn in_territory(mut self, territory: &str) -> AuditEntry {
        self.territory = Some(territory.to_owned());
        self
    }

    /// Ids, counts and codes only: never clinical text.
    pub fn detail(mut self, detail: serde_json::Value) -> AuditEntry {
        self.detail = Some(detail.to_string());
        self
    }
}

/// The `prev_hash` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 (hex) over a JSON array of the line's fields: unambiguous, and stable across backends
/// because every value is rendered here, not by the database.
pub fn link_hash(prev_hash: &str, seq: i64, e: &AuditEntry) -> String {
    let canonical = serde_json::json!([
        seq,
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.actor_id.map(|u| u.to_string()),
        e.action,
        e.target_type,
        e.target_id,
        e.case_id.map(|u| u.to_string()),
        e.territory,
        e.request_id,
        e.detail,
        prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}
