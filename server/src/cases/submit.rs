//! A GP's submission: validate the case, take every photo through the intake pipeline, seal the
//! photos and the clinical text under a fresh data key, write the sealed blobs, then insert the
//! case, its photos and its wrapped data key in one transaction. Any failure leaves nothing behind.

use std::{future::Future, sync::Arc};

use telederm_schemas as wire;

use super::{CaseError, CaseService};
use crate::{
    audit,
    auth::policy::can_submit_case,
    crypto::{seal, DataKey, ObjectRef},
    db::{CaseRecord, DataKeyRecord, Effects, PhotoRecord, RepoError},
    domain::{CaseId, CaseStatus, NewCase, User},
    photos::intake::{Processed, RawPhoto},
    sla::effective_policy,
    store::{BlobKey, BlobStore},
};

/// The AAD name of the sealed clinical text of a case.
pub const CLINICAL: &str = "clinical";

impl CaseService {
    /// Whether `gp` may submit at all: asked before its upload is read.
    pub fn may_submit(&self, gp: &User) -> Result<(), CaseError> {
        can_submit_case(gp).or(CaseError::Forbidden)
    }

    /// A GP's new case with its photos, queued to the GP's territory. Nothing is stored unless all
    /// of it is.
    pub async fn submit(
        &self,
        gp: &User,
        case: &wire::NewCase,
        photos: Vec<RawPhoto>,
    ) -> Result<wire::Case, CaseError> {
        self.may_submit(gp)?;
        // Cheap checks first: no photo work for a case that cannot be accepted.
        let new = NewCase::parse(case)?;
        let territory = gp
            .home_territory
            .clone()
            .ok_or_else(|| anyhow::anyhow!("GP {} has no home territory", gp.id))?;

        let photos = self.process_photos(gp, photos).await?;

        let home = self
            .repo
            .territory(&territory)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the GP's territory {territory} does not exist"))?;
        let case_id = CaseId::new();
        let at = self.now();
        // The policy as it is now: a later change of policy does not move this case's target.
        let policy = effective_policy(self.repo.as_ref(), territory.as_str(), new.priority).await?;
        let sla = policy.times(&home.calendar(), at);
        let record = CaseRecord {
            id: case_id.as_uuid(),
            gp_id: gp.id.as_uuid(),
            territory_code: territory.to_string(),
            status: CaseStatus::Queued,
            priority: new.priority,
            age: i32::from(new.age),
            sex: new.sex,
            phototype: new.phototype.map(i32::from),
            clinical: Vec::new(),
            consent_at: at,
            submitted_at: at,
            due_at: Some(sla.due_at),
            claimed_by: None,
            lease_until: None,
            info_requested_by: None,
            sla_clock: Some(policy.clock),
            sla_target_secs: Some(policy.target.num_seconds()),
            remind_at: Some(sla.remind_at),
            warn_at: Some(sla.warn_at),
            paused_at: None,
            offered_at: None,
            erased_at: None,
        };
        let response = wire::Case {
            id: case_id.as_uuid(),
            status: CaseStatus::Queued,
            priority: new.priority,
            territory: territory.to_string(),
            gp_id: gp.id.as_uuid(),
            gp: gp.to_person(),
            patient_ref: new.clinical.patient_ref.clone(),
            age: new.age,
            sex: new.sex,
            body_site: new.clinical.body_site.clone(),
            question: new.clinical.question.clone(),
            phototype: new.phototype,
            duration: new.clinical.duration.clone(),
            evolution: new.clinical.evolution.clone(),
            history: new.clinical.history.clone(),
            treatments: new.clinical.treatments.clone(),
            consent_at: at,
            submitted_at: at,
            due_at: Some(sla.due_at),
            claimed_by: None,
            claimed_by_person: None,
            photos: photos.iter().map(Processed::to_wire).collect(),
            answer: None,
            info_requests: Vec::new(),
            outcome: None,
            events: vec![wire::CaseEvent {
                kind: "submitted".into(),
                at,
                actor_id: Some(gp.id.as_uuid()),
                actor: Some(gp.to_person()),
                from: None,
                to: Some(CaseStatus::Queued),
            }],
        };
        // Clinical text in the clear: wiped as soon as it is sealed.
        let clinical = crate::memory::to_json(&new.clinical).map_err(anyhow::Error::from)?;
        let fx = Effects::audit(
            audit::entry(
                at,
                Some(gp.id.as_uuid()),
                "case.submitted",
                "case",
                Some(case_id.to_string()),
            )
            .on_case(case_id.as_uuid(), territory.as_str())
            .detail(
                serde_json::json!({ "photos": photos.len(), "priority": new.priority.as_str() }),
            ),
        )
        .with(
            self.queued_notices(&home, case_id.as_uuid(), Some(sla.due_at), at)
                .await?,
        );
        self.commit(record, clinical, photos, fx).await?;
        tracing::info!(case_id = %case_id, "case submitted");
        Ok(response)
    }

    /// Every photo of `gp` through the intake pipeline, all at once (the intake bounds how many
    /// decode together); the first refusal in the photos' order is the answer.
    pub(super) async fn process_photos(
        &self,
        gp: &User,
        photos: Vec<RawPhoto>,
    ) -> Result<Vec<Processed>, CaseError> {
        let now = self.now();
        let results = futures_util::future::join_all(
            photos
                .into_iter()
                .map(|raw| self.intake.process(raw, gp.id, now)),
        )
        .await;
        Ok(results.into_iter().collect::<Result<_, _>>()?)
    }

