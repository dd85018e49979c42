//! One photo through the pipeline, in the order the privacy promise needs: sniff the format from
//! the bytes, refuse oversize from the header, strip the metadata, decode the stripped bytes under
//! limits (proving what we store is a whole image), assess quality, hash. CPU-bound: callers run it
//! off the async threads, under the photo concurrency bound.

use sha2::{Digest, Sha256};
use telederm_schemas as wire;

use super::upload::RawPhoto;
use crate::{
    domain::{PhotoId, PhotoKind},
    error::ApiError,
    photos::{
        inspect::{self, InspectError, PhotoLimits},
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
    pub bytes: Vec<u8>,
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

pub fn process(
    raw: RawPhoto,
    limits: &PhotoLimits,
    thresholds: &QualityThresholds,
) -> Result<Processed, ApiError> {
    let label = format!("photo {} ({})", raw.number, raw.kind);
    let format = match sniff(&raw.bytes) {
        Sniffed::Supported(format) => format,
        Sniffed::Unsupported { kind, hint } => {
            return Err(ApiError::UnsupportedFormat(format!(
                "{label} is {kind}: {hint}"
            )))
        }
    };
    inspect::dimensions(format, &raw.bytes, limits).map_err(|e| inspect_error(&label, e))?;
    let stripped = strip::strip(format, &raw.bytes).map_err(|e| match e {
        StripError::Corrupt(why) => ApiError::ImageCorrupt(format!("{label} is damaged: {why}")),
        StripError::NotClean(why) => {
            // Our own output failed our own check: refuse to store it, and tell us.
            tracing::error!(reason = %why, "stripped photo failed verification");
            ApiError::ImageCorrupt(format!("{label} could not be cleaned of its metadata"))
        }
    })?;
    drop(raw.bytes);
    let image =
        inspect::decode(format, &stripped.bytes, limits).map_err(|e| inspect_error(&label, e))?;
    let warnings = quality::assess(&image, thresholds)
        .into_iter()
        .map(|w| wire::QualityWarning {
            code: wire_name(&w.code),
            message: w.message,
        })
        .collect();
    let (width, height) = (image.width(), image.height());
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
        warnings,
    })
}

fn inspect_error(label: &str, e: InspectError) -> ApiError {
    match e {
        InspectError::TooLarge { .. } => ApiError::ImageTooLarge(format!("{label}: {e}")),
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
