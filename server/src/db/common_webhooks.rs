//! `WebhookRepo` in SQL both backends accept (see `common`).

macro_rules! impl_webhook_repo {
    ($repo:ty) => {
        impl $repo {
            pub(crate) async fn webhook_secret_in(
                tx: &mut sqlx::Transaction<'_, <Self as $crate::db::Backend>::Db>,
                s: &$crate::db::WebhookSecretRecord,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::db::RepoError> {
                sqlx::query(
                    "INSERT INTO webhook_secrets (user_id, master_key_id, sealed, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET \
                     master_key_id = excluded.master_key_id, sealed = excluded.sealed, \
                     created_at = excluded.created_at, rewrapped_at = NULL",
                )
                .bind(s.user_id)
                .bind(&s.master_key_id)
                .bind(&s.sealed)
                .bind(at)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::db::WebhookRepo for $repo {
            async fn set_webhook(
                &self,
                id: $crate::domain::UserId,
                url: Option<&$crate::domain::WebhookUrl>,
                secret: Option<&$crate::db::WebhookSecretRecord>,
                at: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<Option<$crate::domain::User>, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                let found = sqlx::query("UPDATE users SET webhook_url = $2 WHERE id = $1")
                    .bind(id.as_uuid())
                    .bind(url.map(|u| u.as_str()))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if found != 1 {
                    return Ok(None);
                }
                match secret {
                    Some(s) => Self::webhook_secret_in(&mut tx, s, at).await?,
                    None => {
                        sqlx::query("DELETE FROM webhook_secrets WHERE user_id = $1")
                            .bind(id.as_uuid())
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                $crate::db::UserRepo::user(self, id).await
            }

            async fn replace_webhook_secret(
                &self,
                secret: &$crate::db::WebhookSecretRecord,
                at: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<bool, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                // Touch the user row: it locks it against a concurrent change of the URL.
                let hooked = sqlx::query(
                    "UPDATE users SET webhook_url = webhook_url \
                     WHERE id = $1 AND webhook_url IS NOT NULL",
                )
                .bind(secret.user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if hooked != 1 {
                    return Ok(false);
                }
                Self::webhook_secret_in(&mut tx, secret, at).await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn webhook_secrets_not_under(
                &self,
                master_key_id: &str,
                limit: i64,
            ) -> Result<Vec<$crate::db::WebhookSecretRecord>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT user_id, master_key_id, sealed FROM webhook_secrets \
                     WHERE master_key_id <> $1 ORDER BY user_id LIMIT $2",
                )
                .bind(master_key_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn reseal_webhook_secret(
                &self,
                old: &$crate::db::WebhookSecretRecord,
                new: &$crate::db::WebhookSecretRecord,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, $crate::db::RepoError> {
                let moved = sqlx::query(
                    "UPDATE webhook_secrets SET master_key_id = $1, sealed = $2, \
                     rewrapped_at = $3 WHERE user_id = $4 AND master_key_id = $5 AND sealed = $6",
                )
                .bind(&new.master_key_id)
                .bind(&new.sealed)
                .bind(at)
                .bind(old.user_id)
                .bind(&old.master_key_id)
                .bind(&old.sealed)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(moved == 1)
            }

            async fn webhook_secret_counts(
                &self,
            ) -> Result<Vec<(String, i64)>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT master_key_id, COUNT(*) FROM webhook_secrets \
                     GROUP BY master_key_id ORDER BY master_key_id",
                )
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}

pub(crate) use impl_webhook_repo;
