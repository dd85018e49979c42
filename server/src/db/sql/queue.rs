//! `QueueRepo`: who is on call where, queued cases in order, exclusive claims, leases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    effects::effects_in,
    transitions::{transition_event_in, StatusChange},
    Backend, Query, SqlRepo, Tx,
};
use crate::db::{
    AuditEntry, ClaimOutcome, Effects, EligibleTerritories, EventRecord, QueueRepo, QueuedRecord,
    RepoError,
};
use crate::domain::{lifecycle::Transition, CaseStatus};

/// The condition for a queued case one may take: of the territories listed in `$first`, or
/// offered to the fallbacks by one of those listed in the next parameter.
fn takeable<B: Backend>(first: usize) -> String {
    format!(
        "({} OR (offered_at IS NOT NULL AND {}))",
        B::in_list("territory_code", first),
        B::in_list("territory_code", first + 1)
    )
}

/// Queue order: urgent first, then earliest due (unknown due last), then earliest submitted.
/// Spelt as the index `cases_queue_order` (migration 0012) is, so that a queue is read in order
/// from it rather than sorted whole: keep the two the same.
const QUEUE_ORDER: &str = "CASE WHEN priority = 'urgent' THEN 0 ELSE 1 END, \
     CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, submitted_at, id";

#[async_trait]
impl<B: Backend> QueueRepo for SqlRepo<B> {
    async fn eligibility(
        &self,
        dermatologist: Uuid,
        at: DateTime<Utc>,
    ) -> Result<EligibleTerritories, RepoError> {
        let q = Query::new(
            "WITH mine AS ( \
                SELECT territory_code AS code FROM oncall_shifts \
                WHERE dermatologist_id = $1 AND starts_at <= $2 AND ends_at > $2), \
             take AS ( \
                SELECT code FROM mine \
                UNION \
                SELECT f.territory_code FROM territory_fallbacks f \
                WHERE f.fallback_code IN (SELECT code FROM mine) AND NOT EXISTS ( \
                    SELECT 1 FROM oncall_shifts s WHERE s.territory_code = f.territory_code \
                    AND s.starts_at <= $2 AND s.ends_at > $2)) \
             SELECT 'take' AS list, code FROM take \
             UNION \
             SELECT 'offered_from', territory_code FROM territory_fallbacks \
             WHERE fallback_code IN (SELECT code FROM take) \
             ORDER BY 1, 2",
        )
        .bind(dermatologist)
        .bind(at);
        let rows: Vec<(String, String)> = self.db.fetch_all(q).await?;
        let mut eligible = EligibleTerritories::default();
        for (list, code) in rows {
            match list.as_str() {
                "take" => eligible.take.push(code),
                _ => eligible.offered_from.push(code),
            }
        }
        Ok(eligible)
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

    async fn queued_cases(
        &self,
        territories: &[String],
        offered_from: &[String],
        limit: i64,
    ) -> Result<Vec<QueuedRecord>, RepoError> {
        if territories.is_empty() && offered_from.is_empty() {
            return Ok(Vec::new());
        }
        // One row per case, its key joined and its photo kinds kept on it (`photos_in`): a
        // queue page costs one query, not one per table. The photos are read only for a case
        // stored without its kinds (by a server older than migration 0016).
        let q = Query::new(format!(
            "SELECT id, territory_code, priority, age, sex, clinical, submitted_at, due_at, \
             remind_at, warn_at, k.case_id, k.master_key_id, k.wrapped, \
             COALESCE(photo_kinds, (SELECT string_agg(p.kind, ',' ORDER BY p.position) \
              FROM photos p WHERE p.case_id = cases.id)) AS photo_kinds \
             FROM cases JOIN data_keys k ON k.case_id = cases.id \
             WHERE status = $2 AND {} \
             ORDER BY {QUEUE_ORDER} LIMIT $1",
            takeable::<B>(3),
        ))
        .bind(limit)
        .bind(CaseStatus::Queued)
        .bind(territories)
        .bind(offered_from);
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
        let claimed = StatusChange::of(Transition::Claim, "id = $3")
            .set("claimed_by = $1, lease_until = $2")
            .bind(dermatologist)
            .bind(lease_until)
            .bind(case_id)
            .apply(&mut tx)
            .await?;
        if !claimed {
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
        transition_event_in(&mut tx, case_id, at, Some(dermatologist), Transition::Claim).await?;
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
        // The first case of the queue, skipping those another claimer is taking (PostgreSQL).
        let first = format!(
            "id = (SELECT id FROM cases WHERE status = $3 AND {} \
             ORDER BY {QUEUE_ORDER} LIMIT 1 {})",
            takeable::<B>(4),
            B::SKIP_LOCKED,
        );
        let change = StatusChange::of(Transition::Claim, first)
            .set("claimed_by = $1, lease_until = $2")
            .bind(dermatologist)
            .bind(lease_until)
            .bind(CaseStatus::Queued)
            .bind(territories)
            .bind(offered_from);
        let mut tx = self.db.begin().await?;
        let claimed: Vec<(Uuid, String)> = change
            .apply_returning(&mut tx, "id, territory_code")
            .await?;
        let Some((case_id, territory)) = claimed.into_iter().next() else {
            tx.rollback().await?;
            return Ok(None);
        };
        transition_event_in(&mut tx, case_id, at, Some(dermatologist), Transition::Claim).await?;
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
        let released = StatusChange::of(Transition::Release, "id = $1 AND claimed_by = $2")
            .set("claimed_by = NULL, lease_until = NULL")
            .bind(case_id)
            .bind(dermatologist)
            .apply(&mut tx)
            .await?;
        if !released {
            tx.rollback().await?;
            return Ok(false);
        }
        transition_event_in(
            &mut tx,
            case_id,
            at,
            Some(dermatologist),
            Transition::Release,
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn expire_leases(&self, at: DateTime<Utc>) -> Result<Vec<Uuid>, RepoError> {
        let mut tx = self.db.begin().await?;
        // Who held each claim: the actor of the case's last claim event.
        let expired: Vec<(Uuid, String, Option<Uuid>)> =
            StatusChange::of(Transition::LeaseExpiry, "lease_until < $1")
                .set("claimed_by = NULL, lease_until = NULL")
                .bind(at)
                .bind(Transition::Claim.name())
                .apply_returning(
                    &mut tx,
                    "id, territory_code, (SELECT e.actor_id FROM case_events e \
                     WHERE e.case_id = cases.id AND e.kind = $2 ORDER BY e.seq DESC LIMIT 1)",
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
            transition_event_in(&mut tx, *case_id, at, None, Transition::LeaseExpiry).await?;
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
        let q = Query::new("SELECT claimed_by FROM cases WHERE id = $1 AND status = $2")
            .bind(case_id)
            .bind(CaseStatus::Claimed);
        let row: Option<(Option<Uuid>,)> = self.db.fetch_optional(q).await?;
        Ok(row.and_then(|(c,)| c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telederm_schemas::cases::Priority;

    #[test]
    fn the_indexed_queue_order_names_urgent_as_it_is_stored() {
        let stored = format!("priority = '{}'", Priority::Urgent.as_str());
        assert!(QUEUE_ORDER.contains(&stored), "{QUEUE_ORDER}");
    }
}
