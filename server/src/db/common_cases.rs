//! `CaseRepo` in SQL both backends accept (see `common`).

pub(crate) const CASE_COLUMNS: &str = "id, gp_id, territory_code, status, priority, age, sex, \
     phototype, clinical, consent_at, submitted_at, due_at, claimed_by, lease_until, info_requested_by, sla_clock, \
     CAST(sla_target_secs AS BIGINT) AS sla_target_secs, remind_at, warn_at, paused_at, offered_at";
pub(crate) const PHOTO_COLUMNS: &str = "id, case_id, position, kind, format, width, height, \
     bytes, sha256, blob_key, metadata_removed, quality_warnings, created_at";

macro_rules! impl_case_repo {
    ($repo:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::CaseRepo for $repo {
            async fn create_case(
                &self,
                c: &$crate::db::CaseRecord,
                photos: &[$crate::db::PhotoRecord],
                key: &$crate::db::DataKeyRecord,
                fx: &$crate::db::Effects,
            ) -> Result<(), $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO cases (id, gp_id, territory_code, status, priority, age, sex, \
                     phototype, clinical, consent_at, submitted_at, due_at, sla_clock, \
                     sla_target_secs, remind_at, warn_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                )
                .bind(c.id)
                .bind(c.gp_id)
                .bind(&c.territory_code)
                .bind(&c.status)
                .bind(&c.priority)
                .bind(c.age)
                .bind(&c.sex)
                .bind(c.phototype)
                .bind(&c.clinical)
                .bind(c.consent_at)
                .bind(c.submitted_at)
                .bind(c.due_at)
                .bind(&c.sla_clock)
                .bind(c.sla_target_secs)
                .bind(c.remind_at)
                .bind(c.warn_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO data_keys (case_id, master_key_id, wrapped, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(key.case_id)
                .bind(&key.master_key_id)
                .bind(&key.wrapped)
                .bind(c.submitted_at)
                .execute(&mut *tx)
                .await?;
                Self::event_in(
                    &mut tx, c.id, c.submitted_at, Some(c.gp_id), "submitted", None, &c.status,
                )
                .await?;
                Self::photos_in(&mut tx, photos).await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn case(
                &self,
                id: uuid::Uuid,
            ) -> Result<Option<$crate::db::CaseRecord>, $crate::db::RepoError> {
                let sql = format!(
                    "SELECT {} FROM cases WHERE id = $1",
                    $crate::db::common_cases::CASE_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
            }

            async fn cases_of_gp(
                &self,
                gp_id: uuid::Uuid,
                limit: i64,
            ) -> Result<Vec<$crate::db::CaseRecord>, $crate::db::RepoError> {
                let sql = format!(
                    "SELECT {} FROM cases WHERE gp_id = $1 \
                     ORDER BY submitted_at DESC, id LIMIT $2",
                    $crate::db::common_cases::CASE_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(gp_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn photos_of_cases(
                &self,
                case_ids: &[uuid::Uuid],
            ) -> Result<Vec<$crate::db::PhotoRecord>, $crate::db::RepoError> {
                let mut all = Vec::new();
                let sql = format!(
                    "SELECT {} FROM photos WHERE case_id = $1 ORDER BY position",
                    $crate::db::common_cases::PHOTO_COLUMNS
                );
                for id in case_ids {
                    let rows: Vec<$crate::db::PhotoRecord> =
                        sqlx::query_as(&sql).bind(*id).fetch_all(&self.pool).await?;
                    all.extend(rows);
                }
                Ok(all)
            }

            async fn data_key(
                &self,
                case_id: uuid::Uuid,
            ) -> Result<Option<$crate::db::DataKeyRecord>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT case_id, master_key_id, wrapped FROM data_keys WHERE case_id = $1",
                )
                .bind(case_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn data_keys_not_under(
                &self,
                master_key_id: &str,
                limit: i64,
            ) -> Result<Vec<$crate::db::DataKeyRecord>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT case_id, master_key_id, wrapped FROM data_keys \
                     WHERE master_key_id <> $1 ORDER BY case_id LIMIT $2",
                )
                .bind(master_key_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn rewrap_data_key(
                &self,
                expected_master: &str,
                key: &$crate::db::DataKeyRecord,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, $crate::db::RepoError> {
                let done = sqlx::query(
                    "UPDATE data_keys SET master_key_id = $1, wrapped = $2, rewrapped_at = $3 \
                     WHERE case_id = $4 AND master_key_id = $5",
                )
                .bind(&key.master_key_id)
                .bind(&key.wrapped)
                .bind(at)
                .bind(key.case_id)
                .bind(expected_master)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(done == 1)
            }

            async fn data_key_counts(&self) -> Result<Vec<(String, i64)>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT master_key_id, COUNT(*) FROM data_keys \
                     GROUP BY master_key_id ORDER BY master_key_id",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn referenced_blob_keys(&self) -> Result<Vec<String>, $crate::db::RepoError> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT blob_key FROM photos")
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(k,)| k).collect())
            }

            async fn photo_read_count(
                &self,
                photo_id: uuid::Uuid,
            ) -> Result<i64, $crate::db::RepoError> {
                let (n,): (i64,) =
                    sqlx::query_as(
                        "SELECT COUNT(*) FROM audit_log WHERE action = 'photo.read' \
                         AND target_id = $1",
                    )
                        .bind(photo_id.to_string())
                        .fetch_one(&self.pool)
                        .await?;
                Ok(n)
            }
        }
    };
}

pub(crate) use impl_case_repo;
