//! `QueueRepo` in SQL both backends accept (see `common`); `$lock` is the row-locking clause of
//! claim-next: `FOR UPDATE SKIP LOCKED` on PostgreSQL (concurrent claimers skip each other's row),
//! nothing on SQLite (a single writer, and the whole UPDATE is one atomic statement).

/// `$first, $first+1, ...` for an IN list of `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The condition for a queued case one may take: of `n` territories from `$first`, or offered
/// to the fallbacks by one of `m` territories after them.
pub(crate) fn takeable(first: usize, n: usize, m: usize) -> String {
    let mut parts = Vec::new();
    if n > 0 {
        parts.push(format!("territory_code IN ({})", placeholders(first, n)));
    }
    if m > 0 {
        parts.push(format!(
            "(offered_at IS NOT NULL AND territory_code IN ({}))",
            placeholders(first + n, m)
        ));
    }
    format!("({})", parts.join(" OR "))
}

/// Queue order: urgent first, then earliest due (unknown due last), then earliest submitted.
pub(crate) const QUEUE_ORDER: &str = "CASE priority WHEN 'urgent' THEN 0 ELSE 1 END, \
     CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, submitted_at, id";

pub(crate) const INSERT_EVENT: &str = "INSERT INTO case_events \
     (case_id, at, actor_id, kind, from_status, to_status) VALUES ($1, $2, $3, $4, $5, $6)";

