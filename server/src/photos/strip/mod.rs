//! In-process metadata stripping: the heart of the privacy promise.
//!
//! Deny by default. Each container (JPEG markers, PNG chunks, RIFF/WebP chunks) is walked by hand
//! and only what decoding and faithful display need is copied, byte for byte: the compressed
//! image data is never re-encoded, so the pixels are exactly the original's. Everything else is
//! dropped and named in [`Stripped::removed`].
//!
//! Orientation. The stored photo must display as a current browser displays the original: the
//! browser honours the EXIF Orientation tag and ignores XMP. We keep the pixels untouched and,
//! when the original's EXIF orientation is 2..=8, write a fresh minimal EXIF block holding only
//! that tag (TIFF header, IFD0 with one entry, no other IFD). That is lossless and reproduces
//! exactly what the viewer did with the original; rotating the pixels instead would mean a
//! re-encode (lossy for JPEG). Orientation 1 or absent: no EXIF at all.
//!
//! Every output is re-parsed by [`verify_clean`], a separate walker with its own allowlists, before
//! [`strip`] returns it.

use std::collections::BTreeSet;

use serde::Serialize;
use zeroize::Zeroizing;

use super::format::Format;

mod bytes;
mod exif;
mod jpeg;
mod png;
mod verify;
mod webp;

#[cfg(test)]
mod testdata;
#[cfg(test)]
mod tests;

pub use verify::verify_clean;

/// A photo with its metadata removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The cleaned file, same format as the input: plaintext, wiped when dropped.
    pub bytes: Zeroizing<Vec<u8>>,
    /// What was found and removed.
    pub removed: BTreeSet<Removed>,
    /// The EXIF orientation kept (1 = none / normal), 1..=8.
    pub orientation: u16,
}

/// A kind of metadata found in, and removed from, a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Removed {
    /// The EXIF GPS directory (position, altitude, GPS time).
    Gps,
    /// Make, model, serial numbers, lens, maker notes, software.
    Camera,
    /// EXIF dates and times.
    Datetime,
    /// Embedded thumbnails (EXIF IFD1, JFIF/JFXX).
    Thumbnail,
    /// Any other EXIF content.
    Exif,
    Xmp,
    /// IPTC, including Photoshop APP13 `8BIM` resources.
    Iptc,
    /// JPEG COM segments.
    Comment,
    /// MPF indexes, gain maps, depth maps, extended XMP payloads, further images after the first.
    SecondaryImage,
    /// Bytes after the end of the image.
    TrailingData,
    /// PNG `tEXt`, `zTXt`, `iTXt`.
    PngText,
    /// PNG `tIME`.
    PngTime,
    /// Unknown or vendor segments and chunks (vendor APPn, JUMBF/C2PA, private PNG chunks, ...).
    Other,
}

#[derive(Debug, thiserror::Error)]
pub enum StripError {
    /// Malformed container: the caller answers 422 `image_corrupt`.
    #[error("{0}")]
    Corrupt(String),
    /// The re-parse found something outside the allowlist: refuse to store.
    #[error("{0}")]
    NotClean(String),
}

fn corrupt(why: impl Into<String>) -> StripError {
    StripError::Corrupt(why.into())
}

/// Removes every piece of metadata from `input`, keeping the image data byte for byte, colour
/// profiles, and the EXIF orientation (as a minimal EXIF block). The result has passed
/// [`verify_clean`].
pub fn strip(format: Format, input: &[u8]) -> Result<Stripped, StripError> {
    let stripped = match format {
        Format::Jpeg => jpeg::strip(input)?,
        Format::Png => png::strip(input)?,
        Format::Webp => webp::strip(input)?,
    };
    verify_clean(format, &stripped.bytes)?;
    Ok(stripped)
}
