//! The admin service: the notification outbox as operators see it (parked messages, retry) and
//! the status of the master keys. No HTTP in it; only admins pass `auth::policy`.

use std::sync::Arc;

use telederm_schemas as wire;
use uuid::Uuid;

use crate::{
    audit,
    auth::policy::can_administer,
    db::{Effects, NotificationRecord, Repo, RepoError},
    domain::{Clock, User},
    keys::{self, KeyService},
};

/// Most messages one listing returns.
const LIMIT: i64 = 200;

pub struct AdminService {
    repo: Arc<dyn Repo>,
    keys: Arc<KeyService>,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("your role may not do this")]
    Forbidden,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<RepoError> for AdminError {
    fn from(e: RepoError) -> Self {
        AdminError::Internal(e.into())
    }
}

fn require_admin(user: &User) -> Result<(), AdminError> {
    can_administer(user).or(AdminError::Forbidden)
}

impl AdminService {
    pub fn new(repo: Arc<dyn Repo>, keys: Arc<KeyService>, clock: Arc<dyn Clock>) -> AdminService {
        AdminService { repo, keys, clock }
    }

    /// Webhook messages, newest first: parked ones only, or all; of one case, or all.
    pub async fn notifications(
        &self,
        admin: &User,
        parked: bool,
        case: Option<Uuid>,
    ) -> Result<Vec<wire::Notification>, AdminError> {
        require_admin(admin)?;
        let records = self.repo.notifications(parked, case, LIMIT).await?;
        Ok(records
            .into_iter()
            .map(to_wire)
            .collect::<anyhow::Result<_>>()?)
    }

    /// Put a parked message back in line for delivery.
    pub async fn retry_notification(&self, admin: &User, id: Uuid) -> Result<(), AdminError> {
        require_admin(admin)?;
        let at = self.clock.now();
        let fx = Effects::audit(audit::entry(
            at,
            Some(admin.id.as_uuid()),
            "notification.retried",
            "notification",
            Some(id.to_string()),
        ));
        if !self.repo.retry_notification(id, at, &fx).await? {
            return Err(AdminError::NotFound("parked notification"));
        }
        Ok(())
    }

    /// Master keys and how many data keys and webhook secrets each wraps. Never key material.
    pub async fn key_status(&self, admin: &User) -> Result<wire::KeyStatus, AdminError> {
        require_admin(admin)?;
        let status = keys::status(self.repo.as_ref(), self.keys.path()).await?;
        let count = |k: &keys::KeyUse| wire::MasterKeyCount {
            id: k.id.clone(),
            data_keys: k.data_keys,
            webhook_secrets: k.webhook_secrets,
        };
        Ok(wire::KeyStatus {
            active: status.active,
            keys: status.keys.iter().map(count).collect(),
            missing: status.unknown.iter().map(count).collect(),
        })
    }
}

fn to_wire(n: NotificationRecord) -> anyhow::Result<wire::Notification> {
    let last_error = n
        .last_error
        .as_deref()
        .map(str::parse::<wire::DeliveryFailure>)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    Ok(wire::Notification {
        id: n.id,
        recipient_id: n.recipient_id,
        channel: n.channel,
        event: n.event,
        case_id: n.case_id,
        created_at: n.created_at,
        attempts: n.attempts,
        next_attempt_at: n.next_attempt_at,
        delivered_at: n.delivered_at,
        parked_at: n.parked_at,
        last_error,
    })
}
