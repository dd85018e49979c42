//! `AuditRepo`, `OutboxRepo`, and the writes every transition shares: `event_in` (its history
//! line), `photos_in`, `effects_in` (its side effects, written in its transaction); in SQL both
//! backends accept (see `common`). `$lock` as in `common_queue`.
//!
//! Appending to the audit chain locks the head row first (`UPDATE ... RETURNING`): on PostgreSQL
//! concurrent appenders wait for each other, on SQLite the statement takes the write lock. Every
//! transaction takes the head last, after its case rows, so the lock order never crosses.

macro_rules! impl_effects {
    ($repo:ty, $lock:literal) => {
        impl $repo {
            /// One transition of a case's history.
            #[allow(clippy::too_many_arguments)]
            pub(crate) async fn event_in(
                tx: &mut sqlx::Transaction<'_, <Self as $crate::db::Backend>::Db>,
                case_id: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
                actor: Option<uuid::Uuid>,
                kind: &str,
                from: impl Into<Option<&str>> + Send,
                to: &str,
            ) -> Result<(), $crate::db::RepoError> {
                sqlx::query($crate::db::common_queue::INSERT_EVENT)
                    .bind(case_id)
                    .bind(at)
                    .bind(actor)
                    .bind(kind)
                    .bind(from.into())
                    .bind(to)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// Photo rows of a submission or of a reply.
            pub(crate) async fn photos_in(
                tx: &mut sqlx::Transaction<'_, <Self as $crate::db::Backend>::Db>,
                photos: &[$crate::db::PhotoRecord],
            ) -> Result<(), $crate::db::RepoError> {
                for p in photos {
                    sqlx::query(
                        "INSERT INTO photos (id, case_id, position, kind, format, width, height, \
                         bytes, sha256, blob_key, metadata_removed, quality_warnings, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(p.id)
                    .bind(p.case_id)
                    .bind(p.position)
                    .bind(&p.kind)
                    .bind(&p.format)
                    .bind(p.width)
                    .bind(p.height)
                    .bind(p.bytes)
                    .bind(&p.sha256)
                    .bind(&p.blob_key)
                    .bind(&p.metadata_removed)
                    .bind(&p.quality_warnings)
                    .bind(p.created_at)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            pub(crate) async fn effects_in(
                tx: &mut sqlx::Transaction<'_, <Self as $crate::db::Backend>::Db>,
                fx: &$crate::db::Effects,
            ) -> Result<(), $crate::db::RepoError> {
                for n in &fx.notify {
                    sqlx::query(
                        "INSERT INTO outbox (id, recipient_id, event, case_id, payload, \
                         created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                    )
                    .bind(n.id)
                    .bind(n.recipient_id)
                    .bind(&n.event)
                    .bind(n.case_id)
                    .bind(&n.payload)
                    .bind(n.created_at)
                    .execute(&mut **tx)
                    .await?;
                }
                if fx.audit.is_empty() {
                    return Ok(());
                }
                let (mut seq, mut prev): (i64, String) = sqlx::query_as(
                    "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
                )
                .fetch_one(&mut **tx)
                .await?;
                for e in &fx.audit {
                    seq += 1;
                    let hash = $crate::audit::chain::link_hash(&prev, seq, e);
                    sqlx::query(
                        "INSERT INTO audit_log (seq, at, actor_id, action, target_type, target_id, \
                         case_id, territory_code, request_id, detail, prev_hash, hash) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(seq)
                    .bind(e.at)
                    .bind(e.actor_id)
                    .bind(&e.action)
                    .bind(&e.target_type)
                    .bind(&e.target_id)
                    .bind(e.case_id)
                    .bind(&e.territory)
                    .bind(&e.request_id)
                    .bind(&e.detail)
                    .bind(&prev)
                    .bind(&hash)
                    .execute(&mut **tx)
                    .await?;
                    prev = hash;
                }
                sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                    .bind(seq)
                    .bind(&prev)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::db::AuditRepo for $repo {
            async fn record(&self, fx: &$crate::db::Effects) -> Result<(), $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_entries(
                &self,
                f: &$crate::db::AuditFilter,
            ) -> Result<Vec<$crate::db::AuditRecord>, $crate::db::RepoError> {
                let mut sql = String::from(
                    "SELECT seq, at, actor_id, action, target_type, target_id, case_id, \
                     territory_code, request_id, detail, prev_hash, hash FROM audit_log \
                     WHERE ($1 IS NULL OR case_id = $1) AND ($2 IS NULL OR actor_id = $2) \
                     AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR at >= $4) \
                     AND ($5 IS NULL OR at < $5) AND ($6 IS NULL OR seq < $6)",
                );
                if let Some(ts) = &f.territories {
                    if ts.is_empty() {
                        return Ok(Vec::new());
                    }
                    sql.push_str(&format!(
                        " AND territory_code IN ({})",
                        $crate::db::common_queue::placeholders(8, ts.len())
                    ));
                }
                sql.push_str(" ORDER BY seq DESC LIMIT $7");
                let mut q = sqlx::query_as(&sql)
                    .bind(f.case_id)
                    .bind(f.actor_id)
                    .bind(&f.action)
                    .bind(f.from)
                    .bind(f.to)
                    .bind(f.before_seq)
                    .bind(f.limit);
                for t in f.territories.iter().flatten() {
                    q = q.bind(t);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn audit_chain(
                &self,
                after_seq: i64,
                limit: i64,
            ) -> Result<Vec<$crate::db::AuditRecord>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT seq, at, actor_id, action, target_type, target_id, case_id, \
                     territory_code, request_id, detail, prev_hash, hash FROM audit_log \
                     WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after_seq)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn audit_head(&self) -> Result<(i64, String), $crate::db::RepoError> {
                Ok(sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await?)
            }
        }

        #[async_trait::async_trait]
        impl $crate::db::OutboxRepo for $repo {
            async fn take_due_notifications(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                lock_until: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> Result<Vec<$crate::db::PendingNotification>, $crate::db::RepoError> {
                let sql = format!(
                    "UPDATE outbox SET locked_until = $2 WHERE id IN (SELECT id FROM outbox \
                     WHERE delivered_at IS NULL AND parked_at IS NULL AND next_attempt_at <= $1 \
                     AND (locked_until IS NULL OR locked_until <= $1) \
                     ORDER BY next_attempt_at LIMIT $3 {}) RETURNING id",
                    $lock
                );
                let ids: Vec<(uuid::Uuid,)> = sqlx::query_as(&sql)
                    .bind(now)
                    .bind(lock_until)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT o.id, o.recipient_id, o.event, o.case_id, o.payload, o.attempts, \
                     CASE WHEN u.disabled_at IS NULL THEN u.webhook_url END AS webhook_url, \
                     s.master_key_id AS secret_key_id, s.sealed AS secret_sealed \
                     FROM outbox o JOIN users u ON u.id = o.recipient_id \
                     LEFT JOIN webhook_secrets s ON s.user_id = o.recipient_id \
                     WHERE o.id IN ({}) ORDER BY o.next_attempt_at, o.id",
                    $crate::db::common_queue::placeholders(1, ids.len())
                );
                let mut q = sqlx::query_as(&sql);
                for (id,) in &ids {
                    q = q.bind(*id);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn notification_delivered(
                &self,
                id: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::db::RepoError> {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, delivered_at = $2, \
                     locked_until = NULL, last_error = NULL WHERE id = $1",
                )
                .bind(id)
                .bind(at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn notification_failed(
                &self,
                id: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
                retry_at: Option<chrono::DateTime<chrono::Utc>>,
                error: &str,
            ) -> Result<(), $crate::db::RepoError> {
                let q = match retry_at {
                    Some(next) => sqlx::query(
                        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, \
                         locked_until = NULL, last_error = $3 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(next),
                    None => sqlx::query(
                        "UPDATE outbox SET attempts = attempts + 1, parked_at = $2, \
                         locked_until = NULL, last_error = $3 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(at),
                };
                q.bind(error).execute(&self.pool).await?;
                Ok(())
            }

            async fn notifications(
                &self,
                parked_only: bool,
                case_id: Option<uuid::Uuid>,
                limit: i64,
            ) -> Result<Vec<$crate::db::NotificationRecord>, $crate::db::RepoError> {
                let sql = format!(
                    "SELECT id, recipient_id, event, case_id, created_at, attempts, \
                     next_attempt_at, delivered_at, parked_at, last_error FROM outbox \
                     WHERE ($1 IS NULL OR case_id = $1) {} \
                     ORDER BY created_at DESC, id LIMIT $2",
                    if parked_only { "AND parked_at IS NOT NULL" } else { "" }
                );
                Ok(sqlx::query_as(&sql)
                    .bind(case_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn retry_notification(
                &self,
                id: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<bool, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                let moved = sqlx::query(
                    "UPDATE outbox SET parked_at = NULL, next_attempt_at = $2, attempts = 0 \
                     WHERE id = $1 AND parked_at IS NOT NULL",
                )
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if moved != 1 {
                    return Ok(false);
                }
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

pub(crate) use impl_effects;
