//! One photo through the pipeline, in the order the privacy promise needs: sniff the format from
//! the bytes, refuse oversize from the header (`inspect`); strip the metadata and hash what is
//! left (`clean`); decode the stripped bytes under limits, proving what we store is a whole image,
//! and assess its quality on the way (`prove`). `process` is all of them.
//!
//! CPU-bound: `PhotoIntake` runs each stage off the async threads, `clean` and `prove` under the
//! photo concurrency bound, `prove` also under the decode memory budget sized from what `inspect`
//! found. A photo its user has just had checked is not proven again (see `checked`).

use std::{any::Any, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use telederm_schemas as wire;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::{
    domain::{PhotoId, PhotoKind, UserId},
    memory::{budget::MAX_ONE_HOLD, MemoryBudget, OverBudget},
    photos::{
        checked::{CheckOutcome, CheckedPhotos},
        inspect::{self, DecodeCost, InspectError, PhotoLimits},
        quality::{self, QualityThresholds},
        sniff,
        strip::{self, StripError},
        wipe, Format, Sniffed,
    },
};

/// Seconds a client is told to wait when photos cannot be decoded now.
pub const RETRY_AFTER_SECS: u64 = 10;

/// Why a photo was refused.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// HEIC, GIF, PDF...: the message names what it is and what to send instead.
    #[error("{0}")]
    Unsupported(String),
    /// Too many pixels, or too much memory to decode.
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Corrupt(String),
    /// It waited too long for room to be decoded.
    #[error("the server is decoding too many photos right now; retry in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What a received photo keeps of its upload until it is sealed (its share of the upload memory
/// budget, its user's place among uploads): dropped with the photo's plaintext.
pub type UploadHold = Box<dyn Any + Send>;

/// A photo as received, before any processing. `number` counts from 1 in request order.
pub struct RawPhoto {
    pub number: usize,
    pub kind: PhotoKind,
    /// Plaintext: wiped when dropped.
    pub bytes: Zeroizing<Vec<u8>>,
    pub hold: UploadHold,
}

/// A photo ready to be sealed: stripped bytes (plaintext, in memory only) and what the GP is told.
pub struct Processed {
    pub id: PhotoId,
    pub number: usize,
    pub kind: PhotoKind,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    /// Plaintext: wiped when dropped.
    pub bytes: Zeroizing<Vec<u8>>,
    /// Given back once the photo is sealed.
    pub hold: UploadHold,
    /// The SHA-256 of `bytes`, in hex.
    pub sha256: String,
    pub removed: Vec<String>,
    pub warnings: Vec<wire::QualityWarning>,
    /// What the proof and the quality check found (remembered when the photo was checked).
    pub outcome: CheckOutcome,
    digest: [u8; 32],
}

impl Drop for Processed {
    fn drop(&mut self) {
        // Wiped at memory speed (see `photos::wipe`).
        self.bytes.clear();
    }
}

impl Processed {
    pub fn to_wire(&self) -> wire::Photo {
        wire::Photo {
            id: self.id.as_uuid(),
            kind: self.kind,
            format: self.format.as_str().to_owned(),
            width: self.width,
            height: self.height,
            bytes: self.bytes.len() as u64,
            sha256: self.sha256.clone(),
            metadata_removed: self.removed.clone(),
            quality_warnings: self.warnings.clone(),
        }
    }
}

/// A photo whose format and decoding cost are known from its bytes and header alone.
pub struct Inspected {
    raw: RawPhoto,
    label: String,
    format: Format,
    cost: DecodeCost,
}

impl Inspected {
    pub fn cost(&self) -> DecodeCost {
        self.cost
    }

    /// How the GP is told which photo this is, e.g. `photo 2 (closeup)`.
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// Sniff the format and read the header: an unsupported or oversized photo (in pixels or in
/// decoded bytes) is refused here, before any decoding.
pub fn inspect(raw: RawPhoto, limits: &PhotoLimits) -> Result<Inspected, PhotoError> {
    let label = format!("photo {} ({})", raw.number, raw.kind);
    let format = match sniff(&raw.bytes) {
        Sniffed::Supported(format) => format,
        Sniffed::Unsupported { kind, hint } => {
            return Err(PhotoError::Unsupported(format!(
                "{label} is {kind}: {hint}"
            )))
        }
    };
    let cost = inspect::cost(format, &raw.bytes, limits).map_err(|e| inspect_error(&label, e))?;
    Ok(Inspected {
        raw,
        label,
        format,
        cost,
    })
}

/// A photo stripped of its metadata and hashed: the bytes that will be stored, not yet proven to
/// be a whole image.
pub struct Cleaned {
    number: usize,
    kind: PhotoKind,
    label: String,
    format: Format,
    /// Plaintext: wiped when dropped.
    bytes: Zeroizing<Vec<u8>>,
    hold: UploadHold,
    removed: Vec<String>,
    digest: [u8; 32],
}

impl Cleaned {
    /// The SHA-256 of the stripped bytes.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The photo ready to be sealed, with what its proof found.
    pub fn into_processed(self, outcome: CheckOutcome) -> Processed {
        Processed {
            id: PhotoId::new(),
            number: self.number,
            kind: self.kind,
            format: self.format,
            width: outcome.width,
            height: outcome.height,
            sha256: hex::encode(self.digest),
            removed: self.removed,
            warnings: outcome
                .warnings
                .iter()
                .map(|w| wire::QualityWarning {
                    code: wire_name(&w.code),
                    message: w.message.clone(),
                })
                .collect(),
            outcome,
            digest: self.digest,
            bytes: self.bytes,
            hold: self.hold,
        }
    }
}

/// Strip the metadata of an inspected photo (its received bytes are wiped as soon as they are
/// stripped) and hash what is left.
pub fn clean(photo: Inspected) -> Result<Cleaned, PhotoError> {
    let Inspected {
        raw, label, format, ..
    } = photo;
    let stripped = strip::strip(format, &raw.bytes).map_err(|e| match e {
        StripError::Corrupt(why) => PhotoError::Corrupt(format!("{label} is damaged: {why}")),
        StripError::NotClean(why) => {
            // Our own output failed our own check: refuse to store it, and tell us.
            tracing::error!(reason = %why, "stripped photo failed verification");
            PhotoError::Corrupt(format!("{label} could not be cleaned of its metadata"))
        }
    })?;
    let RawPhoto {
        number,
        kind,
        bytes,
        hold,
    } = raw;
    wipe(bytes);
    Ok(Cleaned {
        number,
        kind,
        format,
        digest: Sha256::digest(&stripped.bytes[..]).into(),
        removed: stripped.removed.iter().map(wire_name).collect(),
        bytes: stripped.bytes,
        hold,
        label,
    })
}

/// Decode the stripped bytes under limits (proving they hold a whole image) and assess quality.
pub fn prove(
    photo: Cleaned,
    limits: &PhotoLimits,
    thresholds: &QualityThresholds,
) -> Result<Processed, PhotoError> {
    let proof = inspect::prove(photo.format, &photo.bytes, limits)
        .map_err(|e| inspect_error(&photo.label, e))?;
    let warnings = quality::assess_working(proof.width, proof.height, &proof.grey, thresholds);
    let outcome = CheckOutcome {
        width: proof.width,
        height: proof.height,
        warnings,
    };
    drop(proof);
    Ok(photo.into_processed(outcome))
}

/// Every stage: strip, hash, decode, assess.
pub fn process(
    photo: Inspected,
    limits: &PhotoLimits,
    thresholds: &QualityThresholds,
) -> Result<Processed, PhotoError> {
    prove(clean(photo)?, limits, thresholds)
}

fn inspect_error(label: &str, e: InspectError) -> PhotoError {
    match e {
        InspectError::TooLarge { .. } | InspectError::TooMuchMemory { .. } => {
            PhotoError::TooLarge(format!("{label}: {e}"))
        }
        InspectError::Corrupt(why) => PhotoError::Corrupt(format!("{label} is damaged: {why}")),
    }
}

/// The pipeline with the server's bounds: how many photos decode at once (CPU), the memory every
/// decoding shares, and how long a photo waits for room in it; and the checks remembered.
#[derive(Clone)]
pub struct PhotoIntake {
    pub limits: PhotoLimits,
    pub thresholds: QualityThresholds,
    pub permits: Arc<Semaphore>,
    pub decode_memory: MemoryBudget,
    pub decode_wait: Duration,
    pub checked: CheckedPhotos,
}

impl PhotoIntake {
    /// Takes one photo of `user` through the pipeline, off the async threads. A photo whose
    /// stripped bytes `user` had checked within `checked::TTL` of `now` is not decoded again.
    pub async fn process(
        &self,
        raw: RawPhoto,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Processed, PhotoError> {
        let limits = self.limits;
        let inspected =
            crate::telemetry::spawn_blocking_in_span(move || inspect(raw, &limits)).await??;
        let peak = inspected.cost().peak_bytes;
        // Only when the budget is set below the per-photo cap (settings refuse that): a photo that
        // could never fit is refused rather than decoded over the budget.
        let most = self.decode_memory.limit().min(MAX_ONE_HOLD);
        if peak > most {
            let over = OverBudget {
                wanted: peak,
                limit: most,
            };
            return Err(over_decode_budget(inspected.label(), over));
        }
        let permit = self.permit().await?;
        let cleaned = crate::telemetry::spawn_blocking_in_span(move || {
            let _held = permit;
            clean(inspected)
        })
        .await??;
        if let Some(outcome) = self.checked.recall(user, cleaned.digest(), now) {
            return Ok(cleaned.into_processed(outcome));
        }
        self.prove(cleaned, peak).await
    }

    /// [`PhotoIntake::process`], and the outcome remembered for `user`'s submission of the same
    /// photo.
    pub async fn check(
        &self,
        raw: RawPhoto,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Processed, PhotoError> {
        let processed = self.process(raw, user, now).await?;
        self.checked
            .remember(user, processed.digest, processed.outcome.clone(), now);
        Ok(processed)
    }

    /// Decodes and assesses a cleaned photo once `peak` bytes of the decode budget are free.
    async fn prove(&self, cleaned: Cleaned, peak: u64) -> Result<Processed, PhotoError> {
        let (limits, thresholds) = (self.limits, self.thresholds);
        // Bounded: a photo waiting here keeps its upload's memory and its user's upload slot.
        let wait = tokio::time::timeout(self.decode_wait, self.decode_memory.acquire(peak));
        let memory = match wait.await {
            Ok(Ok(memory)) => memory,
            Ok(Err(over)) => return Err(over_decode_budget(&cleaned.label, over)),
            Err(_) => {
                return Err(PhotoError::Busy {
                    retry_after_secs: RETRY_AFTER_SECS,
                })
            }
        };
        let permit = self.permit().await?;
        crate::telemetry::spawn_blocking_in_span(move || {
            // Held by the decoding itself: a client that goes away does not free them early.
            let _held = (permit, memory);
            prove(cleaned, &limits, &thresholds)
        })
        .await?
    }

    async fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, PhotoError> {
        let permit = self.permits.clone().acquire_owned().await;
        Ok(permit.map_err(anyhow::Error::from)?)
    }
}

fn over_decode_budget(label: &str, over: OverBudget) -> PhotoError {
    const MIB: u64 = 1024 * 1024;
    PhotoError::TooLarge(format!(
        "{label} would take {} MiB of memory to decode, more than the {} MiB this server decodes \
         at once: send it smaller",
        over.wanted.div_ceil(MIB),
        over.limit / MIB
    ))
}

/// The snake_case name a value serialises to (`Removed::Gps` -> `gps`).
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "other".to_owned(),
    }
}

#[cfg(test)]
mod outcomes;

#[cfg(test)]
mod tests {
    use zeroize::{ZeroizeOnDrop, Zeroizing};

    use super::*;
    use crate::photos::strip::Stripped;

    /// Each plaintext stage of a photo, and the clinical text before it is sealed, sits in a buffer
    /// wiped when dropped (a change of these types fails to compile here).
    #[test]
    fn plaintext_is_held_in_buffers_wiped_when_dropped() {
        type Wiped = Zeroizing<Vec<u8>>;
        fn wiped_on_drop<T: ZeroizeOnDrop>() {}
        let _received: fn(&RawPhoto) -> &Wiped = |p| &p.bytes;
        let _stripped: fn(&Stripped) -> &Wiped = |s| &s.bytes;
        let _processed: fn(&Processed) -> &Wiped = |p| &p.bytes;
        let _clinical: fn(&serde_json::Value) -> serde_json::Result<Wiped> = crate::memory::to_json;
        wiped_on_drop::<Wiped>();
    }
}
