//! `WebhookRepo`: users' webhook URLs and their sealed signing secrets.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{effects::effects_in, Backend, Query, SqlRepo, Tx};
use crate::db::{Effects, RepoError, UserRepo, WebhookRepo, WebhookSecretRecord};
use crate::domain::{User, UserId, WebhookUrl};

/// Store a user's secret, replacing the one it had.
pub(super) async fn webhook_secret_in(
    tx: &mut impl Tx,
    s: &WebhookSecretRecord,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    tx.execute(
        Query::new(
            "INSERT INTO webhook_secrets (user_id, master_key_id, sealed, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET \
             master_key_id = excluded.master_key_id, sealed = excluded.sealed, \
             created_at = excluded.created_at, rewrapped_at = NULL",
        )
        .bind(s.user_id)
        .bind(s.master_key_id.as_str())
        .bind(s.sealed.as_slice())
        .bind(at),
    )
    .await?;
    Ok(())
}

#[async_trait]
impl<B: Backend> WebhookRepo for SqlRepo<B> {
    async fn set_webhook(
        &self,
        id: UserId,
        url: Option<&WebhookUrl>,
        secret: Option<&WebhookSecretRecord>,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<User>, RepoError> {
        let mut tx = self.db.begin().await?;
        let found = tx
            .execute(
                Query::new("UPDATE users SET webhook_url = $2 WHERE id = $1")
                    .bind(id.as_uuid())
                    .bind(url.map(|u| u.as_str())),
            )
            .await?;
        if found != 1 {
            return Ok(None);
        }
        match secret {
            Some(s) => webhook_secret_in(&mut tx, s, at).await?,
            None => {
                tx.execute(
                    Query::new("DELETE FROM webhook_secrets WHERE user_id = $1").bind(id.as_uuid()),
                )
                .await?;
            }
        }
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        self.user(id).await
    }

    async fn replace_webhook_secret(
        &self,
        secret: &WebhookSecretRecord,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        // Touch the user row: it locks it against a concurrent change of the URL.
        let hooked = tx
            .execute(
                Query::new(
                    "UPDATE users SET webhook_url = webhook_url \
                     WHERE id = $1 AND webhook_url IS NOT NULL",
                )
                .bind(secret.user_id),
            )
            .await?;
        if hooked != 1 {
            return Ok(false);
        }
        webhook_secret_in(&mut tx, secret, at).await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn webhook_secrets_not_under(
        &self,
        master_key_id: &str,
        limit: i64,
    ) -> Result<Vec<WebhookSecretRecord>, RepoError> {
        let q = Query::new(
            "SELECT user_id, master_key_id, sealed FROM webhook_secrets \
             WHERE master_key_id <> $1 ORDER BY user_id LIMIT $2",
        )
        .bind(master_key_id)
        .bind(limit);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn reseal_webhook_secret(
        &self,
        old: &WebhookSecretRecord,
        new: &WebhookSecretRecord,
        at: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let moved = self
            .db
            .execute(
                Query::new(
                    "UPDATE webhook_secrets SET master_key_id = $1, sealed = $2, \
                     rewrapped_at = $3 WHERE user_id = $4 AND master_key_id = $5 AND sealed = $6",
                )
                .bind(new.master_key_id.as_str())
                .bind(new.sealed.as_slice())
                .bind(at)
                .bind(old.user_id)
                .bind(old.master_key_id.as_str())
                .bind(old.sealed.as_slice()),
            )
            .await?;
        Ok(moved == 1)
    }

    async fn webhook_secret_counts(&self) -> Result<Vec<(String, i64)>, RepoError> {
        Ok(self
            .db
            .fetch_all(Query::new(
                "SELECT master_key_id, COUNT(*) FROM webhook_secrets \
                 GROUP BY master_key_id ORDER BY master_key_id",
            ))
            .await?)
    }
}
