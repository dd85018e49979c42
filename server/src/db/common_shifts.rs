//! `ShiftRepo` in SQL both backends accept (see `common`).

macro_rules! impl_shift_repo {
    ($repo:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::ShiftRepo for $repo {
            async fn create_shift(
                &self,
                s: &$crate::domain::Shift,
                created_by: $crate::domain::UserId,
                fx: &$crate::db::Effects,
            ) -> Result<(), $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                // A write to the dermatologist's row first: concurrent shifts of one
                // dermatologist queue up behind it (a row lock on PostgreSQL, the write lock on
                // SQLite), so each one's overlap check sees the others.
                sqlx::query("UPDATE users SET id = id WHERE id = $1")
                    .bind(s.dermatologist.as_uuid())
                    .execute(&mut *tx)
                    .await?;
                let overlapping = sqlx::query_as::<_, $crate::db::rows::ShiftRow>(
                    "SELECT id, dermatologist_id, territory_code, starts_at, ends_at \
                     FROM oncall_shifts WHERE dermatologist_id = $1 AND territory_code = $2 \
                     AND starts_at < $4 AND ends_at > $3 ORDER BY starts_at LIMIT 1",
                )
                .bind(s.dermatologist.as_uuid())
                .bind(s.territory.as_str())
                .bind(s.starts_at)
                .bind(s.ends_at)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = overlapping {
                    let other = row.into_shift()?;
                    return Err($crate::db::RepoError::Conflict(format!(
                        "this dermatologist is already on call for {} from {} to {} (shift {})",
                        other.territory,
                        other.starts_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        other.ends_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        other.id,
                    )));
                }
                sqlx::query(
                    "INSERT INTO oncall_shifts (id, dermatologist_id, territory_code, starts_at, \
                     ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(s.id.as_uuid())
                .bind(s.dermatologist.as_uuid())
                .bind(s.territory.as_str())
                .bind(s.starts_at)
                .bind(s.ends_at)
                .bind(created_by.as_uuid())
                .bind(chrono::Utc::now())
                .execute(&mut *tx)
                .await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn shift(
                &self,
                id: $crate::domain::ShiftId,
            ) -> Result<Option<$crate::domain::Shift>, $crate::db::RepoError> {
                let row = sqlx::query_as::<_, $crate::db::rows::ShiftRow>(
                    "SELECT id, dermatologist_id, territory_code, starts_at, ends_at \
                     FROM oncall_shifts WHERE id = $1",
                )
                .bind(id.as_uuid())
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| r.into_shift()).transpose()?)
            }

            async fn shifts_overlapping(
                &self,
                territory: &$crate::domain::TerritoryCode,
                from: chrono::DateTime<chrono::Utc>,
                to: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<$crate::domain::Shift>, $crate::db::RepoError> {
                let rows = sqlx::query_as::<_, $crate::db::rows::ShiftRow>(
                    "SELECT id, dermatologist_id, territory_code, starts_at, ends_at \
                     FROM oncall_shifts \
                     WHERE territory_code = $1 AND starts_at < $3 AND ends_at > $2 \
                     ORDER BY starts_at, id",
                )
                .bind(territory.as_str())
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| r.into_shift())
                    .collect::<anyhow::Result<_>>()?)
            }

            async fn delete_shift(
                &self,
                id: $crate::domain::ShiftId,
                fx: &$crate::db::Effects,
            ) -> Result<bool, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                let deleted = sqlx::query("DELETE FROM oncall_shifts WHERE id = $1")
                    .bind(id.as_uuid())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if deleted == 0 {
                    return Ok(false);
                }
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

pub(crate) use impl_shift_repo;
