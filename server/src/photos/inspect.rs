//! Header inspection and bounded decoding.
//!
//! `dimensions` reads width and height from the header alone, so an oversized photo is refused
//! before a single pixel buffer exists. `decode` then decodes under `image::Limits` sized from the
//! header, after a structural walk that proves the file reaches its end marker. `prove` is what
//! the intake runs: the same checks, decoding a YCbCr or grey JPEG to its luma plane only and
//! making the quality check's working copy on the way (see `proof`).
//!
//! Why the walk: on image 0.25, zune-jpeg (run non-strict by `image`) fills a cut-short JPEG with
//! grey and reports success, and the PNG decoder accepts a file whose IEND is cut. Walking the
//! container catches every cut made before the end marker:
//! - JPEG: segments are skipped by their declared lengths (so an `FF D9` inside an embedded
//!   thumbnail cannot fool the walk) and entropy-coded data is scanned for the next marker; the
//!   file must reach EOI after at least one scan.
//! - PNG: chunks are skipped by their lengths; the file must hold a whole IEND chunk. IDAT
//!   truncation and CRC errors are also reported by the decoder.
//! - WebP: the RIFF size must fit in the file and every chunk must fit in the RIFF payload.
//!   Cut bitstreams are also reported by image-webp.
//!
//! zune-jpeg may also fill the blocks after damaged scan data with flat grey;
//! `ends_in_decoder_fill` catches that when the grey reaches the bottom 8 rows.
//!
//! Not detected (measured): JPEG scan data that is overwritten, shortened, or cut and given a
//! fresh EOI usually decodes into garbled or flat colours without any error; PNG or WebP damage
//! that still decodes (ancillary chunks are not CRC-checked here; strip drops them). Trailing
//! bytes after the end marker are accepted: stripping removes them.

mod complete;
mod cost;
mod proof;
use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

use super::Format;

pub use proof::{prove, Proof};

/// Decoded pixels can take up to 8 bytes each (16-bit RGBA PNG), the widest layout our three
/// formats produce.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Allocation allowed while reading headers only: ICC profiles and compressed text chunks that
/// the PNG decoder inflates before the first IDAT. Real headers need well under 1 MiB; a text bomb
/// stops here.
const HEADER_ALLOC: u64 = 16 * 1024 * 1024;

/// Allocation allowed beyond the decoded pixels. Measured on image 0.25.10 with 4000 x 3000 PNGs
/// (8- and 16-bit, palette, 1-bit): the output plus 1 MiB suffices, as the PNG decoder writes
/// straight into the output. The JPEG and WebP decoders do not count their working memory
/// against `max_alloc`; the side and pixel limits bound it instead.
const DECODE_MARGIN: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct PhotoLimits {
    /// Longest accepted side, in pixels.
    pub max_side: u32,
    /// Largest accepted pixel count, in millions of pixels (camera megapixels, not 2^20).
    pub max_megapixels: u32,
    /// The most memory decoding one photo may take, in bytes: its pixel buffer (width x height x
    /// channels x bytes per channel) and the decoder's working memory (see [`DecodeCost`]).
    pub max_decoded_bytes: u64,
}

impl Default for PhotoLimits {
    /// SPEC "Photos": 16384 px per side, 100 megapixels; issue #10: 256 MiB decoded.
    fn default() -> Self {
        PhotoLimits {
            max_side: 16_384,
            max_megapixels: 100,
            max_decoded_bytes: 256 * 1024 * 1024,
        }
    }
}

impl PhotoLimits {
    fn max_pixels(&self) -> u64 {
        u64::from(self.max_megapixels) * 1_000_000
    }

    fn check(&self, dims: Dimensions) -> Result<(), InspectError> {
        let too_large = dims.width > self.max_side
            || dims.height > self.max_side
            || dims.pixels() > self.max_pixels();
        if too_large {
            return Err(InspectError::TooLarge {
                width: dims.width,
                height: dims.height,
                limits: *self,
            });
        }
        Ok(())
    }
}