macro_rules! impl_queue_repo {
    ($repo:ty, $lock:literal) => {
        #[async_trait::async_trait]
        impl $crate::db::QueueRepo for $repo {
            async fn oncall_territories(
                &self,
                dermatologist: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<String>, $crate::db::RepoError> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT DISTINCT territory_code FROM oncall_shifts \
                     WHERE dermatologist_id = $1 AND starts_at <= $2 AND ends_at > $2 \
                     ORDER BY territory_code",
                )
                .bind(dermatologist)
                .bind(at)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(t,)| t).collect())
            }

            async fn uncovered_territories_falling_back_to(
                &self,
                covering: &[String],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<String>, $crate::db::RepoError> {
                if covering.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT DISTINCT f.territory_code FROM territory_fallbacks f \
                     WHERE f.fallback_code IN ({}) AND NOT EXISTS ( \
                        SELECT 1 FROM oncall_shifts s WHERE s.territory_code = f.territory_code \
                        AND s.starts_at <= $1 AND s.ends_at > $1) \
                     ORDER BY f.territory_code",
                    $crate::db::common_queue::placeholders(2, covering.len())
                );
                let mut q = sqlx::query_as::<_, (String,)>(&sql).bind(at);
                for t in covering {
                    q = q.bind(t);
                }
                Ok(q.fetch_all(&self.pool).await?.into_iter().map(|(t,)| t).collect())
            }

            async fn covered(
                &self,
                territory: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<bool, $crate::db::RepoError> {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM oncall_shifts \
                     WHERE territory_code = $1 AND starts_at <= $2 AND ends_at > $2",
                )
                .bind(territory)
                .bind(at)
                .fetch_one(&self.pool)
                .await?;
                Ok(n > 0)
            }

            async fn territories_falling_back_to(
                &self,
                covering: &[String],
            ) -> Result<Vec<String>, $crate::db::RepoError> {
                if covering.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT DISTINCT territory_code FROM territory_fallbacks \
                     WHERE fallback_code IN ({}) ORDER BY territory_code",
                    $crate::db::common_queue::placeholders(1, covering.len())
                );
                let mut q = sqlx::query_as::<_, (String,)>(&sql);
                for t in covering {
                    q = q.bind(t);
                }
                Ok(q.fetch_all(&self.pool).await?.into_iter().map(|(t,)| t).collect())
            }

            async fn queued_cases(
                &self,
                territories: &[String],
                offered_from: &[String],
                limit: i64,
            ) -> Result<Vec<$crate::db::CaseRecord>, $crate::db::RepoError> {
                if territories.is_empty() && offered_from.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT {} FROM cases WHERE status = 'queued' AND {} ORDER BY {} LIMIT $1",
                    $crate::db::common_cases::CASE_COLUMNS,
                    $crate::db::common_queue::takeable(2, territories.len(), offered_from.len()),
                    $crate::db::common_queue::QUEUE_ORDER,
                );
                let mut q = sqlx::query_as(&sql).bind(limit);
                for t in territories.iter().chain(offered_from) {
                    q = q.bind(t);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn claim(
                &self,
                case_id: uuid::Uuid,
                dermatologist: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
                lease_until: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<$crate::db::ClaimOutcome, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                let claimed: Option<(uuid::Uuid,)> = sqlx::query_as(
                    "UPDATE cases SET status = 'claimed', claimed_by = $1, lease_until = $2 \
                     WHERE id = $3 AND status = 'queued' RETURNING id",
                )
                .bind(dermatologist)
                .bind(lease_until)
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
                if claimed.is_none() {
                    tx.rollback().await?;
                    let exists: Option<(String,)> =
                        sqlx::query_as("SELECT status FROM cases WHERE id = $1")
                            .bind(case_id)
                            .fetch_optional(&self.pool)
                            .await?;
                    return Ok(match exists {
                        Some(_) => $crate::db::ClaimOutcome::NotQueued,
                        None => $crate::db::ClaimOutcome::NotFound,
                    });
                }
                Self::event_in(&mut tx, case_id, at, Some(dermatologist), "claimed", "queued", "claimed")
                    .await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok($crate::db::ClaimOutcome::Claimed)
            }

            async fn claim_next(
                &self,
                territories: &[String],
                offered_from: &[String],
                dermatologist: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
                lease_until: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<Option<uuid::Uuid>, $crate::db::RepoError> {
                if territories.is_empty() && offered_from.is_empty() {
                    return Ok(None);
                }
                let sql = format!(
                    "UPDATE cases SET status = 'claimed', claimed_by = $1, lease_until = $2 \
                     WHERE id = (SELECT id FROM cases \
                        WHERE status = 'queued' AND {} \
                        ORDER BY {} LIMIT 1 {}) \
                     AND status = 'queued' RETURNING id, territory_code",
                    $crate::db::common_queue::takeable(3, territories.len(), offered_from.len()),
                    $crate::db::common_queue::QUEUE_ORDER,
                    $lock,
                );
                let mut tx = self.pool.begin().await?;
                let mut q = sqlx::query_as::<_, (uuid::Uuid, String)>(&sql)
                    .bind(dermatologist)
                    .bind(lease_until);
                for t in territories.iter().chain(offered_from) {
                    q = q.bind(t);
                }
                let Some((case_id, territory)) = q.fetch_optional(&mut *tx).await? else {
                    tx.rollback().await?;
                    return Ok(None);
                };
                Self::event_in(&mut tx, case_id, at, Some(dermatologist), "claimed", "queued", "claimed")
                    .await?;
                Self::effects_in(&mut tx, &fx.for_case(case_id, &territory)).await?;
                tx.commit().await?;
                Ok(Some(case_id))
            }

            async fn release(
                &self,
                case_id: uuid::Uuid,
                dermatologist: uuid::Uuid,
                at: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<bool, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                let released = sqlx::query(
                    "UPDATE cases SET status = 'queued', claimed_by = NULL, lease_until = NULL \
                     WHERE id = $1 AND status = 'claimed' AND claimed_by = $2",
                )
                .bind(case_id)
                .bind(dermatologist)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if released != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                Self::event_in(&mut tx, case_id, at, Some(dermatologist), "released", "claimed", "queued")
                    .await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn expire_leases(
                &self,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<uuid::Uuid>, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                let expired: Vec<(uuid::Uuid, String, Option<uuid::Uuid>)> = sqlx::query_as(
                    "UPDATE cases SET status = 'queued', claimed_by = NULL, lease_until = NULL \
                     WHERE status = 'claimed' AND lease_until < $1 \
                     RETURNING id, territory_code, (SELECT e.actor_id FROM case_events e \
                        WHERE e.case_id = cases.id AND e.kind = 'claimed' \
                        ORDER BY e.seq DESC LIMIT 1)",
                )
                .bind(at)
                .fetch_all(&mut *tx)
                .await?;
                let mut fx = $crate::db::Effects::default();
                for (case_id, territory, holder) in &expired {
                    fx.audit.push($crate::db::AuditEntry {
                        at,
                        actor_id: None,
                        action: "case.lease_expired".into(),
                        target_type: "case".into(),
                        target_id: Some(case_id.to_string()),
                        case_id: Some(*case_id),
                        territory: Some(territory.clone()),
                        request_id: None,
                        detail: holder.map(|h| serde_json::json!({ "held_by": h }).to_string()),
                    });
                    Self::event_in(&mut tx, *case_id, at, None, "lease_expired", "claimed", "queued")
                        .await?;
                }
                Self::effects_in(&mut tx, &fx).await?;
                tx.commit().await?;
                Ok(expired.into_iter().map(|(id, _, _)| id).collect())
            }

            async fn events(
                &self,
                case_id: uuid::Uuid,
            ) -> Result<Vec<$crate::db::EventRecord>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT seq, case_id, at, actor_id, kind, from_status, to_status \
                     FROM case_events WHERE case_id = $1 ORDER BY seq",
                )
                .bind(case_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn claimed_by(
                &self,
                case_id: uuid::Uuid,
            ) -> Result<Option<uuid::Uuid>, $crate::db::RepoError> {
                let row: Option<(Option<uuid::Uuid>,)> = sqlx::query_as(
                    "SELECT claimed_by FROM cases WHERE id = $1 AND status = 'claimed'",
                )
                .bind(case_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.and_then(|(c,)| c))
            }
        }
    };
}

pub(crate) use impl_queue_repo;
