//! `SlaRepo` in SQL both backends accept (see `common`).

macro_rules! impl_sla_repo {
    ($repo:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::SlaRepo for $repo {
            async fn sla_policies(
                &self,
                territory: &str,
            ) -> Result<Vec<$crate::db::SlaPolicyRecord>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT territory_code, priority, CAST(target_minutes AS BIGINT) AS \
                     target_minutes, clock, updated_at, updated_by FROM sla_policies \
                     WHERE territory_code = $1 ORDER BY priority DESC",
                )
                .bind(territory)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn save_sla_policy(
                &self,
                p: &$crate::db::SlaPolicyRecord,
                fx: &$crate::db::Effects,
            ) -> Result<(), $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO sla_policies (territory_code, priority, target_minutes, clock, \
                     updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (territory_code, priority) DO UPDATE SET \
                     target_minutes = $3, clock = $4, updated_at = $5, updated_by = $6",
                )
                .bind(&p.territory_code)
                .bind(&p.priority)
                .bind(p.target_minutes as i32)
                .bind(&p.clock)
                .bind(p.updated_at)
                .bind(p.updated_by)
                .execute(&mut *tx)
                .await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn sla_candidates(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> Result<Vec<$crate::db::SlaCandidate>, $crate::db::RepoError> {
                Ok(sqlx::query_as(
                    "SELECT * FROM (SELECT c.id, c.territory_code, c.status, c.remind_at, \
                     c.warn_at, c.due_at, \
                     EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id AND s.step = 'remind') \
                        AS reminded, \
                     EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id AND s.step = 'offer') \
                        AS offered, \
                     EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id AND s.step = 'breach') \
                        AS breached \
                     FROM cases c WHERE c.status IN ('queued', 'claimed') \
                     AND c.due_at IS NOT NULL AND c.remind_at <= $1) AS d \
                     WHERE (d.status = 'queued' AND NOT d.reminded) \
                        OR (d.warn_at <= $1 AND NOT d.offered) \
                        OR (d.due_at <= $1 AND NOT d.breached) \
                     ORDER BY d.due_at, d.id LIMIT $2",
                )
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn take_sla_step(
                &self,
                case_id: uuid::Uuid,
                step: $crate::db::SlaStep,
                at: chrono::DateTime<chrono::Utc>,
                fx: &$crate::db::Effects,
            ) -> Result<bool, $crate::db::RepoError> {
                let mut tx = self.pool.begin().await?;
                // Locks the case row first: an answer racing this step waits, or wins.
                let guard = match step {
                    $crate::db::SlaStep::Remind => {
                        "UPDATE cases SET status = status WHERE id = $1 AND status = 'queued' \
                         RETURNING status"
                    }
                    $crate::db::SlaStep::Offer => {
                        "UPDATE cases SET offered_at = COALESCE(offered_at, $2) WHERE id = $1 \
                         AND status IN ('queued', 'claimed') RETURNING status"
                    }
                    $crate::db::SlaStep::Breach => {
                        "UPDATE cases SET status = status WHERE id = $1 \
                         AND status IN ('queued', 'claimed') RETURNING status"
                    }
                };
                let mut q = sqlx::query_as::<_, (String,)>(guard).bind(case_id);
                if step == $crate::db::SlaStep::Offer {
                    q = q.bind(at);
                }
                let Some((status,)) = q.fetch_optional(&mut *tx).await? else {
                    return Ok(false);
                };
                let taken = sqlx::query(
                    "INSERT INTO sla_steps (case_id, step, at) VALUES ($1, $2, $3) \
                     ON CONFLICT (case_id, step) DO NOTHING",
                )
                .bind(case_id)
                .bind(step.as_str())
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if taken != 1 {
                    return Ok(false);
                }
                Self::event_in(&mut tx, case_id, at, None, step.event(), status.as_str(), &status)
                    .await?;
                Self::effects_in(&mut tx, fx).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn notifiable_oncall(
                &self,
                territories: &[String],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<uuid::Uuid>, $crate::db::RepoError> {
                if territories.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT DISTINCT u.id FROM oncall_shifts s JOIN users u \
                     ON u.id = s.dermatologist_id WHERE s.territory_code IN ({}) \
                     AND s.starts_at <= $1 AND s.ends_at > $1 AND u.disabled_at IS NULL \
                     AND u.webhook_url IS NOT NULL ORDER BY u.id",
                    $crate::db::common_queue::placeholders(2, territories.len())
                );
                let mut q = sqlx::query_as::<_, (uuid::Uuid,)>(&sql).bind(at);
                for t in territories {
                    q = q.bind(t);
                }
                Ok(q.fetch_all(&self.pool).await?.into_iter().map(|(id,)| id).collect())
            }

            async fn notifiable_coordinators(
                &self,
                territory: &str,
            ) -> Result<Vec<uuid::Uuid>, $crate::db::RepoError> {
                let rows: Vec<(uuid::Uuid,)> = sqlx::query_as(
                    "SELECT u.id FROM coordinator_territories c JOIN users u ON u.id = c.user_id \
                     WHERE c.territory_code = $1 AND u.disabled_at IS NULL \
                     AND u.webhook_url IS NOT NULL ORDER BY u.id",
                )
                .bind(territory)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn report_rows(
                &self,
                territories: Option<&[String]>,
                from: chrono::DateTime<chrono::Utc>,
                to: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<$crate::db::ReportRow>, $crate::db::RepoError> {
                let mut sql = String::from(
                    "SELECT c.id, c.territory_code, c.priority, c.status, c.submitted_at, \
                     c.first_response_at, c.first_responder, c.warn_at, c.due_at, a.answered_at, \
                     EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id \
                        AND s.step = 'breach') AS breached, \
                     EXISTS (SELECT 1 FROM info_requests i WHERE i.case_id = c.id) \
                        AS info_requested, \
                     EXISTS (SELECT 1 FROM info_requests i WHERE i.case_id = c.id \
                        AND i.wants_new_photos) AS new_photos_requested, \
                     o.in_person_date, o.biopsy_date, o.histology_date \
                     FROM cases c LEFT JOIN answers a ON a.case_id = c.id \
                     LEFT JOIN outcomes o ON o.case_id = c.id \
                     WHERE c.submitted_at >= $1 AND c.submitted_at < $2",
                );
                if let Some(ts) = territories {
                    if ts.is_empty() {
                        return Ok(Vec::new());
                    }
                    sql.push_str(&format!(
                        " AND c.territory_code IN ({})",
                        $crate::db::common_queue::placeholders(3, ts.len())
                    ));
                }
                sql.push_str(" ORDER BY c.submitted_at, c.id");
                let mut q = sqlx::query_as(&sql).bind(from).bind(to);
                for t in territories.into_iter().flatten() {
                    q = q.bind(t);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }
        }
    };
}

pub(crate) use impl_sla_repo;
