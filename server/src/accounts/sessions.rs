//! Browser sessions: sign-in through `AccountService::authenticate` (the API's throttle and
//! audit), then a server-side session found by the SHA-256 of a random id that only the
//! browser's cookie holds. A session ends after `idle` without use, `max` after sign-in, at
//! sign-out, and as soon as its user is disabled (checked on every use, and its rows deleted with
//! the user). Times come from the service's clock.

use std::{net::IpAddr, sync::Arc};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use rand::{rngs::OsRng, RngCore};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::{AccountError, AccountService};
use crate::{
    audit,
    db::{Effects, Repo, SessionRecord},
    domain::{Clock, User},
};

/// Activity is written at most this often: a page view within it costs no write, and a session
/// may end up to this much sooner than `idle` after the last request.
const TOUCH_EVERY_SECS: i64 = 60;
/// Longer than any id we make (43 characters): refused without a database read.
const MAX_ID_LEN: usize = 64;

#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    pub idle: Duration,
    pub max: Duration,
}

pub struct SessionService {
    repo: Arc<dyn Repo>,
    accounts: Arc<AccountService>,
    clock: Arc<dyn Clock>,
    settings: SessionSettings,
}

/// The id a new session's cookie carries: the only copy, never stored or logged.
pub struct SessionId(SecretString);

impl SessionId {
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    #[cfg(test)]
    pub(crate) fn for_tests(id: &str) -> SessionId {
        SessionId(SecretString::from(id))
    }
}

/// A live session and its user, as read afresh for this request.
#[derive(Clone)]
pub struct Session {
    pub user: User,
    /// The token its forms carry.
    pub csrf_token: String,
    /// `fr` or `en` when chosen while signed in.
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    id_hash: Vec<u8>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user.id)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

/// Who uses a session: the person (a page opened, a form sent), or a page refreshing itself in
/// the background (the queue's poll), which does not count as activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Person,
    Background,
}

/// What a cookie's id leads to.
#[derive(Debug, Clone)]
pub enum Resolved {
    Active(Box<Session>),
    /// It was a session, now over for lack of use or age (worth telling the person).
    Expired,
    /// No session: never was, signed out, or its user disabled.
    Unknown,
}

impl SessionService {
    pub fn new(
        repo: Arc<dyn Repo>,
        accounts: Arc<AccountService>,
        clock: Arc<dyn Clock>,
        settings: SessionSettings,
    ) -> SessionService {
        SessionService {
            repo,
            accounts,
            clock,
            settings,
        }
    }

    pub fn settings(&self) -> SessionSettings {
        self.settings
    }

    /// Check the credentials as the API does (same throttle, same audit), then open a session.
    /// `language`: the one the person chose before signing in, kept for the session.
    pub async fn sign_in(
        &self,
        email: &str,
        password: SecretString,
        address: Option<IpAddr>,
        language: Option<&str>,
    ) -> Result<(SessionId, Session), AccountError> {
        let user = self.accounts.authenticate(email, password, address).await?;
        let now = self.clock.now();
        // Old rows go whenever someone signs in: no worker needed for a small table.
        self.repo
            .delete_expired_sessions(now - self.settings.idle, now - self.settings.max)
            .await?;
        let id = random_token();
        let record = SessionRecord {
            id_hash: hash(&id),
            user_id: user.id.as_uuid(),
            csrf_token: random_token(),
            language: language.map(str::to_owned),
            created_at: now,
            last_seen_at: now,
        };
        self.repo.create_session(&record).await?;
        tracing::info!(user_id = %user.id, "web session opened");
        let session = Session {
            user,
            csrf_token: record.csrf_token,
            language: record.language,
            created_at: now,
            id_hash: record.id_hash,
        };
        Ok((SessionId(SecretString::from(id)), session))
    }

    /// The session a cookie's id names, if it is still good; a person's use of it is recorded
    /// (`Use::Person`), a page's own background refresh is not: an unattended screen signs out.
    pub async fn resolve(&self, id: &str, by: Use) -> Result<Resolved, AccountError> {
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Ok(Resolved::Unknown);
        }
        let id_hash = hash(id);
        let Some(record) = self.repo.session(&id_hash).await? else {
            return Ok(Resolved::Unknown);
        };
        let now = self.clock.now();
        if now - record.last_seen_at >= self.settings.idle
            || now - record.created_at >= self.settings.max
        {
            self.repo.delete_session(&id_hash).await?;
            return Ok(Resolved::Expired);
        }
        let user = match self.repo.user(record.user_id.into()).await? {
            Some(user) if !user.is_disabled() => user,
            _ => {
                self.repo.delete_session(&id_hash).await?;
                return Ok(Resolved::Unknown);
            }
        };
        if by == Use::Person
            && now - record.last_seen_at >= Duration::seconds(TOUCH_EVERY_SECS)
            && !self.repo.touch_session(&id_hash, now).await?
        {
            // Signed out by another request meanwhile.
            return Ok(Resolved::Unknown);
        }
        Ok(Resolved::Active(Box::new(Session {
            user,
            csrf_token: record.csrf_token,
            language: record.language,
            created_at: record.created_at,
            id_hash,
        })))
    }

    /// Keep a language chosen while signed in with the session.
    pub async fn set_language(
        &self,
        session: &Session,
        language: Option<&str>,
    ) -> Result<(), AccountError> {
        self.repo
            .set_session_language(&session.id_hash, language)
            .await?;
        Ok(())
    }

    /// End a session (sign-out, or a new sign-in from the same browser); recorded in the audit
    /// trail.
    pub async fn sign_out(&self, session: &Session) -> Result<(), AccountError> {
        if self.repo.delete_session(&session.id_hash).await? {
            let mut entry = audit::entry(
                self.clock.now(),
                Some(session.user.id.as_uuid()),
                "auth.logout",
                "session",
                Some(session.user.id.to_string()),
            );
            entry.territory = session
                .user
                .home_territory
                .as_ref()
                .map(ToString::to_string);
            self.repo.record(&Effects::audit(entry)).await?;
            tracing::info!(user_id = %session.user.id, "web session closed");
        }
        Ok(())
    }
}

/// 256 random bits, URL-safe (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hash(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_url_safe_and_hashed_apart() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(hash(&a).len(), 32);
        assert_ne!(hash(&a), a.as_bytes());
    }
}
