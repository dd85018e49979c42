//! The accounts service: sign-in (`login`), users (one path for the API, the `admin create-user`
//! command and the demo), and webhook settings (`webhooks`): the URL, checked against internal networks, and its
//! signing secret, made anew whenever the URL is set or the secret rotated, sealed, and shown
//! this once. `people`: the names other services show beside the ids of users. `sessions`: the
//! browsers' sessions, opened by the same sign-in.

mod error;
mod login;
mod notifications;
pub mod people;
pub mod phrases;
pub mod sessions;
mod webhooks;

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use telederm_schemas as wire;
use tokio::sync::Semaphore;

pub use error::AccountError;
pub use people::People;
pub use sessions::{Resolved, Session, SessionService, SessionSettings};

use crate::{
    audit,
    auth::{
        password::hash_password,
        policy::{can_administer, can_list_users, Access},
        LoginThrottle,
    },
    db::{Effects, Repo},
    domain::{Clock, NewUser, Role, User, UserId, ValidationErrors},
    keys::KeyService,
    notify::target::TargetPolicy,
};

/// What accounts need: the database, the keys that seal webhook secrets, where webhooks may point,
/// the clock, and the sign-in throttle.
pub struct AccountService {
    repo: Arc<dyn Repo>,
    /// Failed sign-ins per account and address.
    throttle: LoginThrottle,
    /// Bounds how many password checks run at once (argon2: CPU and memory).
    password_permits: Arc<Semaphore>,
    /// `None`: an operator's command creating a user without a webhook, which needs no key
    /// file (the first admin may be created before `keys init`).
    keys: Option<Arc<KeyService>>,
    targets: TargetPolicy,
    clock: Arc<dyn Clock>,
}

/// A user, with the webhook secret made for it by this very change (shown once, never again).
pub struct WithSecret {
    pub user: User,
    pub webhook_secret: Option<SecretString>,
}

impl WithSecret {
    pub fn to_wire(&self) -> wire::UserWithSecret {
        wire::UserWithSecret {
            user: self.user.to_wire(),
            webhook_secret: self
                .webhook_secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
        }
    }
}

impl AccountService {
    pub fn new(
        repo: Arc<dyn Repo>,
        keys: Option<Arc<KeyService>>,
        targets: TargetPolicy,
        clock: Arc<dyn Clock>,
        throttle: LoginThrottle,
    ) -> AccountService {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AccountService {
            repo,
            throttle,
            password_permits: Arc::new(Semaphore::new(cores)),
            keys,
            targets,
            clock,
        }
    }

    /// Users, of one role or all. Admins see all; coordinators list dermatologists (to put them
    /// on call). Webhook URLs often carry a secret: admins only.
    pub async fn users(
        &self,
        caller: &User,
        role: Option<Role>,
    ) -> Result<Vec<User>, AccountError> {
        require(can_list_users(caller, role))?;
        let mut users = self.repo.list_users().await?;
        users.retain(|u| role.is_none_or(|r| u.role == r));
        if !can_administer(caller).is_allowed() {
            for u in &mut users {
                u.webhook_url = None;
            }
        }
        Ok(users)
    }

    /// Whether `caller` may create accounts: asked before the request is parsed.
    pub fn may_create(&self, caller: &User) -> Result<(), AccountError> {
        require(can_administer(caller))
    }

    /// An admin creates an account.
    pub async fn create(&self, admin: &User, new: NewUser) -> Result<WithSecret, AccountError> {
        require(can_administer(admin))?;
        let created = self.create_user(new, Some(admin.id)).await?;
        tracing::info!(user_id = %created.user.id, role = %created.user.role, "user created");
        Ok(created)
    }

    /// An admin disables an account (never its own): its tokens and sessions stop working.
    pub async fn disable(&self, admin: &User, id: UserId) -> Result<User, AccountError> {
        require(can_administer(admin))?;
        if id == admin.id {
            return Err(AccountError::Conflict(
                "you cannot disable your own account".into(),
            ));
        }
        let at = self.clock.now();
        let fx = Effects::audit(audit::entry(
            at,
            Some(admin.id.as_uuid()),
            "user.disabled",
            "user",
            Some(id.to_string()),
        ));
        let user = self
            .repo
            .disable_user(id, at, &fx)
            .await?
            .ok_or(AccountError::NotFound("user"))?;
        tracing::info!("user disabled");
        Ok(user)
    }

    /// Check that the territories it names exist and that its webhook may point where it does,
    /// hash the password, store the user (recorded in the audit trail as done by `by`, or by an
    /// operator's command when `None`) with the sealed secret of its webhook.
    pub async fn create_user(
        &self,
        new: NewUser,
        by: Option<UserId>,
    ) -> Result<WithSecret, AccountError> {
        let at = self.clock.now();
        let mut errors = ValidationErrors::default();
        for (field, code) in new.referenced_territories() {
            if self.repo.territory(code).await?.is_none() {
                errors.add(field, format!("territory `{code}` does not exist"));
            }
        }
        if let Some(url) = &new.webhook_url {
            self.check_target(url, &mut errors).await;
        }
        errors.finish(Some(()))?;
        let hash = hash_password(new.password.secret().clone()).await?;
        let user = User {
            id: UserId::new(),
            email: new.email,
            display_name: new.display_name,
            role: new.role,
            home_territory: new.home_territory,
            territories: new.territories,
            rpps: new.rpps,
            webhook_url: new.webhook_url,
            language: telederm_schemas::Language::Fr,
            channels: Default::default(),
            disabled_at: None,
            created_at: at,
        };
        let (webhook_secret, sealed) = match &user.webhook_url {
            Some(_) => self.new_secret(user.id).map(|(s, r)| (Some(s), Some(r)))?,
            None => (None, None),
        };
        let mut entry = audit::entry(
            at,
            by.map(|u| u.as_uuid()),
            "user.created",
            "user",
            Some(user.id.to_string()),
        )
        .detail(serde_json::json!({ "role": user.role.as_str() }));
        entry.territory = user.home_territory.as_ref().map(ToString::to_string);
        self.repo
            .create_user(&user, &hash, sealed.as_ref(), &Effects::audit(entry))
            .await?;
        Ok(WithSecret {
            user,
            webhook_secret,
        })
    }
}

/// `Forbidden` unless the policy allows it.
fn require(access: Access) -> Result<(), AccountError> {
    access.or(AccountError::Forbidden)
}
