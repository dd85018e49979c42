//! `CaseRepo`: cases with their photos and data keys (`photos_in` writes the photos of a
//! submission or a reply).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    effects::effects_in, placeholders, transitions::event_in, Backend, Query, SqlRepo, Tx,
};
use crate::db::{
    CaseRecord, CaseRepo, DataKeyRecord, Effects, GpCaseRecord, PhotoRecord, RepoError,
};

pub(super) const CASE_COLUMNS: &str = "id, gp_id, territory_code, status, priority, age, sex, \
     phototype, clinical, consent_at, submitted_at, due_at, claimed_by, lease_until, \
     info_requested_by, sla_clock, CAST(sla_target_secs AS BIGINT) AS sla_target_secs, \
     remind_at, warn_at, paused_at, offered_at, erased_at";
const PHOTO_COLUMNS: &str = "id, case_id, position, kind, format, width, height, \
     bytes, sha256, blob_key, metadata_removed, quality_warnings, created_at";

/// Photo rows of a submission or of a reply, and their kinds on their case.
pub(super) async fn photos_in(tx: &mut impl Tx, photos: &[PhotoRecord]) -> Result<(), RepoError> {
    for p in photos {
        tx.execute(
            Query::new(format!(
                "INSERT INTO photos ({PHOTO_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            ))
            .bind(p.id)
            .bind(p.case_id)
            .bind(p.position)
            .bind(p.kind)
            .bind(p.format.as_str())
            .bind(p.width)
            .bind(p.height)
            .bind(p.bytes)
            .bind(p.sha256.as_str())
            .bind(p.blob_key.as_str())
            .bind(p.metadata_removed.as_str())
            .bind(p.quality_warnings.as_str())
            .bind(p.created_at),
        )
        .await?;
    }
    // The queue's copy of each case's photo kinds, in order (migration 0016). Callers pass one
    // case's photos, so adjacent duplicates are all there are.
    let mut cases: Vec<Uuid> = photos.iter().map(|p| p.case_id).collect();
    cases.dedup();
    for case_id in cases {
        tx.execute(
            Query::new(
                "UPDATE cases SET photo_kinds = (SELECT string_agg(p.kind, ',' ORDER BY \
                 p.position) FROM photos p WHERE p.case_id = $1) WHERE id = $1",
            )
            .bind(case_id),
        )
        .await?;
    }
    Ok(())
}

/// Ids per `IN` list of a batch read: far below either backend's parameter limit.
const IDS_PER_QUERY: usize = 500;

#[async_trait]
impl<B: Backend> CaseRepo for SqlRepo<B> {
    async fn create_case(
        &self,
        c: &CaseRecord,
        photos: &[PhotoRecord],
        key: &DataKeyRecord,
        fx: &Effects,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            Query::new(
                "INSERT INTO cases (id, gp_id, territory_code, status, priority, age, sex, \
                 phototype, clinical, consent_at, submitted_at, due_at, sla_clock, \
                 sla_target_secs, remind_at, warn_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(c.id)
            .bind(c.gp_id)
            .bind(c.territory_code.as_str())
            .bind(c.status)
            .bind(c.priority)
            .bind(c.age)
            .bind(c.sex)
            .bind(c.phototype)
            .bind(c.clinical.as_slice())
            .bind(c.consent_at)
            .bind(c.submitted_at)
            .bind(c.due_at)
            .bind(c.sla_clock)
            .bind(c.sla_target_secs)
            .bind(c.remind_at)
            .bind(c.warn_at),
        )
        .await?;
        tx.execute(
            Query::new(
                "INSERT INTO data_keys (case_id, master_key_id, wrapped, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(key.case_id)
            .bind(key.master_key_id.as_str())
            .bind(key.wrapped.as_slice())
            .bind(c.submitted_at),
        )
        .await?;
        event_in(
            &mut tx,
            c.id,
            c.submitted_at,
            Some(c.gp_id),
            "submitted",
            None,
            c.status,
        )
        .await?;
        photos_in(&mut tx, photos).await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn case(&self, id: Uuid) -> Result<Option<CaseRecord>, RepoError> {
        let q = Query::new(format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1")).bind(id);
        Ok(self.db.fetch_optional(q).await?)
    }

    async fn cases_of_gp(
        &self,
        gp_id: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<GpCaseRecord>, RepoError> {
        // Both subqueries are index lookups (case_events_by_case, photos' case index) per case.
        let q = Query::new(format!(
            "SELECT {CASE_COLUMNS}, \
             COALESCE((SELECT e.at FROM case_events e WHERE e.case_id = cases.id \
                       ORDER BY e.seq DESC LIMIT 1), submitted_at) AS last_activity_at, \
             (SELECT COUNT(*) FROM photos p WHERE p.case_id = cases.id) AS photo_count \
             FROM cases WHERE gp_id = $1 \
             ORDER BY last_activity_at DESC, id LIMIT $2 OFFSET $3"
        ))
        .bind(gp_id)
        .bind(limit)
        .bind(offset);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn photos_of_cases(&self, case_ids: &[Uuid]) -> Result<Vec<PhotoRecord>, RepoError> {
        let mut all = Vec::new();
        for chunk in case_ids.chunks(IDS_PER_QUERY) {
            let q = Query::new(format!(
                "SELECT {PHOTO_COLUMNS} FROM photos WHERE case_id IN ({}) \
                 ORDER BY case_id, position",
                placeholders(1, chunk.len())
            ))
            .bind_all(chunk.iter().copied());
            all.extend(self.db.fetch_all::<PhotoRecord>(q).await?);
        }
        let rank: std::collections::HashMap<Uuid, usize> = case_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i))
            .collect();
        all.sort_by_key(|p| (rank.get(&p.case_id).copied(), p.position));
        Ok(all)
    }

    async fn data_keys_of(&self, case_ids: &[Uuid]) -> Result<Vec<DataKeyRecord>, RepoError> {
        let mut all = Vec::new();
        for chunk in case_ids.chunks(IDS_PER_QUERY) {
            let q = Query::new(format!(
                "SELECT case_id, master_key_id, wrapped FROM data_keys WHERE case_id IN ({})",
                placeholders(1, chunk.len())
            ))
            .bind_all(chunk.iter().copied());
            all.extend(self.db.fetch_all::<DataKeyRecord>(q).await?);
        }
        Ok(all)
    }

    async fn data_key(&self, case_id: Uuid) -> Result<Option<DataKeyRecord>, RepoError> {
        let q =
            Query::new("SELECT case_id, master_key_id, wrapped FROM data_keys WHERE case_id = $1")
                .bind(case_id);
        Ok(self.db.fetch_optional(q).await?)
    }

    async fn data_keys_not_under(
        &self,
        master_key_id: &str,
        limit: i64,
    ) -> Result<Vec<DataKeyRecord>, RepoError> {
        let q = Query::new(
            "SELECT case_id, master_key_id, wrapped FROM data_keys \
             WHERE master_key_id <> $1 ORDER BY case_id LIMIT $2",
        )
        .bind(master_key_id)
        .bind(limit);
        Ok(self.db.fetch_all(q).await?)
    }

    async fn rewrap_data_key(
        &self,
        expected_master: &str,
        key: &DataKeyRecord,
        at: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let done = self
            .db
            .execute(
                Query::new(
                    "UPDATE data_keys SET master_key_id = $1, wrapped = $2, rewrapped_at = $3 \
                     WHERE case_id = $4 AND master_key_id = $5",
                )
                .bind(key.master_key_id.as_str())
                .bind(key.wrapped.as_slice())
                .bind(at)
                .bind(key.case_id)
                .bind(expected_master),
            )
            .await?;
        Ok(done == 1)
    }

    async fn data_key_counts(&self) -> Result<Vec<(String, i64)>, RepoError> {
        Ok(self
            .db
            .fetch_all(Query::new(
                "SELECT master_key_id, COUNT(*) FROM data_keys \
                 GROUP BY master_key_id ORDER BY master_key_id",
            ))
            .await?)
    }

    async fn referenced_blob_keys(&self) -> Result<Vec<String>, RepoError> {
        let rows: Vec<(String,)> = self
            .db
            .fetch_all(Query::new("SELECT blob_key FROM photos"))
            .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    async fn photo_read_count(&self, photo_id: Uuid) -> Result<i64, RepoError> {
        let q = Query::new(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'photo.read' AND target_id = $1",
        )
        .bind(photo_id.to_string());
        let (n,): (i64,) = self.db.fetch_one(q).await?;
        Ok(n)
    }
}
