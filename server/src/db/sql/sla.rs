//! `SlaRepo`: response-time policies, the escalation ladder's steps (each taken once), who to
//! notify, and the rows the coordinators' reports are computed from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    effects::effects_in, placeholders, transitions::event_in, Backend, Query, SqlRepo, Tx,
};
use crate::db::{
    Effects, OpenCaseRow, RepoError, ReportRow, SlaCandidate, SlaPolicyRecord, SlaRepo, SlaStep,
    SlaSummaryRow, SummaryKey, TerritoryFigures,
};
use crate::domain::{CaseStatus, ChannelChoices, Recipient, Role};

/// The statuses in which the SLA clock runs and the ladder applies (queued first: a reminder
/// goes only to unclaimed cases).
const CLOCK_RUNS: [CaseStatus; 2] = [CaseStatus::Queued, CaseStatus::Claimed];

#[async_trait]
impl<B: Backend> SlaRepo for SqlRepo<B> {
    async fn sla_policies(&self, territory: &str) -> Result<Vec<SlaPolicyRecord>, RepoError> {
        let q = Query::new(
            "SELECT territory_code, priority, CAST(target_minutes AS BIGINT) AS \
             target_minutes, clock, updated_at, updated_by FROM sla_policies \
             WHERE territory_code = $1 ORDER BY priority DESC",
        )
        .bind(territory);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn save_sla_policy(&self, p: &SlaPolicyRecord, fx: &Effects) -> Result<(), RepoError> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            Query::new(
                "INSERT INTO sla_policies (territory_code, priority, target_minutes, clock, \
                 updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (territory_code, priority) DO UPDATE SET \
                 target_minutes = $3, clock = $4, updated_at = $5, updated_by = $6",
            )
            .bind(p.territory_code.as_str())
            .bind(p.priority)
            .bind(p.target_minutes as i32)
            .bind(p.clock)
            .bind(p.updated_at)
            .bind(p.updated_by),
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sla_candidates(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<SlaCandidate>, RepoError> {
        let q = Query::new(
            "SELECT * FROM (SELECT c.id, c.gp_id, c.territory_code, c.status, c.remind_at, \
             c.warn_at, c.due_at, \
             EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id AND s.step = $5) \
                AS reminded, \
             EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id AND s.step = $6) \
                AS offered, \
             EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id AND s.step = $7) \
                AS breached \
             FROM cases c WHERE c.status IN ($3, $4) \
             AND c.due_at IS NOT NULL AND c.remind_at <= $1) AS d \
             WHERE (d.status = $3 AND NOT d.reminded) \
                OR (d.warn_at <= $1 AND NOT d.offered) \
                OR (d.due_at <= $1 AND NOT d.breached) \
             ORDER BY d.due_at, d.id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .bind_all(CLOCK_RUNS)
        .bind_all([SlaStep::Remind, SlaStep::Offer, SlaStep::Breach].map(|s| s.as_str()));
        Ok(self.db.fetch_all(q).await?)
    }

    async fn take_sla_step(
        &self,
        case_id: Uuid,
        step: SlaStep,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        // Locks the case row first: an answer racing this step waits, or wins.
        let guard = match step {
            SlaStep::Remind => Query::new(
                "UPDATE cases SET status = status WHERE id = $1 AND status = $2 \
                 RETURNING status",
            )
            .bind(case_id)
            .bind(CaseStatus::Queued),
            SlaStep::Offer => Query::new(
                "UPDATE cases SET offered_at = COALESCE(offered_at, $2) WHERE id = $1 \
                 AND status IN ($3, $4) RETURNING status",
            )
            .bind(case_id)
            .bind(at)
            .bind_all(CLOCK_RUNS),
            SlaStep::Breach => Query::new(
                "UPDATE cases SET breach_noted = TRUE WHERE id = $1 \
                 AND status IN ($2, $3) RETURNING status",
            )
            .bind(case_id)
            .bind_all(CLOCK_RUNS),
        };
        let Some(StatusRow { status }) = tx.fetch_optional(guard).await? else {
            return Ok(false);
        };
        let taken = tx
            .execute(
                Query::new(
                    "INSERT INTO sla_steps (case_id, step, at) VALUES ($1, $2, $3) \
                     ON CONFLICT (case_id, step) DO NOTHING",
                )
                .bind(case_id)
                .bind(step.as_str())
                .bind(at),
            )
            .await?;
        if taken != 1 {
            return Ok(false);
        }
        event_in(
            &mut tx,
            case_id,
            at,
            None,
            step.event(),
            Some(status),
            status,
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn oncall_recipients(
        &self,
        territories: &[String],
        at: DateTime<Utc>,
    ) -> Result<Vec<Recipient>, RepoError> {
        if territories.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::new(format!(
            "SELECT {RECIPIENT_COLUMNS} FROM users u WHERE u.id IN (SELECT s.dermatologist_id \
             FROM oncall_shifts s WHERE s.territory_code IN ({}) \
             AND s.starts_at <= $1 AND s.ends_at > $1) AND u.disabled_at IS NULL ORDER BY u.id",
            placeholders(2, territories.len())
        ))
        .bind(at)
        .bind_all(territories);
        recipients(self.db.fetch_all(q).await?)
    }

    async fn territory_figures(
        &self,
        territories: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<TerritoryFigures>, RepoError> {
        if territories.is_empty() {
            return Ok(Vec::new());
        }
        let here = "c.territory_code = t.code";
        let q = Query::new(format!(
            "SELECT t.code, t.name, \
             (SELECT COUNT(*) FROM cases c WHERE {here} \
                AND c.submitted_at >= $1 AND c.submitted_at < $2) AS received, \
             (SELECT COUNT(*) FROM cases c WHERE {here} \
                AND c.first_response_at >= $1 AND c.first_response_at < $2) AS responded, \
             (SELECT COUNT(*) FROM sla_steps s JOIN cases c ON c.id = s.case_id WHERE {here} \
                AND s.step = $4 AND s.at >= $1 AND s.at < $2) AS breached, \
             (SELECT COUNT(*) FROM cases c WHERE {here} AND c.status IN ($5, $6)) AS open, \
             (SELECT COUNT(*) FROM cases c WHERE {here} AND c.status IN ($5, $6) \
                AND c.warn_at <= $3) AS at_risk \
             FROM territories t WHERE t.code IN ({}) ORDER BY t.code",
            placeholders(7, territories.len())
        ))
        .bind(from)
        .bind(to)
        .bind(now)
        .bind(SlaStep::Breach.as_str())
        .bind_all(CLOCK_RUNS)
        .bind_all(territories);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn coordinator_recipients(&self, territory: &str) -> Result<Vec<Recipient>, RepoError> {
        let q = Query::new(format!(
            "SELECT {RECIPIENT_COLUMNS} FROM coordinator_territories c \
             JOIN users u ON u.id = c.user_id \
             WHERE c.territory_code = $1 AND u.disabled_at IS NULL ORDER BY u.id"
        ))
        .bind(territory);
        recipients(self.db.fetch_all(q).await?)
    }

    async fn report_rows(
        &self,
        territories: Option<&[String]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReportRow>, RepoError> {
        let mut sql = String::from(
            "SELECT c.id, c.territory_code, c.priority, c.status, c.submitted_at, \
             c.first_response_at, c.first_responder, c.warn_at, c.due_at, a.answered_at, \
             EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id \
                AND s.step = $3) AS breached, \
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
                placeholders(4, ts.len())
            ));
        }
        sql.push_str(" ORDER BY c.submitted_at, c.id");
        let q = Query::new(sql)
            .bind(from)
            .bind(to)
            .bind(SlaStep::Breach.as_str())
            .bind_all(territories.into_iter().flatten());
        Ok(self.db.fetch_all(q).await?)
    }

    async fn sla_summary(
        &self,
        territories: Option<&[String]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
        key: SummaryKey,
    ) -> Result<Vec<SlaSummaryRow>, RepoError> {
        self.summary(territories, from, to, now, key).await
    }

    async fn open_cases(
        &self,
        territories: Option<&[String]>,
    ) -> Result<Vec<OpenCaseRow>, RepoError> {
        let mut sql = String::from(
            "SELECT c.id, c.territory_code, c.priority, c.status, c.submitted_at, \
             c.remind_at, c.warn_at, c.due_at FROM cases c WHERE c.status IN ($1, $2, $3)",
        );
        if let Some(ts) = territories {
            if ts.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(
                " AND c.territory_code IN ({})",
                placeholders(4, ts.len())
            ));
        }
        sql.push_str(" ORDER BY c.submitted_at, c.id");
        let q = Query::new(sql)
            .bind_all(OPEN)
            .bind_all(territories.into_iter().flatten());
        Ok(self.db.fetch_all(q).await?)
    }
}

/// The statuses of a case still waiting for its answer (the GP's turn included).
const OPEN: [CaseStatus; 3] = [
    CaseStatus::Queued,
    CaseStatus::Claimed,
    CaseStatus::InfoRequested,
];

/// The status a guard statement returns.
#[derive(sqlx::FromRow)]
struct StatusRow {
    #[sqlx(try_from = "super::Name")]
    status: CaseStatus,
}

const RECIPIENT_COLUMNS: &str = "u.id, u.role, u.webhook_url IS NOT NULL AS has_webhook, \
     u.notification_channels";

#[derive(sqlx::FromRow)]
struct RecipientRow {
    id: Uuid,
    role: String,
    has_webhook: bool,
    notification_channels: String,
}

fn recipients(rows: Vec<RecipientRow>) -> Result<Vec<Recipient>, RepoError> {
    rows.into_iter()
        .map(|r| {
            Ok(Recipient {
                id: r.id,
                role: r
                    .role
                    .parse::<Role>()
                    .map_err(super::users::corrupt("role"))?,
                has_webhook: r.has_webhook,
                choices: ChannelChoices::from_stored(&r.notification_channels),
            })
        })
        .collect()
}
