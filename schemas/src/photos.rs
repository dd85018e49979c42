//! A photo checked before it is sent: what the intake pipeline would keep of it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::QualityWarning;

/// What `POST /api/v1/photos/check` found: the photo as it would be stored once stripped, and
/// what the GP can fix before sending it. Nothing of it is kept on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PhotoCheck {
    /// `jpeg`, `png` or `webp`.
    pub format: String,
    /// In pixels, as stored (the orientation tag is kept, not applied).
    pub width: u32,
    pub height: u32,
    /// Size the stripped photo would have.
    pub bytes: u64,
    /// SHA-256 of the stripped photo, hex: the `sha256` the stored photo will have.
    pub sha256: String,
    /// What stripping removes: `gps`, `camera`, `datetime`, `thumbnail`, `exif`, `xmp`, `iptc`,
    /// `comment`, `secondary_image`, `trailing_data`, `png_text`, `png_time`, `other`.
    pub metadata_removed: Vec<String>,
    /// Problems the GP can fix by taking the photo again (`too_small`, `blurred`,
    /// `underexposed`, `overexposed`); they never refuse the photo.
    pub quality_warnings: Vec<QualityWarning>,
}

/// The part of `POST /api/v1/photos/check` (documentation only): exactly one photo part, named
/// by its kind.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhotoCheckUpload {
    /// Send one of `overview`, `closeup` or `dermoscopy`.
    #[schema(value_type = Option<String>, format = Binary)]
    overview: Option<Vec<u8>>,
    #[schema(value_type = Option<String>, format = Binary)]
    closeup: Option<Vec<u8>>,
    #[schema(value_type = Option<String>, format = Binary)]
    dermoscopy: Option<Vec<u8>>,
}