/// What decoding a photo will hold in memory, read from its header before any decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeCost {
    pub dims: Dimensions,
    /// The decoded pixel buffer.
    pub pixel_bytes: u64,
    /// Everything held at once while decoding and checking quality: the pixels, the decoder's own
    /// working buffers and the quality check's working copies (see `cost`).
    pub peak_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

impl Dimensions {
    fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// Answered with 413 `image_too_large`.
    #[error("{}", too_large_message(*width, *height, limits))]
    TooLarge {
        width: u32,
        height: u32,
        limits: PhotoLimits,
    },
    /// Answered with 413 `image_too_large`: within the pixel limits, but its decoding would take
    /// more than the memory allowed for one photo: too deep (16 bits per channel), or a layout
    /// whose decoder holds much more than the pixels (progressive JPEG, lossless WebP).
    #[error("{}", too_much_memory_message(*width, *height, *peak_bytes, *limit))]
    TooMuchMemory {
        width: u32,
        height: u32,
        peak_bytes: u64,
        limit: u64,
    },
    /// Answered with 422 `image_corrupt`; the message is meant for the GP and names no internals.
    #[error("{0}")]
    Corrupt(String),
}

fn too_large_message(width: u32, height: u32, limits: &PhotoLimits) -> String {
    if width > limits.max_side || height > limits.max_side {
        return format!(
            "{width} x {height} px exceeds {} px per side",
            limits.max_side
        );
    }
    let megapixels = Dimensions { width, height }.pixels() as f64 / 1_000_000.0;
    format!(
        "{width} x {height} px ({megapixels:.1} megapixels) exceeds {} megapixels",
        limits.max_megapixels
    )
}

fn too_much_memory_message(width: u32, height: u32, peak_bytes: u64, limit: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    format!(
        "{width} x {height} px would take {} MiB of memory to decode, more than the {} MiB \
         allowed for one photo: send it as an ordinary 8-bit JPEG, or smaller",
        peak_bytes.div_ceil(MIB),
        limit / MIB
    )
}

