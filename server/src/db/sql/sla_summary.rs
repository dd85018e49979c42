//! The SLA report's figures, counted by the database: one statement per report (the groups and,
//! keyed `""`, the total), whatever the number of cases. Percentiles are nearest-rank (the smallest delay with at least p % of the
//! delays at or below it), picked with `ROW_NUMBER()` so that both backends compute them alike.

use chrono::{DateTime, Utc};

use super::{placeholders, Backend, Query, SqlRepo};
use crate::db::{RepoError, SlaStep, SlaSummaryRow, SummaryKey};
use crate::domain::CaseStatus;

/// Whole seconds from `earlier` to `later`, truncated like `chrono::Duration::num_seconds`.
fn seconds_between<B: Backend>(later: &str, earlier: &str) -> String {
    if B::NAME == "postgres" {
        format!("CAST(TRUNC(EXTRACT(EPOCH FROM ({later} - {earlier}))) AS BIGINT)")
    } else {
        // Julian days are exact to well under a millisecond: round to milliseconds, then truncate.
        format!("(CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400000) AS INTEGER) / 1000)")
    }
}

/// The group's key, as text: a dermatologist's id as PostgreSQL spells a UUID.
fn key_of<B: Backend>(key: SummaryKey) -> String {
    match key {
        SummaryKey::Territory => "c.territory_code".into(),
        SummaryKey::Priority => "c.priority".into(),
        SummaryKey::Dermatologist if B::NAME == "postgres" => {
            "COALESCE(CAST(c.first_responder AS TEXT), 'unassigned')".into()
        }
        SummaryKey::Dermatologist => {
            let h = "lower(hex(c.first_responder))";
            format!(
                "CASE WHEN c.first_responder IS NULL THEN 'unassigned' ELSE \
                 substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-' || substr({h}, 13, 4) \
                 || '-' || substr({h}, 17, 4) || '-' || substr({h}, 21) END"
            )
        }
    }
}

fn percentile(p: u32) -> String {
    format!("MIN(CASE WHEN rn = ({p} * n + 99) / 100 THEN delay END)")
}

impl<B: Backend> SqlRepo<B> {
    pub(super) async fn summary(
        &self,
        territories: Option<&[String]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
        key: SummaryKey,
    ) -> Result<Vec<SlaSummaryRow>, RepoError> {
        let in_territories = match territories {
            Some([]) => return Ok(Vec::new()),
            Some(ts) => format!(" AND c.territory_code IN ({})", placeholders(8, ts.len())),
            None => String::new(),
        };
        let delay = seconds_between::<B>("c.first_response_at", "c.submitted_at");
        let (p50, p90, p95) = (percentile(50), percentile(90), percentile(95));
        let sql = format!(
            "WITH base AS (SELECT {k} AS k, {delay} AS delay, \
                CASE WHEN a.case_id IS NULL THEN 0 ELSE 1 END AS answered, \
                CASE WHEN EXISTS (SELECT 1 FROM sla_steps s WHERE s.case_id = c.id \
                        AND s.step = $4) \
                    OR (c.due_at IS NOT NULL AND (a.answered_at > c.due_at \
                        OR (c.status IN ($5, $6) AND c.due_at <= $3))) \
                    THEN 1 ELSE 0 END AS breached, \
                CASE WHEN c.status IN ($5, $6, $7) THEN 1 ELSE 0 END AS open, \
                CASE WHEN c.status IN ($5, $6) AND c.warn_at <= $3 THEN 1 ELSE 0 END AS at_risk, \
                CASE WHEN EXISTS (SELECT 1 FROM info_requests i WHERE i.case_id = c.id) \
                    THEN 1 ELSE 0 END AS info, \
                CASE WHEN EXISTS (SELECT 1 FROM info_requests i WHERE i.case_id = c.id \
                    AND i.wants_new_photos) THEN 1 ELSE 0 END AS photos \
              FROM cases c LEFT JOIN answers a ON a.case_id = c.id \
              WHERE c.submitted_at >= $1 AND c.submitted_at < $2{in_territories}), \
            keyed AS (SELECT k, delay, answered, breached, open, at_risk, info, photos \
              FROM base UNION ALL SELECT '' AS k, delay, answered, breached, open, at_risk, \
                info, photos FROM base), \
            ranked AS (SELECT k, delay, \
                ROW_NUMBER() OVER (PARTITION BY k ORDER BY delay) AS rn, \
                COUNT(*) OVER (PARTITION BY k) AS n \
              FROM keyed WHERE delay IS NOT NULL), \
            delays AS (SELECT k, COUNT(*) AS responses, {p50} AS median_secs, \
                {p90} AS p90_secs, {p95} AS p95_secs, MAX(delay) AS max_secs \
              FROM ranked GROUP BY k), \
            counts AS (SELECT k, COUNT(*) AS cases, SUM(answered) AS answered, \
                SUM(breached) AS breaches, SUM(open) AS open, SUM(at_risk) AS at_risk, \
                SUM(info) AS info_requested, SUM(photos) AS new_photos_requested \
              FROM keyed GROUP BY k) \
            SELECT counts.k AS key, counts.cases, counts.answered, \
                COALESCE(delays.responses, 0) AS responses, delays.median_secs, \
                delays.p90_secs, delays.p95_secs, delays.max_secs, counts.breaches, \
                counts.open, counts.at_risk, counts.info_requested, \
                counts.new_photos_requested \
            FROM counts LEFT JOIN delays ON delays.k = counts.k ORDER BY counts.k",
            k = key_of::<B>(key),
        );
        let q = Query::new(sql)
            .bind(from)
            .bind(to)
            .bind(now)
            .bind(SlaStep::Breach.as_str())
            .bind(CaseStatus::Queued)
            .bind(CaseStatus::Claimed)
            .bind(CaseStatus::InfoRequested)
            .bind_all(territories.into_iter().flatten());
        Ok(self.db.fetch_all(q).await?)
    }
}