    /// Seal the text and the photos under a fresh data key, write the blobs, insert the rows.
    async fn commit(
        &self,
        mut record: CaseRecord,
        clinical: zeroize::Zeroizing<Vec<u8>>,
        photos: Vec<Processed>,
        fx: Effects,
    ) -> Result<(), CaseError> {
        let case_id = record.id;
        let key = DataKey::generate();
        let wrapped = self.keys.wrap(&key, case_id)?;
        let at = record.submitted_at;
        let (record, blobs, rows) = crate::telemetry::spawn_blocking_in_span(move || {
            record.clinical = seal(&key, case_id, ObjectRef::Text(CLINICAL), &clinical);
            let (blobs, rows) = seal_photos(&key, case_id, 1, photos, at);
            (record, blobs, rows)
        })
        .await?;
        let key_record = DataKeyRecord {
            case_id,
            master_key_id: wrapped.master_key_id.to_string(),
            wrapped: wrapped.blob,
        };
        let repo = self.repo.clone();
        NewPhotos::new(self.store.clone(), blobs)
            .commit_with(async move {
                match repo.create_case(&record, &rows, &key_record, &fx).await {
                    Ok(()) => Ok(true),
                    // The commit did land (the error came after it, e.g. a lost connection): the
                    // blobs belong to a stored case and must stay.
                    Err(_) if matches!(repo.case(case_id).await, Ok(Some(_))) => {
                        tracing::warn!(case_id = %case_id, "submission reported an error after its commit");
                        Ok(true)
                    }
                    Err(e) => Err(e),
                }
            })
            .await?;
        Ok(())
    }
}

/// Seal each photo under the case's key, with its blob key and its row.
pub(crate) fn seal_photos(
    key: &DataKey,
    case_id: uuid::Uuid,
    first_position: usize,
    photos: Vec<Processed>,
    at: chrono::DateTime<chrono::Utc>,
) -> (Vec<(BlobKey, Vec<u8>)>, Vec<PhotoRecord>) {
    let mut blobs = Vec::with_capacity(photos.len());
    let mut rows = Vec::with_capacity(photos.len());
    for p in photos {
        let blob_key = BlobKey::photo(case_id, p.id.as_uuid());
        let sealed = seal(key, case_id, ObjectRef::Photo(p.id.as_uuid()), &p.bytes);
        let mut row = photo_record(case_id, &blob_key, &p, at);
        row.position = (first_position + p.number - 1) as i32;
        rows.push(row);
        blobs.push((blob_key, sealed));
    }
    (blobs, rows)
}

/// Sealed blobs of a change not yet recorded.
pub(super) struct NewPhotos {
    store: Arc<dyn BlobStore>,
    blobs: Vec<(BlobKey, Vec<u8>)>,
}

impl NewPhotos {
    pub(super) fn new(store: Arc<dyn BlobStore>, blobs: Vec<(BlobKey, Vec<u8>)>) -> NewPhotos {
        NewPhotos { store, blobs }
    }

    /// Write the blobs, then run `record` (the database change that references them), as a task
    /// of its own: from here on the work finishes or undoes itself even if the client goes away
    /// (which drops the caller's future). The blobs stay only if `record` says it applied.
    pub(super) async fn commit_with<F>(self, record: F) -> Result<bool, CaseError>
    where
        F: Future<Output = Result<bool, RepoError>> + Send + 'static,
    {
        let task = tokio::spawn(async move {
            let written = self.put_all().await?;
            let applied = record.await;
            if !matches!(applied, Ok(true)) {
                remove_blobs(self.store.as_ref(), &written).await;
            }
            Ok::<_, CaseError>(applied?)
        });
        task.await.map_err(anyhow::Error::from)?
    }

    /// Write every blob; on a failure remove those already written and report it.
    async fn put_all(&self) -> Result<Vec<BlobKey>, CaseError> {
        let mut written = Vec::with_capacity(self.blobs.len());
        for (blob_key, sealed) in &self.blobs {
            if let Err(e) = self.store.put(blob_key, sealed).await {
                remove_blobs(self.store.as_ref(), &written).await;
                return Err(anyhow::anyhow!("storing a photo failed: {e}").into());
            }
            written.push(blob_key.clone());
        }
        Ok(written)
    }
}

/// Remove blobs of a change that did not happen (the sweep catches any left).
async fn remove_blobs(store: &dyn BlobStore, written: &[BlobKey]) {
    for blob_key in written {
        if let Err(e) = store.delete(blob_key).await {
            tracing::warn!(error = %e, "could not remove a photo blob after a failed change");
        }
    }
}

fn photo_record(
    case_id: uuid::Uuid,
    blob_key: &BlobKey,
    p: &Processed,
    at: chrono::DateTime<chrono::Utc>,
) -> PhotoRecord {
    PhotoRecord {
        id: p.id.as_uuid(),
        case_id,
        position: p.number as i32,
        kind: p.kind,
        format: p.format.as_str().to_owned(),
        width: p.width as i32,
        height: p.height as i32,
        bytes: p.bytes.len() as i64,
        sha256: p.sha256.clone(),
        blob_key: blob_key.as_str().to_owned(),
        metadata_removed: serde_json::to_string(&p.removed).unwrap_or_else(|_| "[]".into()),
        quality_warnings: serde_json::to_string(&p.warnings).unwrap_or_else(|_| "[]".into()),
        created_at: at,
    }
}
