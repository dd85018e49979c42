//! Repository code whose SQL both backends accept unchanged, written once and expanded for each
//! backend type by `impl_common_repos!` (the macro only fills in the pool type).

/// `mon,tue,...` as stored.
pub(crate) fn working_days(h: &crate::domain::calendar::WorkingHours) -> String {
    h.days
        .iter()
        .map(|d| crate::domain::weekday_name(*d))
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) const USER_COLUMNS: &str =
    "id, email, display_name, role, home_territory, rpps, webhook_url, disabled_at, created_at";

macro_rules! impl_common_repos {
    ($repo:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::UserRepo for $repo {
            async fn create_user(
                &self,
                user: &$crate::domain::User,
                password_hash: &str,
                webhook_secret: Option<&$crate::db::WebhookSecretRecord>,
                fx: &$crate::db::Effects,
            ) -> Result<(), $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO users (id, email, display_name, role, password_hash, \
                     home_territory, rpps, webhook_url, disabled_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(user.id.as_uuid())
                .bind(user.email.as_str())
                .bind(user.display_name.as_str())
                .bind(user.role.as_str())
                .bind(password_hash)
                .bind(user.home_territory.as_ref().map(|t| t.as_str()))
                .bind(user.rpps.as_ref().map(|r| r.as_str()))
                .bind(user.webhook_url.as_ref().map(|u| u.as_str()))
                .bind(user.disabled_at)
                .bind(user.created_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    $crate::db::conflict_on_unique(e, "a user with this email already exists")
                })?;
                for territory in &user.territories {
                    sqlx::query(
                        "INSERT INTO coordinator_territories (user_id, territory_code) \
                         VALUES ($1, $2)",
                    )
                    .bind(user.id.as_uuid())
                    .bind(territory.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(secret) = webhook_secret {
                    Self::webhook_secret_in(&mut tx, secret, user.created_at).await?;
                }
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn user(
                &self,
                id: $crate::domain::UserId,
            ) -> Result<Option<$crate::domain::User>, $crate::db::RepoError> {
                use $crate::db::rows::{CoordinatorTerritoryRow, UserRow};
                let sql = format!(
                    "SELECT {} FROM users WHERE id = $1",
                    $crate::db::common::USER_COLUMNS
                );
                let Some(row) = sqlx::query_as::<_, UserRow>(&sql)
                    .bind(id.as_uuid())
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let territories = sqlx::query_as::<_, CoordinatorTerritoryRow>(
                    "SELECT user_id, territory_code FROM coordinator_territories \
                     WHERE user_id = $1 ORDER BY territory_code",
                )
                .bind(id.as_uuid())
                .fetch_all(&self.pool)
                .await?;
                Ok(Some(row.into_user(&territories)?))
            }

            async fn user_credentials(
                &self,
                email: &$crate::domain::Email,
            ) -> Result<Option<($crate::domain::User, String)>, $crate::db::RepoError> {
                use $crate::db::rows::{CoordinatorTerritoryRow, UserCredentialsRow};
                let sql = format!(
                    "SELECT {}, password_hash FROM users WHERE email = $1",
                    $crate::db::common::USER_COLUMNS
                );
                let Some(row) = sqlx::query_as::<_, UserCredentialsRow>(&sql)
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let territories = sqlx::query_as::<_, CoordinatorTerritoryRow>(
                    "SELECT user_id, territory_code FROM coordinator_territories \
                     WHERE user_id = $1 ORDER BY territory_code",
                )
                .bind(row.user.id)
                .fetch_all(&self.pool)
                .await?;
                Ok(Some((row.user.into_user(&territories)?, row.password_hash)))
            }

            async fn list_users(&self) -> Result<Vec<$crate::domain::User>, $crate::db::RepoError> {
                use $crate::db::rows::{CoordinatorTerritoryRow, UserRow};
                let sql = format!(
                    "SELECT {} FROM users ORDER BY created_at, email",
                    $crate::db::common::USER_COLUMNS
                );
                let rows = sqlx::query_as::<_, UserRow>(&sql).fetch_all(&self.pool).await?;
                let territories = sqlx::query_as::<_, CoordinatorTerritoryRow>(
                    "SELECT user_id, territory_code FROM coordinator_territories \
                     ORDER BY territory_code",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| r.into_user(&territories))
                    .collect::<anyhow::Result<_>>()?)
            }

            async fn disable_user(
                &self,
                id: $crate::domain::UserId,
                at: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<Option<$crate::domain::User>, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                // Disabling twice keeps the first time.
                let found = sqlx::query(
                    "UPDATE users SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1",
                )
                .bind(id.as_uuid())
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if found == 1 {
                    Self::effects_in(&mut tx, fx).await?;
                }
                tx.commit().await?;
                $crate::db::UserRepo::user(self, id).await
            }
        }

        impl $repo {
            /// Write the territory's fallbacks and holidays (replacing the old ones if `replace`).
            async fn territory_lists_in(
                tx: &mut sqlx::Transaction<'_, <Self as $crate::db::Backend>::Db>,
                t: &$crate::domain::Territory,
                replace: bool,
            ) -> Result<(), $crate::db::RepoError> {
                if replace {
                    for table in ["territory_fallbacks", "territory_holidays"] {
                        sqlx::query(&format!("DELETE FROM {table} WHERE territory_code = $1"))
                            .bind(t.code.as_str())
                            .execute(&mut **tx)
                            .await?;
                    }
                }
                for (position, fallback) in t.fallbacks.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO territory_fallbacks (territory_code, position, fallback_code) \
                         VALUES ($1, $2, $3)",
                    )
                    .bind(t.code.as_str())
                    .bind(position as i32)
                    .bind(fallback.as_str())
                    .execute(&mut **tx)
                    .await?;
                }
                for day in &t.holidays {
                    sqlx::query(
                        "INSERT INTO territory_holidays (territory_code, day) VALUES ($1, $2)",
                    )
                    .bind(t.code.as_str())
                    .bind(*day)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::db::TerritoryRepo for $repo {
            async fn create_territory(
                &self,
                t: &$crate::domain::Territory,
                fx: &$crate::db::Effects,
            ) -> Result<(), $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO territories (code, name, timezone, created_at, working_days, \
                     day_starts, day_ends) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(t.code.as_str())
                .bind(t.name.as_str())
                .bind(t.timezone.name())
                .bind(chrono::Utc::now())
                .bind($crate::db::common::working_days(&t.hours))
                .bind(t.hours.start.format("%H:%M").to_string())
                .bind(t.hours.end.format("%H:%M").to_string())
                .execute(&mut *tx)
                .await
                .map_err(|e| $crate::db::conflict_on_unique(e, "this territory already exists"))?;
                Self::territory_lists_in(&mut tx, t, false).await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn territory(
                &self,
                code: &$crate::domain::TerritoryCode,
            ) -> Result<Option<$crate::domain::Territory>, $crate::db::RepoError> {
                use $crate::db::rows::{FallbackRow, HolidayRow, TerritoryRow};
                let Some(row) = sqlx::query_as::<_, TerritoryRow>(
                    "SELECT code, name, timezone, working_days, day_starts, day_ends \
                     FROM territories WHERE code = $1",
                )
                .bind(code.as_str())
                .fetch_optional(&self.pool)
                .await?
                else {
                    return Ok(None);
                };
                let fallbacks = sqlx::query_as::<_, FallbackRow>(
                    "SELECT territory_code, fallback_code FROM territory_fallbacks \
                     WHERE territory_code = $1 ORDER BY position",
                )
                .bind(code.as_str())
                .fetch_all(&self.pool)
                .await?;
                let holidays = sqlx::query_as::<_, HolidayRow>(
                    "SELECT territory_code, day FROM territory_holidays \
                     WHERE territory_code = $1 ORDER BY day",
                )
                .bind(code.as_str())
                .fetch_all(&self.pool)
                .await?;
                Ok(Some(row.into_territory(&fallbacks, &holidays)?))
            }

            async fn list_territories(
                &self,
            ) -> Result<Vec<$crate::domain::Territory>, $crate::db::RepoError> {
                use $crate::db::rows::{FallbackRow, HolidayRow, TerritoryRow};
                let rows = sqlx::query_as::<_, TerritoryRow>(
                    "SELECT code, name, timezone, working_days, day_starts, day_ends \
                     FROM territories ORDER BY code",
                )
                .fetch_all(&self.pool)
                .await?;
                let fallbacks = sqlx::query_as::<_, FallbackRow>(
                    "SELECT territory_code, fallback_code FROM territory_fallbacks \
                     ORDER BY territory_code, position",
                )
                .fetch_all(&self.pool)
                .await?;
                let holidays = sqlx::query_as::<_, HolidayRow>(
                    "SELECT territory_code, day FROM territory_holidays ORDER BY territory_code, day",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| r.into_territory(&fallbacks, &holidays))
                    .collect::<anyhow::Result<_>>()?)
            }

            async fn update_territory(
                &self,
                t: &$crate::domain::Territory,
                fx: &$crate::db::Effects,
            ) -> Result<bool, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                let updated = sqlx::query(
                    "UPDATE territories SET name = $2, timezone = $3, working_days = $4, \
                     day_starts = $5, day_ends = $6 WHERE code = $1",
                )
                .bind(t.code.as_str())
                .bind(t.name.as_str())
                .bind(t.timezone.name())
                .bind($crate::db::common::working_days(&t.hours))
                .bind(t.hours.start.format("%H:%M").to_string())
                .bind(t.hours.end.format("%H:%M").to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Ok(false);
                }
                Self::territory_lists_in(&mut tx, t, true).await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

pub(crate) use impl_common_repos;
