//! `UserRepo`: accounts, their coordinator territories, and the rows they are read from.

use std::collections::HashMap;

use anyhow::anyhow;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    effects::effects_in, placeholders, webhooks::webhook_secret_in, Backend, Query, SqlRepo, Tx,
};
use crate::db::{conflict_on_unique, Effects, RepoError, UserRepo, WebhookSecretRecord};
use crate::domain::{
    ChannelChoices, DisplayName, Email, Role, Rpps, TerritoryCode, User, UserId, WebhookUrl,
};
use telederm_schemas::Language;

/// Ids per `IN` list when names are looked up: far below either backend's parameter limit.
const NAMES_PER_QUERY: usize = 500;

/// With the coordinator territories aggregated, so that a user (read on every authenticated
/// request) costs one query.
const USER_COLUMNS: &str = "id, email, display_name, role, home_territory, rpps, webhook_url, \
     language, notification_channels, disabled_at, created_at, \
     (SELECT string_agg(c.territory_code, ',' ORDER BY c.territory_code) \
      FROM coordinator_territories c WHERE c.user_id = users.id) AS territories";

#[async_trait]
impl<B: Backend> UserRepo for SqlRepo<B> {
    async fn create_user(
        &self,
        user: &User,
        password_hash: &str,
        webhook_secret: Option<&WebhookSecretRecord>,
        fx: &Effects,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            Query::new(
                "INSERT INTO users (id, email, display_name, role, password_hash, \
                 home_territory, rpps, webhook_url, language, notification_channels, \
                 disabled_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(user.id.as_uuid())
            .bind(user.email.as_str())
            .bind(user.display_name.as_str())
            .bind(user.role.as_str())
            .bind(password_hash)
            .bind(user.home_territory.as_ref().map(|t| t.as_str()))
            .bind(user.rpps.as_ref().map(|r| r.as_str()))
            .bind(user.webhook_url.as_ref().map(|u| u.as_str()))
            .bind(user.language.as_str())
            .bind(user.channels.to_stored())
            .bind(user.disabled_at)
            .bind(user.created_at),
        )
        .await
        .map_err(|e| conflict_on_unique(e, "a user with this email already exists"))?;
        for territory in &user.territories {
            tx.execute(
                Query::new(
                    "INSERT INTO coordinator_territories (user_id, territory_code) \
                     VALUES ($1, $2)",
                )
                .bind(user.id.as_uuid())
                .bind(territory.as_str()),
            )
            .await?;
        }
        if let Some(secret) = webhook_secret {
            webhook_secret_in(&mut tx, secret, user.created_at).await?;
        }
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let q = Query::new(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id.as_uuid());
        let row = self.db.fetch_optional::<UserRow>(q).await?;
        Ok(row.map(UserRow::into_user).transpose()?)
    }

    async fn user_credentials(&self, email: &Email) -> Result<Option<(User, String)>, RepoError> {
        let q = Query::new(format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(email.as_str());
        let Some(row) = self.db.fetch_optional::<UserCredentialsRow>(q).await? else {
            return Ok(None);
        };
        Ok(Some((row.user.into_user()?, row.password_hash)))
    }

    async fn list_users(&self) -> Result<Vec<User>, RepoError> {
        let q = Query::new(format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY created_at, email"
        ));
        let rows = self.db.fetch_all::<UserRow>(q).await?;
        Ok(rows
            .into_iter()
            .map(UserRow::into_user)
            .collect::<anyhow::Result<_>>()?)
    }

    async fn display_names(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, RepoError> {
        let mut names = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(NAMES_PER_QUERY) {
            let q = Query::new(format!(
                "SELECT id, display_name FROM users WHERE id IN ({})",
                placeholders(1, chunk.len())
            ))
            .bind_all(chunk.iter().copied());
            names.extend(self.db.fetch_all::<(Uuid, String)>(q).await?);
        }
        Ok(names)
    }

    async fn disable_user(
        &self,
        id: UserId,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<User>, RepoError> {
        let mut tx = self.db.begin().await?;
        // Disabling twice keeps the first time.
        let found = tx
            .execute(
                Query::new(
                    "UPDATE users SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1",
                )
                .bind(id.as_uuid())
                .bind(at),
            )
            .await?;
        if found == 1 {
            // Its browser sessions end with it (its API tokens fail at the next request, when
            // the user is read).
            tx.execute(
                Query::new("DELETE FROM web_sessions WHERE user_id = $1").bind(id.as_uuid()),
            )
            .await?;
            effects_in(&mut tx, fx).await?;
        }
        tx.commit().await?;
        self.user(id).await
    }

    async fn set_notification_settings(
        &self,
        id: UserId,
        language: Language,
        channels: &ChannelChoices,
        fx: &Effects,
    ) -> Result<Option<User>, RepoError> {
        let mut tx = self.db.begin().await?;
        let found = tx
            .execute(
                Query::new(
                    "UPDATE users SET language = $2, notification_channels = $3 WHERE id = $1",
                )
                .bind(id.as_uuid())
                .bind(language.as_str())
                .bind(channels.to_stored()),
            )
            .await?;
        if found != 1 {
            return Ok(None);
        }
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        self.user(id).await
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
    home_territory: Option<String>,
    rpps: Option<String>,
    webhook_url: Option<String>,
    language: String,
    notification_channels: String,
    disabled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    /// Coordinator territories joined by commas (codes have none), NULL for none.
    territories: Option<String>,
}

#[derive(sqlx::FromRow)]
struct UserCredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

/// Stored values were validated on the way in; one that no longer parses is a corrupt row.
pub(super) fn corrupt(what: &str) -> impl FnOnce(String) -> anyhow::Error + '_ {
    move |e| anyhow!("corrupt {what} in the database: {e}")
}

fn language(raw: &str) -> anyhow::Result<Language> {
    Language::parse(raw).ok_or_else(|| corrupt("language")(raw.to_owned()))
}

pub(super) fn territory_code(raw: &str) -> anyhow::Result<TerritoryCode> {
    TerritoryCode::parse(raw).map_err(corrupt("territory code"))
}

impl UserRow {
    fn into_user(self) -> anyhow::Result<User> {
        let territories = self.territories.as_deref().map_or(Ok(Vec::new()), |list| {
            list.split(',').map(territory_code).collect()
        })?;
        Ok(User {
            id: self.id.into(),
            email: Email::parse(&self.email).map_err(corrupt("email"))?,
            display_name: DisplayName::parse(&self.display_name).map_err(corrupt("name"))?,
            role: self.role.parse::<Role>().map_err(corrupt("role"))?,
            home_territory: self
                .home_territory
                .as_deref()
                .map(territory_code)
                .transpose()?,
            territories,
            rpps: self
                .rpps
                .as_deref()
                .map(Rpps::parse)
                .transpose()
                .map_err(corrupt("rpps"))?,
            webhook_url: self
                .webhook_url
                .as_deref()
                .map(WebhookUrl::parse)
                .transpose()
                .map_err(corrupt("webhook url"))?,
            language: language(&self.language)?,
            channels: ChannelChoices::from_stored(&self.notification_channels),
            disabled_at: self.disabled_at,
            created_at: self.created_at,
        })
    }
}
