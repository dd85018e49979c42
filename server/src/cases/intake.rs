//! One photo through the pipeline, in the order the privacy promise needs: sniff the format from
//! the bytes, refuse oversize from the header (`inspect`); then strip the metadata, decode the
//! stripped bytes under limits (proving what we store is a whole image), assess quality, hash
//! (`process`). CPU-bound: callers run both off the async threads, and `process` under the photo
//! concurrency bound and the decode memory budget, sized from what `inspect` found.

use sha2::{Digest, Sha256};
use telederm_schemas as wire;
use zeroize::Zeroizing;

use super::upload::{PhotoHold, RawPhoto};
use crate::{
    domain::{PhotoId, PhotoKind},
    error::ApiError,
    memory::wipe_image,
    photos::{
        inspect::{self, DecodeCost, InspectError, PhotoLimits},
        quality::{self, QualityThresholds},
        sniff,
        strip::{self, StripError},
        Format, Sniffed,
    },
};

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
    /// The photo's share of the upload memory budget and its user's upload slot, given back once
    /// it is sealed.
    pub hold: PhotoHold,
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
pub fn inspect(raw: RawPhoto, limits: &PhotoLimits) -> Result<Inspected, ApiError> {
    let label = format!("photo {} ({})", raw.number, raw.kind);
    let format = match sniff(&raw.bytes) {
        Sniffed::Supported(format) => format,
        Sniffed::Unsupported { kind, hint } => {
            return Err(ApiError::UnsupportedFormat(format!(
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
) -> Result<Processed, ApiError> {
    let Inspected {
        raw, label, format, ..
    } = photo;
    let stripped = strip::strip(format, &raw.bytes).map_err(|e| match e {
        StripError::Corrupt(why) => ApiError::ImageCorrupt(format!("{label} is damaged: {why}")),
        StripError::NotClean(why) => {
            // Our own output failed our own check: refuse to store it, and tell us.
            tracing::error!(reason = %why, "stripped photo failed verification");
            ApiError::ImageCorrupt(format!("{label} could not be cleaned of its metadata"))
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

fn inspect_error(label: &str, e: InspectError) -> ApiError {
    match e {
        InspectError::TooLarge { .. } | InspectError::TooMuchMemory { .. } => {
            ApiError::ImageTooLarge(format!("{label}: {e}"))
        }
        InspectError::Corrupt(why) => ApiError::ImageCorrupt(format!("{label} is damaged: {why}")),
    }
}

/// The snake_case name a value serialises to (`Removed::Gps` -> `gps`).
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "other".to_owned(),
    }
}

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
