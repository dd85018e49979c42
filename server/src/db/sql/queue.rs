//! `QueueRepo`: who is on call where, queued cases in order, exclusive claims, leases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    cases::{event_in, CASE_COLUMNS},
    effects::effects_in,
    placeholders, Backend, Query, SqlRepo, Tx,
};
use crate::db::{AuditEntry, CaseRecord, ClaimOutcome, Effects, EventRecord, QueueRepo, RepoError};
use crate::domain::CaseStatus;

/// The condition for a queued case one may take: of `n` territories from `$first`, or offered
/// to the fallbacks by one of `m` territories after them.
fn takeable(first: usize, n: usize, m: usize) -> String {
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
const QUEUE_ORDER: &str = "CASE priority WHEN 'urgent' THEN 0 ELSE 1 END, \
     CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, submitted_at, id";

#[async_trait]
impl<B: Backend> QueueRepo for SqlRepo<B> {
    async fn oncall_territories(
        &self,
        dermatologist: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Vec<String>, RepoError> {
        let q = Query::new(
            "SELECT DISTINCT territory_code FROM oncall_shifts \
             WHERE dermatologist_id = $1 AND starts_at <= $2 AND ends_at > $2 \
             ORDER BY territory_code",
        )
        .bind(dermatologist)
        .bind(at);
        let rows: Vec<(String,)> = self.db.fetch_all(q).await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    async fn uncovered_territories_falling_back_to(
        &self,
        covering: &[String],
        at: DateTime<Utc>,
    ) -> Result<Vec<String>, RepoError> {
        if covering.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::new(format!(
            "SELECT DISTINCT f.territory_code FROM territory_fallbacks f \
             WHERE f.fallback_code IN ({}) AND NOT EXISTS ( \
                SELECT 1 FROM oncall_shifts s WHERE s.territory_code = f.territory_code \
                AND s.starts_at <= $1 AND s.ends_at > $1) \
             ORDER BY f.territory_code",
            placeholders(2, covering.len())
        ))
        .bind(at)
        .bind_all(covering);
        let rows: Vec<(String,)> = self.db.fetch_all(q).await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    async fn covered(&self, territory: &str, at: DateTime<Utc>) -> Result<bool, RepoError> {
        let q = Query::new(
            "SELECT COUNT(*) FROM oncall_shifts \
             WHERE territory_code = $1 AND starts_at <= $2 AND ends_at > $2",
        )
        .bind(territory)
        .bind(at);
        let (n,): (i64,) = self.db.fetch_one(q).await?;
        Ok(n > 0)
    }

    async fn territories_falling_back_to(
        &self,
        covering: &[String],
    ) -> Result<Vec<String>, RepoError> {
        if covering.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::new(format!(
            "SELECT DISTINCT territory_code FROM territory_fallbacks \
             WHERE fallback_code IN ({}) ORDER BY territory_code",
            placeholders(1, covering.len())
        ))
        .bind_all(covering);
        let rows: Vec<(String,)> = self.db.fetch_all(q).await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    async fn queued_cases(
        &self,
        territories: &[String],
        offered_from: &[String],
        limit: i64,
    ) -> Result<Vec<CaseRecord>, RepoError> {
        if territories.is_empty() && offered_from.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::new(format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE status = 'queued' AND {} \
             ORDER BY {QUEUE_ORDER} LIMIT $1",
            takeable(2, territories.len(), offered_from.len()),
        ))
        .bind(limit)
        .bind_all(territories.iter().chain(offered_from));
        Ok(self.db.fetch_all(q).await?)
    }

    async fn claim(
        &self,
        case_id: Uuid,
        dermatologist: Uuid,
        at: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<ClaimOutcome, RepoError> {
        let mut tx = self.db.begin().await?;
        let claimed: Option<(Uuid,)> = tx
            .fetch_optional(
                Query::new(
                    "UPDATE cases SET status = 'claimed', claimed_by = $1, lease_until = $2 \
                     WHERE id = $3 AND status = 'queued' RETURNING id",
                )
                .bind(dermatologist)
                .bind(lease_until)
                .bind(case_id),
            )
            .await?;
        if claimed.is_none() {
            tx.rollback().await?;
            let exists: Option<(String,)> = self
                .db
                .fetch_optional(Query::new("SELECT status FROM cases WHERE id = $1").bind(case_id))
                .await?;
            return Ok(match exists {
                Some(_) => ClaimOutcome::NotQueued,
                None => ClaimOutcome::NotFound,
            });
        }
        event_in(
            &mut tx,
            case_id,
            at,
            Some(dermatologist),
            "claimed",
            Some(CaseStatus::Queued),
            CaseStatus::Claimed,
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(ClaimOutcome::Claimed)
    }

    async fn claim_next(
        &self,
        territories: &[String],
        offered_from: &[String],
        dermatologist: Uuid,
        at: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<Option<Uuid>, RepoError> {
        if territories.is_empty() && offered_from.is_empty() {
            return Ok(None);
        }
        let q = Query::new(format!(
            "UPDATE cases SET status = 'claimed', claimed_by = $1, lease_until = $2 \
             WHERE id = (SELECT id FROM cases \
                WHERE status = 'queued' AND {} \
                ORDER BY {QUEUE_ORDER} LIMIT 1 {}) \
             AND status = 'queued' RETURNING id, territory_code",
            takeable(3, territories.len(), offered_from.len()),
            B::SKIP_LOCKED,
        ))
        .bind(dermatologist)
        .bind(lease_until)
        .bind_all(territories.iter().chain(offered_from));
        let mut tx = self.db.begin().await?;
        let Some((case_id, territory)) = tx.fetch_optional::<(Uuid, String)>(q).await? else {
            tx.rollback().await?;
            return Ok(None);
        };
        event_in(
            &mut tx,
            case_id,
            at,
            Some(dermatologist),
            "claimed",
            Some(CaseStatus::Queued),
            CaseStatus::Claimed,
        )
        .await?;
        effects_in(&mut tx, &fx.for_case(case_id, &territory)).await?;
        tx.commit().await?;
        Ok(Some(case_id))
    }

    async fn release(
        &self,
        case_id: Uuid,
        dermatologist: Uuid,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let released = tx
            .execute(
                Query::new(
                    "UPDATE cases SET status = 'queued', claimed_by = NULL, lease_until = NULL \
                     WHERE id = $1 AND status = 'claimed' AND claimed_by = $2",
                )
                .bind(case_id)
                .bind(dermatologist),
            )
            .await?;
        if released != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        event_in(
            &mut tx,
            case_id,
            at,
            Some(dermatologist),
            "released",
            Some(CaseStatus::Claimed),
            CaseStatus::Queued,
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn expire_leases(&self, at: DateTime<Utc>) -> Result<Vec<Uuid>, RepoError> {
        let mut tx = self.db.begin().await?;
        let expired: Vec<(Uuid, String, Option<Uuid>)> = tx
            .fetch_all(
                Query::new(
                    "UPDATE cases SET status = 'queued', claimed_by = NULL, lease_until = NULL \
                     WHERE status = 'claimed' AND lease_until < $1 \
                     RETURNING id, territory_code, (SELECT e.actor_id FROM case_events e \
                        WHERE e.case_id = cases.id AND e.kind = 'claimed' \
                        ORDER BY e.seq DESC LIMIT 1)",
                )
                .bind(at),
            )
            .await?;
        let mut fx = Effects::default();
        for (case_id, territory, holder) in &expired {
            fx.audit.push(AuditEntry {
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
            event_in(
                &mut tx,
                *case_id,
                at,
                None,
                "lease_expired",
                Some(CaseStatus::Claimed),
                CaseStatus::Queued,
            )
            .await?;
        }
        effects_in(&mut tx, &fx).await?;
        tx.commit().await?;
        Ok(expired.into_iter().map(|(id, _, _)| id).collect())
    }

    async fn events(&self, case_id: Uuid) -> Result<Vec<EventRecord>, RepoError> {
        let q = Query::new(
            "SELECT seq, case_id, at, actor_id, kind, from_status, to_status \
             FROM case_events WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case_id);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn claimed_by(&self, case_id: Uuid) -> Result<Option<Uuid>, RepoError> {
        let q = Query::new("SELECT claimed_by FROM cases WHERE id = $1 AND status = 'claimed'")
            .bind(case_id);
        let row: Option<(Option<Uuid>,)> = self.db.fetch_optional(q).await?;
        Ok(row.and_then(|(c,)| c))
    }
}