/// Width and height from the header only (no pixel decoding), checked against the limits.
pub fn dimensions(
    format: Format,
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<Dimensions, InspectError> {
    read_header(format, bytes, limits).map(|header| header.dims)
}

/// The memory decoding will take, from the header and the container only, checked against the
/// limits (so an oversized photo is refused before any decoding).
pub fn cost(
    format: Format,
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<DecodeCost, InspectError> {
    read_header(format, bytes, limits)
}

/// Full decode under `image::Limits` (side limits from `limits`, allocations bounded from the
/// header's pixel count), proving the image is whole; returns the decoded image.
pub fn decode(
    format: Format,
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<DynamicImage, InspectError> {
    // Header first: an oversized photo that is also cut short deserves the size message.
    let cost = read_header(format, bytes, limits)?;
    check_complete(format, bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(decode_limits(&cost, limits));
    // `ImageReader::decode` reserves the output size against `max_alloc` before allocating it.
    let image = reader.decode().map_err(|err| unreadable(format, err))?;
    if format == Format::Jpeg && ends_in_decoder_fill(&image) {
        return Err(damaged_jpeg());
    }
    Ok(image)
}

fn damaged_jpeg() -> InspectError {
    InspectError::Corrupt(
        "the JPEG file is damaged (part of the picture is missing): send the original again"
            .to_owned(),
    )
}

/// When zune-jpeg, run non-strict, gives up on damaged entropy data, it may leave every later
/// block with zero coefficients: flat (128, 128, 128) grey to the bottom of the image (the
/// corpus's `malformed/ianare__corrupted.jpg` is 88% grey). A camera photo whose last 8 rows are
/// exactly that grey while the rest is not is vanishingly rare, so this is taken as damage.
/// Other damage often decodes into flat or garbled colours instead, which this does not catch.
fn ends_in_decoder_fill(image: &DynamicImage) -> bool {
    ends_in_decoder_fill_bytes(image.as_bytes(), image.height())
}

/// [`ends_in_decoder_fill`] on the samples of an image `height` rows high.
fn ends_in_decoder_fill_bytes(bytes: &[u8], height: u32) -> bool {
    const FILL: u8 = 128;
    const BAND_ROWS: usize = 8;
    let height = usize::try_from(height).unwrap_or(usize::MAX);
    let row_len = bytes.len().checked_div(height).unwrap_or(0);
    let band = row_len * height.min(BAND_ROWS);
    let Some(bottom) = bytes.get(bytes.len().saturating_sub(band)..) else {
        return false;
    };
    // A wholly grey image (a test card, a blank frame) is left alone.
    band > 0 && bottom.iter().all(|&b| b == FILL) && bytes.iter().any(|&b| b != FILL)
}

/// Reads the header and works out the decoding's cost, refusing a photo over the limits.
fn read_header(
    format: Format,
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<DecodeCost, InspectError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    // No side limits here: `image` would refuse without saying the size, and the GP needs it.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(HEADER_ALLOC);
    reader.limits(header_limits);
    let decoder = reader
        .into_decoder()
        .map_err(|err| unreadable(format, err))?;
    let (width, height) = decoder.dimensions();
    let dims = Dimensions { width, height };
    if width == 0 || height == 0 {
        return Err(InspectError::Corrupt(format!(
            "the {} file declares an empty image",
            label(format)
        )));
    }
    limits.check(dims)?;
    // The size of the decoded pixel buffer, as the decoder will allocate it.
    let pixel_bytes = decoder.total_bytes();
    // Belt and braces: the side and pixel checks bound this already unless a decoder reports an
    // unexpected pixel layout.
    if pixel_bytes > limits.max_pixels() * MAX_BYTES_PER_PIXEL {
        return Err(InspectError::TooLarge {
            width,
            height,
            limits: *limits,
        });
    }
    // The cap is on everything decoding holds at once, not on the pixels alone: an 89-megapixel
    // progressive JPEG has 267 MB of pixels but keeps 537 MB of coefficients beside them.
    let peak_bytes = pixel_bytes + cost::working_bytes(format, bytes, dims);
    if peak_bytes > limits.max_decoded_bytes {
        return Err(InspectError::TooMuchMemory {
            width,
            height,
            peak_bytes,
            limit: limits.max_decoded_bytes,
        });
    }
    Ok(DecodeCost {
        dims,
        pixel_bytes,
        peak_bytes,
    })
}

fn decode_limits(cost: &DecodeCost, limits: &PhotoLimits) -> Limits {
    let mut bounded = Limits::default();
    bounded.max_image_width = Some(limits.max_side);
    bounded.max_image_height = Some(limits.max_side);
    bounded.max_alloc = Some(cost.pixel_bytes + DECODE_MARGIN);
    bounded
}

fn label(format: Format) -> &'static str {
    match format {
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
        Format::Webp => "WebP",
    }
}

/// Maps a decoder error to a message the GP can act on. The decoder's own text goes to the log
/// only: it can name internals.
fn unreadable(format: Format, err: ImageError) -> InspectError {
    tracing::debug!(format = format.as_str(), error = %err, "photo could not be decoded");
    let name = label(format);
    let message = match err {
        ImageError::Limits(_) => {
            format!("the {name} file needs more memory to decode than its size allows")
        }
        ImageError::Unsupported(_) => format!(
            "the {name} file uses a variant that cannot be read: \
             export the photo again as a standard JPEG"
        ),
        _ => format!("the {name} file is damaged and cannot be read: send the original again"),
    };
    InspectError::Corrupt(message)
}

fn check_complete(format: Format, bytes: &[u8]) -> Result<(), InspectError> {
    if complete::reaches_end(format, bytes) {
        return Ok(());
    }
    Err(InspectError::Corrupt(format!(
        "the {} file is incomplete (cut short, perhaps during transfer): send it again",
        label(format)
    )))
}

#[cfg(test)]
mod tests;
