//! One photo through the pipeline, in the order the privacy promise needs: sniff the format from
//! the bytes, refuse oversize from the header (`inspect`); then strip the metadata, decode the
//! stripped bytes under limits (proving what we store is a whole image), assess quality, hash
//! (`process`). CPU-bound: `PhotoIntake::process` runs both off the async threads, `process`
//! under the photo concurrency bound and the decode memory budget, sized from what `inspect`
//! found.

use std::{any::Any, sync::Arc, time::Duration};

use sha2::{Digest, Sha256};
use telederm_schemas as wire;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::{
    domain::{PhotoId, PhotoKind},
    memory::{wipe_image, MemoryBudget, OverBudget},
    photos::{
        inspect::{self, DecodeCost, InspectError, PhotoLimits},
        quality::{self, QualityThresholds},
        sniff,
        strip::{self, StripError},
        Format, Sniffed,
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
    pub sha256: String,
    pub removed: Vec<String>,
    pub warnings: Vec<wire::QualityWarning>,
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

/// Strip, decode, assess and hash an inspected photo.
pub fn process(
    photo: Inspected,
    limits: &PhotoLimits,
    thresholds: &QualityThresholds,
) -> Result<Processed, PhotoError> {
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
    drop(raw.bytes);
    let mut image =
        inspect::decode(format, &stripped.bytes, limits).map_err(|e| inspect_error(&label, e))?;
    let warnings = quality::assess(&image, thresholds)
        .into_iter()
        .map(|w| wire::QualityWarning {
            code: wire_name(&w.code),
            message: w.message,
        })
        .collect();
    let (width, height) = (image.width(), image.height());
    wipe_image(&mut image);
    drop(image);
    Ok(Processed {
        id: PhotoId::new(),
        number: raw.number,
        kind: raw.kind,
        format,
        width,
        height,
        sha256: hex::encode(Sha256::digest(&stripped.bytes)),
        removed: stripped.removed.iter().map(wire_name).collect(),
        bytes: stripped.bytes,
        hold: raw.hold,
        warnings,
    })
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
/// decoding shares, and how long a photo waits for room in it.
#[derive(Clone)]
pub struct PhotoIntake {
    pub limits: PhotoLimits,
    pub thresholds: QualityThresholds,
    pub permits: Arc<Semaphore>,
    pub decode_memory: MemoryBudget,
    pub decode_wait: Duration,
}

impl PhotoIntake {
    /// Inspect then process one photo, off the async threads.
    pub async fn process(&self, raw: RawPhoto) -> Result<Processed, PhotoError> {
        let limits = self.limits;
        let thresholds = self.thresholds;
        // The header says what decoding will hold in memory: an oversized photo is refused here,
        // and the others wait for that much room in the budget every decoding shares.
        let inspected =
            crate::telemetry::spawn_blocking_in_span(move || inspect(raw, &limits)).await??;
        let peak = inspected.cost().peak_bytes;
        // Bounded: a photo waiting here keeps its upload's memory and its user's upload slot.
        let wait = tokio::time::timeout(self.decode_wait, self.decode_memory.acquire(peak));
        let memory = match wait.await {
            Ok(Ok(memory)) => memory,
            // Only when the budget is set below the per-photo cap (settings refuse that): a photo
            // that could never fit is refused rather than decoded over the budget.
            Ok(Err(over)) => return Err(over_decode_budget(inspected.label(), over)),
            Err(_) => {
                return Err(PhotoError::Busy {
                    retry_after_secs: RETRY_AFTER_SECS,
                })
            }
        };
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(anyhow::Error::from)?;
        crate::telemetry::spawn_blocking_in_span(move || {
            // Held by the decoding itself: a client that goes away does not free them early.
            let _held = (permit, memory);
            process(inspected, &limits, &thresholds)
        })
        .await?
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
