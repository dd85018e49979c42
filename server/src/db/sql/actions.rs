//! `ActionRepo`: answers, requests for information, replies, cancel, close and outcomes. Each
//! change is one conditional update of the case (status and actor checked in the statement),
//! its record and its event, in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    cases::photos_in,
    effects::effects_in,
    transitions::{event_in, transition_event_in, StatusChange},
    Backend, Query, SqlRepo, Tx,
};
use crate::db::{
    ActionRepo, AnswerRecord, Effects, InfoRequestRecord, OutcomeRecord, PhotoRecord, ReplyRoute,
    RepoError, SlaTimes,
};
use crate::domain::{lifecycle::Transition, CaseStatus};

#[async_trait]
impl<B: Backend> ActionRepo for SqlRepo<B> {
    async fn answer(&self, a: &AnswerRecord, fx: &Effects) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let moved = StatusChange::of(Transition::Answer, "id = $1 AND claimed_by = $2")
            .set(
                "claimed_by = NULL, lease_until = NULL, answered_at = $3, \
                 first_response_at = COALESCE(first_response_at, $3), \
                 first_responder = COALESCE(first_responder, $2)",
            )
            .bind(a.case_id)
            .bind(a.dermatologist_id)
            .bind(a.answered_at)
            .apply(&mut tx)
            .await?;
        if !moved {
            return Ok(false);
        }
        tx.execute(
            Query::new(
                "INSERT INTO answers (case_id, dermatologist_id, answered_at, management, \
                 delay_days, sealed) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(a.case_id)
            .bind(a.dermatologist_id)
            .bind(a.answered_at)
            .bind(a.management.as_str())
            .bind(a.delay_days)
            .bind(a.sealed.as_slice()),
        )
        .await?;
        transition_event_in(
            &mut tx,
            a.case_id,
            a.answered_at,
            Some(a.dermatologist_id),
            Transition::Answer,
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn request_info(&self, r: &InfoRequestRecord, fx: &Effects) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let moved = StatusChange::of(Transition::RequestInfo, "id = $1 AND claimed_by = $2")
            .set(
                "info_requested_by = $2, claimed_by = NULL, lease_until = NULL, paused_at = $3, \
                 first_response_at = COALESCE(first_response_at, $3), \
                 first_responder = COALESCE(first_responder, $2), info_requested = TRUE, \
                 new_photos_requested = (new_photos_requested OR $4)",
            )
            .bind(r.case_id)
            .bind(r.dermatologist_id)
            .bind(r.asked_at)
            .bind(r.wants_new_photos)
            .apply(&mut tx)
            .await?;
        if !moved {
            return Ok(false);
        }
        tx.execute(
            Query::new(
                "INSERT INTO info_requests (id, case_id, dermatologist_id, asked_at, \
                 wants_new_photos, sealed) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(r.id)
            .bind(r.case_id)
            .bind(r.dermatologist_id)
            .bind(r.asked_at)
            .bind(r.wants_new_photos)
            .bind(r.sealed.as_slice()),
        )
        .await?;
        transition_event_in(
            &mut tx,
            r.case_id,
            r.asked_at,
            Some(r.dermatologist_id),
            Transition::RequestInfo,
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn reply(
        &self,
        case_id: Uuid,
        gp: Uuid,
        at: DateTime<Utc>,
        sealed_reply: &[u8],
        photos: &[PhotoRecord],
        route: ReplyRoute,
        sla: Option<SlaTimes>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let (claimed_by, lease_until) = match route {
            ReplyRoute::BackTo {
                dermatologist,
                lease_until,
            } => (Some(dermatologist), Some(lease_until)),
            ReplyRoute::Queue => (None, None),
        };
        let transition = Transition::Reply {
            back_to_asker: matches!(route, ReplyRoute::BackTo { .. }),
        };
        let mut tx = self.db.begin().await?;
        let moved = StatusChange::of(transition, "id = $1 AND gp_id = $2")
            .set(
                "claimed_by = $3, lease_until = $4, info_requested_by = NULL, paused_at = NULL, \
                 remind_at = COALESCE($5, remind_at), warn_at = COALESCE($6, warn_at), \
                 due_at = COALESCE($7, due_at)",
            )
            .bind(case_id)
            .bind(gp)
            .bind(claimed_by)
            .bind(lease_until)
            .bind(sla.map(|t| t.remind_at))
            .bind(sla.map(|t| t.warn_at))
            .bind(sla.map(|t| t.due_at))
            .apply(&mut tx)
            .await?;
        if !moved {
            return Ok(false);
        }
        tx.execute(
            Query::new(
                "UPDATE info_requests SET replied_at = $2, reply_sealed = $3 \
                 WHERE case_id = $1 AND replied_at IS NULL",
            )
            .bind(case_id)
            .bind(at)
            .bind(sealed_reply),
        )
        .await?;
        photos_in(&mut tx, photos).await?;
        transition_event_in(&mut tx, case_id, at, Some(gp), transition).await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn cancel(
        &self,
        case_id: Uuid,
        gp: Uuid,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let moved = StatusChange::of(Transition::Cancel, "id = $1 AND gp_id = $2")
            .bind(case_id)
            .bind(gp)
            .apply(&mut tx)
            .await?;
        if !moved {
            return Ok(false);
        }
        transition_event_in(&mut tx, case_id, at, Some(gp), Transition::Cancel).await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn close(
        &self,
        case_id: Uuid,
        gp: Uuid,
        at: DateTime<Utc>,
        rating: Option<i32>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let moved = StatusChange::of(Transition::Close, "id = $1 AND gp_id = $2")
            .set("usefulness = $3")
            .bind(case_id)
            .bind(gp)
            .bind(rating)
            .apply(&mut tx)
            .await?;
        if !moved {
            return Ok(false);
        }
        transition_event_in(&mut tx, case_id, at, Some(gp), Transition::Close).await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn merge_outcome(
        &self,
        o: &OutcomeRecord,
        status: CaseStatus,
        fx: &Effects,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.begin().await?;
        // One statement merges field by field against the row as it is now, so two writers of
        // different fields both keep theirs (no read-then-write window).
        tx.execute(
            Query::new(
                "INSERT INTO outcomes (case_id, in_person_date, biopsy_date, histology_date, \
                 histology_sealed, treatment_date, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (case_id) DO UPDATE SET \
                 in_person_date = COALESCE(excluded.in_person_date, outcomes.in_person_date), \
                 biopsy_date = COALESCE(excluded.biopsy_date, outcomes.biopsy_date), \
                 histology_date = COALESCE(excluded.histology_date, outcomes.histology_date), \
                 histology_sealed = COALESCE(excluded.histology_sealed, outcomes.histology_sealed), \
                 treatment_date = COALESCE(excluded.treatment_date, outcomes.treatment_date), \
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(o.case_id)
            .bind(o.in_person_date)
            .bind(o.biopsy_date)
            .bind(o.histology_date)
            .bind(o.histology_sealed.as_deref())
            .bind(o.treatment_date)
            .bind(o.updated_at)
            .bind(o.updated_by),
        )
        .await?;
        event_in(
            &mut tx,
            o.case_id,
            o.updated_at,
            Some(o.updated_by),
            "outcome_recorded",
            Some(status),
            status,
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn outcome_of(&self, case_id: Uuid) -> Result<Option<OutcomeRecord>, RepoError> {
        let q = Query::new(
            "SELECT case_id, in_person_date, biopsy_date, histology_date, histology_sealed, \
             treatment_date, updated_at, updated_by FROM outcomes WHERE case_id = $1",
        )
        .bind(case_id);
        Ok(self.db.fetch_optional(q).await?)
    }

    async fn answer_of(&self, case_id: Uuid) -> Result<Option<AnswerRecord>, RepoError> {
        let q = Query::new(
            "SELECT case_id, dermatologist_id, answered_at, management, delay_days, sealed \
             FROM answers WHERE case_id = $1",
        )
        .bind(case_id);
        Ok(self.db.fetch_optional(q).await?)
    }

    async fn info_requests_of(&self, case_id: Uuid) -> Result<Vec<InfoRequestRecord>, RepoError> {
        let q = Query::new(
            "SELECT id, case_id, dermatologist_id, asked_at, wants_new_photos, sealed, \
             replied_at, reply_sealed FROM info_requests WHERE case_id = $1 \
             ORDER BY asked_at, id",
        )
        .bind(case_id);
        Ok(self.db.fetch_all(q).await?)
    }
}
