//! A GP's submission: validate the case, take every photo through the intake pipeline, seal the
//! photos and the clinical text under a fresh data key, write the sealed blobs, then insert the
//! case, its photos and its wrapped data key in one transaction. Any failure leaves nothing behind.

use std::sync::Arc;

use telederm_schemas as wire;

use super::{
    intake::{self, Processed},
    upload::{RawPhoto, Upload, RETRY_AFTER_SECS},
};
use crate::{
    audit,
    crypto::{seal, DataKey, ObjectRef},
    db::{CaseRecord, DataKeyRecord, Effects, PhotoRecord},
    domain::{CaseId, CaseStatus, NewCase, User},
    error::ApiError,
    memory::OverBudget,
    sla::effective_policy,
    state::AppState,
    store::BlobKey,
};

/// The AAD name of the sealed clinical text of a case.
pub const CLINICAL: &str = "clinical";

pub async fn submit(
    state: &Arc<AppState>,
    gp: &User,
    upload: Upload<wire::NewCase>,
) -> Result<wire::Case, ApiError> {
    // Cheap checks first: no photo work for a case that cannot be accepted.
    let new = NewCase::parse(&upload.json)?;
    let territory = gp
        .home_territory
        .clone()
        .ok_or_else(|| anyhow::anyhow!("GP {} has no home territory", gp.id))?;

    let mut photos = Vec::with_capacity(upload.photos.len());
    for raw in upload.photos {
        photos.push(process_off_thread(state, raw).await?);
    }

    let home = state
        .repo
        .territory(&territory)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the GP's territory {territory} does not exist"))?;
    let case_id = CaseId::new();
    let at = state.clock.now();
    // The policy as it is now: a later change of policy does not move this case's target.
    let policy = effective_policy(state.repo.as_ref(), territory.as_str(), new.priority).await?;
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
    };
    let response = wire::Case {
        id: case_id.as_uuid(),
        status: CaseStatus::Queued,
        priority: new.priority,
        territory: territory.to_string(),
        gp_id: gp.id.as_uuid(),
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
        photos: photos.iter().map(Processed::to_wire).collect(),
        answer: None,
        info_requests: Vec::new(),
        outcome: None,
        events: vec![wire::CaseEvent {
            kind: "submitted".into(),
            at,
            actor_id: Some(gp.id.as_uuid()),
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
        .detail(serde_json::json!({ "photos": photos.len(), "priority": new.priority.as_str() })),
    )
    .with(super::queue::queued_notices(state, &home, case_id.as_uuid(), at).await?);

    // From here on the work must finish or undo itself even if the client goes away (which drops
    // this future): it runs as its own task.
    let state = Arc::clone(state);
    tokio::spawn(async move { commit(&state, record, clinical, photos, fx).await })
        .await
        .map_err(anyhow::Error::from)??;
    tracing::info!(case_id = %case_id, "case submitted");
    Ok(response)
}

pub(crate) async fn process_off_thread(
    state: &AppState,
    raw: RawPhoto,
) -> Result<Processed, ApiError> {
    let limits = state.photo_limits;
    let thresholds = state.quality;
    // The header says what decoding will hold in memory: an oversized photo is refused here, and
    // the others wait for that much room in the budget every decoding shares.
    let inspected =
        crate::telemetry::spawn_blocking_in_span(move || intake::inspect(raw, &limits)).await??;
    let peak = inspected.cost().peak_bytes;
    // Bounded: a photo waiting here keeps its upload's memory and its user's upload slot.
    let wait = tokio::time::timeout(state.decode_wait, state.decode_memory.acquire(peak));
    let memory = match wait.await {
        Ok(Ok(memory)) => memory,
        // Only when the budget is set below the per-photo cap (settings refuse that): a photo
        // that could never fit is refused rather than decoded over the budget.
        Ok(Err(over)) => return Err(over_decode_budget(inspected.label(), over)),
        Err(_) => {
            return Err(ApiError::Busy {
                retry_after_secs: RETRY_AFTER_SECS,
            })
        }
    };
    let permit = state
        .photo_permits
        .clone()
        .acquire_owned()
        .await
        .map_err(anyhow::Error::from)?;
    crate::telemetry::spawn_blocking_in_span(move || {
        // Held by the decoding itself: a client that goes away does not free them early.
        let _held = (permit, memory);
        intake::process(inspected, &limits, &thresholds)
    })
    .await?
}

fn over_decode_budget(label: &str, over: OverBudget) -> ApiError {
    const MIB: u64 = 1024 * 1024;
    ApiError::ImageTooLarge(format!(
        "{label} would take {} MiB of memory to decode, more than the {} MiB this server decodes \
         at once: send it smaller",
        over.wanted.div_ceil(MIB),
        over.limit / MIB
    ))
}

async fn commit(
    state: &AppState,
    mut record: CaseRecord,
    clinical: zeroize::Zeroizing<Vec<u8>>,
    photos: Vec<Processed>,
    fx: Effects,
) -> Result<(), ApiError> {
    let case_id = record.id;
    let key = DataKey::generate();
    let wrapped = state.keys.wrap(&key, case_id)?;
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

    let written = put_all(state, &blobs).await?;
    if let Err(e) = state
        .repo
        .create_case(&record, &rows, &key_record, &fx)
        .await
    {
        if matches!(state.repo.case(case_id).await, Ok(Some(_))) {
            // The commit did land (the error came after it, e.g. a lost connection): the blobs
            // belong to a stored case and must stay.
            tracing::warn!(case_id = %case_id, "submission reported an error after its commit");
            return Ok(());
        }
        remove_blobs(state, &written).await;
        return Err(e.into());
    }
    Ok(())
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

/// Write every sealed blob; on a failure remove those already written and report it.
pub(crate) async fn put_all(
    state: &AppState,
    blobs: &[(BlobKey, Vec<u8>)],
) -> Result<Vec<BlobKey>, ApiError> {
    let mut written = Vec::with_capacity(blobs.len());
    for (blob_key, sealed) in blobs {
        if let Err(e) = state.store.put(blob_key, sealed).await {
            remove_blobs(state, &written).await;
            return Err(anyhow::anyhow!("storing a photo failed: {e}").into());
        }
        written.push(blob_key.clone());
    }
    Ok(written)
}

/// Remove blobs of a change that did not happen (the start-up sweep catches any left).
pub(crate) async fn remove_blobs(state: &AppState, written: &[BlobKey]) {
    for blob_key in written {
        if let Err(e) = state.store.delete(blob_key).await {
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
