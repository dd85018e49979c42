//! `CaseService`: every use case of a case (submit, read, queue, claim, release, answer, request
//! information, reply, cancel, close, outcomes), for every front door (the JSON API, the web
//! pages, the demo seeding, the background workers). It knows nothing of HTTP: it takes domain
//! values and the acting user, asks `auth::policy` who may do what, and answers `CaseError`.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use telederm_schemas::EventKind;
use uuid::Uuid;

use super::CaseError;
use crate::{
    audit,
    crypto::DataKey,
    db::{AuditEntry, CaseRecord, Notification, Repo},
    domain::{Clock, Recipient, Territory, TerritoryCode, User, UserId},
    keys::KeyService,
    notify::{CaseEvent, Notifier},
    photos::intake::PhotoIntake,
    store::BlobStore,
};

/// What the case service needs and nothing more.
pub struct CaseService {
    pub(super) repo: Arc<dyn Repo>,
    pub(super) store: Arc<dyn BlobStore>,
    pub(super) keys: Arc<KeyService>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) intake: PhotoIntake,
    pub(super) settings: CaseSettings,
}

/// The settings the case use cases read.
#[derive(Debug, Clone)]
pub struct CaseSettings {
    /// How long a claim lasts.
    pub lease: Duration,
    /// Turns events into outbox messages (channels, links).
    pub notifier: Notifier,
}

impl CaseService {
    pub fn new(
        repo: Arc<dyn Repo>,
        store: Arc<dyn BlobStore>,
        keys: Arc<KeyService>,
        clock: Arc<dyn Clock>,
        intake: PhotoIntake,
        settings: CaseSettings,
    ) -> CaseService {
        CaseService {
            repo,
            store,
            keys,
            clock,
            intake,
            settings,
        }
    }

    /// The photo pipeline and its bounds (tests read its memory budget).
    pub fn intake(&self) -> &PhotoIntake {
        &self.intake
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The case as stored, or `NotFound`.
    pub(super) async fn load(&self, case_id: Uuid) -> Result<CaseRecord, CaseError> {
        self.repo
            .case(case_id)
            .await?
            .ok_or(CaseError::NotFound("case"))
    }

    /// The case's data key, unwrapped with the master key that wrapped it.
    pub(super) async fn data_key(&self, case_id: Uuid) -> Result<DataKey, CaseError> {
        let record = self
            .repo
            .data_key(case_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("case {case_id} has no data key"))?;
        Ok(self.keys.unwrap(&record, case_id)?)
    }

    /// The data keys of several cases, unwrapped, read in one batch (lists). A case whose key is
    /// missing or does not open is absent, and logged.
    pub(super) async fn data_keys(
        &self,
        case_ids: &[Uuid],
    ) -> Result<HashMap<Uuid, DataKey>, CaseError> {
        let mut keys = HashMap::with_capacity(case_ids.len());
        for record in self.repo.data_keys_of(case_ids).await? {
            match self.keys.unwrap(&record, record.case_id) {
                Ok(key) => {
                    keys.insert(record.case_id, key);
                }
                Err(error) => {
                    tracing::warn!(case_id = %record.case_id, %error, "data key does not open")
                }
            }
        }
        Ok(keys)
    }

    /// The messages telling one user of an event on a case, through the channels it chose
    /// (none when it is disabled).
    pub(super) async fn tell(
        &self,
        user: Uuid,
        kind: EventKind,
        c: &CaseRecord,
        due_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Notification>, CaseError> {
        let Some(recipient) = self
            .repo
            .user(UserId::from(user))
            .await?
            .as_ref()
            .and_then(Recipient::of)
        else {
            return Ok(Vec::new());
        };
        let territory = self.territory_of(c).await?;
        Ok(self.settings.notifier.about_case(
            &[recipient],
            &CaseEvent {
                kind,
                case_id: c.id,
                territory: &territory,
                due_at,
                at,
            },
        ))
    }

    /// The case's territory (it cannot go while the case exists).
    pub(super) async fn territory_of(&self, c: &CaseRecord) -> Result<Territory, CaseError> {
        let code = TerritoryCode::parse(&c.territory_code).map_err(anyhow::Error::msg)?;
        Ok(self
            .repo
            .territory(&code)
            .await?
            .ok_or_else(|| anyhow::anyhow!("territory {} is gone", c.territory_code))?)
    }
}

/// The audit line of an action on a case.
pub(super) fn on_case(at: DateTime<Utc>, user: &User, action: &str, c: &CaseRecord) -> AuditEntry {
    audit::entry(
        at,
        Some(user.id.as_uuid()),
        action,
        "case",
        Some(c.id.to_string()),
    )
    .on_case(c.id, &c.territory_code)
}
