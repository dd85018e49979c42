//! The rota service: territories (their fallbacks, hours and holidays), on-call shifts, and the
//! response-time targets of each territory. No HTTP in it; access is asked of `auth::policy`.

mod error;
mod shifts;
mod targets;
mod territories;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use error::RotaError;

use crate::{
    audit,
    auth::policy::Access,
    db::{AuditEntry, Repo},
    domain::{Clock, User},
};

pub struct RotaService {
    repo: Arc<dyn Repo>,
    clock: Arc<dyn Clock>,
}

impl RotaService {
    pub fn new(repo: Arc<dyn Repo>, clock: Arc<dyn Clock>) -> RotaService {
        RotaService { repo, clock }
    }
}

/// `Forbidden` unless the policy allows it.
fn require(access: Access) -> Result<(), RotaError> {
    access.or(RotaError::Forbidden)
}

/// The audit line of a change by `user` to a thing of the rota.
fn entry(at: DateTime<Utc>, user: &User, action: &str, kind: &str, id: String) -> AuditEntry {
    audit::entry(at, Some(user.id.as_uuid()), action, kind, Some(id))
}
