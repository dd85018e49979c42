use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::Person;

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Absent: the system (a worker, or an operator's command).
    pub actor_id: Option<Uuid>,
    /// The actor (`actor_id`), named; absent for the system.
    pub actor: Option<Person>,
    #[schema(example = "case.read")]
    pub action: String,
    #[schema(example = "case")]
    pub target_type: String,
    pub target_id: Option<String>,
    pub case_id: Option<Uuid>,
    pub territory: Option<String>,
    pub request_id: Option<String>,
    /// Ids, counts and codes; never clinical text.
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
    /// SHA-256 over the line and the previous line's hash; empty until the line is sealed (a
    /// moment after it is written: lines are linked into the chain in order, in the background).
    pub hash: String,
}

/// `GET /api/v1/audit`: newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub case: Option<Uuid>,
    pub actor: Option<Uuid>,
    /// e.g. `case.read`.
    pub action: Option<String>,
    /// Restrict to one territory (coordinators see only theirs anyway).
    pub territory: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Lines before this `seq` (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// 1 to 500, default 100.
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; absent at the end.
    pub next_before: Option<i64>,
}

/// The result of walking the whole sealed chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditVerification {
    pub intact: bool,
    pub lines_checked: u64,
    /// The last line's hash, when intact: note it down to detect a later rewrite of the whole chain.
    pub head_hash: Option<String>,
    /// The first line that does not follow from the one before it.
    pub first_broken_seq: Option<i64>,
    pub reason: Option<String>,
    /// Lines written after the head, awaiting their seal (usually sealed within a second); not
    /// checked yet.
    #[serde(default)]
    pub lines_pending: u64,
}
