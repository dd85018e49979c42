//! The SLA report's figures, counted by the database: one statement per report (the groups and,
//! keyed `""`, the total), whatever the number of cases. It reads the cases alone: the facts it
//! needs from answers, the ladder and requests for information are kept on each case by the
//! transitions that make them (migration 0015). Percentiles are nearest-rank: the smallest delay
//! with at least p % of the delays at or below it.

use chrono::{DateTime, Utc};

use super::{placeholders, Backend, Query, SqlRepo, Tx};
use crate::db::{RepoError, SlaSummaryRow, SummaryKey};
use crate::domain::CaseStatus;

/// Whole seconds in a duration, truncated like `chrono::Duration::num_seconds`.
fn seconds_between<B: Backend>(later: &str, earlier: &str) -> String {
    if B::NAME == "postgres" {
        seconds_pg(&format!("{later} - {earlier}"))
    } else {
        // Julian days are exact to well under a millisecond: round to milliseconds, then truncate.
        format!("(CAST(ROUND((julianday({later}) - julianday({earlier})) * 86400000) AS INTEGER) / 1000)")
    }
}

fn seconds_pg(interval: &str) -> String {
    format!("CAST(TRUNC(EXTRACT(EPOCH FROM ({interval}))) AS BIGINT)")
}

/// The group's key, as text: a dermatologist's id as PostgreSQL spells a UUID.
fn key_of<B: Backend>(key: SummaryKey) -> String {
    match key {
        // Bytewise ("C") on PostgreSQL: grouping a million keys does not need the locale's
        // collation, and the groups then come in SQLite's (binary) order.
        SummaryKey::Territory if B::NAME == "postgres" => "c.territory_code COLLATE \"C\"".into(),
        SummaryKey::Priority if B::NAME == "postgres" => "c.priority COLLATE \"C\"".into(),
        SummaryKey::Territory => "c.territory_code".into(),
        SummaryKey::Priority => "c.priority".into(),
        SummaryKey::Dermatologist if B::NAME == "postgres" => {
            "COALESCE(CAST(c.first_responder AS TEXT), 'unassigned') COLLATE \"C\"".into()
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

/// Per case, 1 or 0: answered, breached, open, at risk, asked for information, for new photos.
/// `$3` is now; `$4`, `$5` and `$6` are the queued, claimed and info-requested statuses.
const FLAGS: &str = "CASE WHEN c.answered_at IS NULL THEN 0 ELSE 1 END AS answered, \
    CASE WHEN c.breach_noted OR (c.due_at IS NOT NULL AND (c.answered_at > c.due_at \
        OR (c.status IN ($4, $5) AND c.due_at <= $3))) THEN 1 ELSE 0 END AS breached, \
    CASE WHEN c.status IN ($4, $5, $6) THEN 1 ELSE 0 END AS open, \
    CASE WHEN c.status IN ($4, $5) AND c.warn_at <= $3 THEN 1 ELSE 0 END AS at_risk, \
    CASE WHEN c.info_requested THEN 1 ELSE 0 END AS info, \
    CASE WHEN c.new_photos_requested THEN 1 ELSE 0 END AS photos";

const SUMS: &str = "SUM(answered) AS answered, SUM(breached) AS breaches, SUM(open) AS open, \
    SUM(at_risk) AS at_risk, SUM(info) AS info_requested, SUM(photos) AS new_photos_requested";

/// PostgreSQL: the groups and their total in one pass (`ROLLUP`), percentiles by
/// `percentile_disc`, which is nearest-rank. No cases, no rows: `ROLLUP` would otherwise make a
/// total of nothing.
fn rollup_sql(key: &str, cases: &str) -> String {
    let delay = "c.first_response_at - c.submitted_at";
    let pct = |p: &str| {
        seconds_pg(&format!(
            "percentile_disc({p}) WITHIN GROUP (ORDER BY delay)"
        ))
    };
    format!(
        "SELECT CASE WHEN GROUPING(k) = 1 THEN '' ELSE k END AS key, COUNT(*) AS cases, {SUMS}, \
            COUNT(delay) AS responses, {p50} AS median_secs, {p90} AS p90_secs, \
            {p95} AS p95_secs, {max} AS max_secs \
         FROM (SELECT {key} AS k, {delay} AS delay, {FLAGS} FROM cases c WHERE {cases}) f \
         GROUP BY ROLLUP (k) HAVING COUNT(*) > 0 ORDER BY 1",
        p50 = pct("0.5"),
        p90 = pct("0.9"),
        p95 = pct("0.95"),
        max = seconds_pg("MAX(delay)"),
    )
}

/// SQLite, which has neither: the total as one more group, percentiles picked by `ROW_NUMBER()`.
fn ranked_sql<B: Backend>(key: &str, cases: &str) -> String {
    let delay = seconds_between::<B>("c.first_response_at", "c.submitted_at");
    let pct = |p: u32| format!("MIN(CASE WHEN rn = ({p} * n + 99) / 100 THEN delay END)");
    format!(
        "WITH base AS (SELECT {key} AS k, {delay} AS delay, {FLAGS} FROM cases c WHERE {cases}), \
         keyed AS (SELECT * FROM base UNION ALL SELECT '' AS k, delay, answered, breached, open, \
            at_risk, info, photos FROM base), \
         ranked AS (SELECT k, delay, ROW_NUMBER() OVER (PARTITION BY k ORDER BY delay) AS rn, \
            COUNT(*) OVER (PARTITION BY k) AS n FROM keyed WHERE delay IS NOT NULL), \
         delays AS (SELECT k, COUNT(*) AS responses, {p50} AS median_secs, {p90} AS p90_secs, \
            {p95} AS p95_secs, MAX(delay) AS max_secs FROM ranked GROUP BY k), \
         counts AS (SELECT k, COUNT(*) AS cases, {SUMS} FROM keyed GROUP BY k) \
         SELECT counts.k AS key, counts.cases, counts.answered, \
            COALESCE(delays.responses, 0) AS responses, delays.median_secs, delays.p90_secs, \
            delays.p95_secs, delays.max_secs, counts.breaches, counts.open, counts.at_risk, \
            counts.info_requested, counts.new_photos_requested \
         FROM counts LEFT JOIN delays ON delays.k = counts.k ORDER BY counts.k",
        p50 = pct(50),
        p90 = pct(90),
        p95 = pct(95),
    )
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
        let mut cases = String::from("c.submitted_at >= $1 AND c.submitted_at < $2");
        match territories {
            Some([]) => return Ok(Vec::new()),
            Some(ts) => {
                cases += &format!(" AND c.territory_code IN ({})", placeholders(7, ts.len()))
            }
            None => {}
        }
        let key = key_of::<B>(key);
        let sql = if B::NAME == "postgres" {
            rollup_sql(&key, &cases)
        } else {
            ranked_sql::<B>(&key, &cases)
        };
        let q = Query::new(sql)
            .bind(from)
            .bind(to)
            .bind(now)
            .bind(CaseStatus::Queued)
            .bind(CaseStatus::Claimed)
            .bind(CaseStatus::InfoRequested)
            .bind_all(territories.into_iter().flatten());
        if B::NAME != "postgres" {
            return Ok(self.db.fetch_all(q).await?);
        }
        // A million cases' delays sort in memory rather than on disk, and a statement run once
        // is not worth compiling (JIT costs more than it saves here). Index pages cost what
        // they cost on an SSD (the default, 4, is a spinning disk's): with it the planner reads
        // the covering index `cases_report` alone once the table is vacuumed (1.6x faster
        // measured on a million cases) instead of scanning the whole table.
        let mut tx = self.db.begin().await?;
        for setting in [
            "SET LOCAL work_mem = '256MB'",
            "SET LOCAL jit = off",
            "SET LOCAL random_page_cost = 1.1",
        ] {
            tx.execute(Query::new(setting)).await?;
        }
        let rows = tx.fetch_all(q).await?;
        tx.commit().await?;
        Ok(rows)
    }
}
