//! Header inspection and bounded decoding.
//!
//! `dimensions` reads width and height from the header alone, so an oversized photo is refused
//! before a single pixel buffer exists. `decode` then decodes under `image::Limits` sized from the
//! header, after a structural walk that proves the file reaches its end marker.
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

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

use super::Format;

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
}

impl Default for PhotoLimits {
    /// SPEC "Photos": 16384 px per side, 100 megapixels.
    fn default() -> Self {
        PhotoLimits {
            max_side: 16_384,
            max_megapixels: 100,
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

/// Width and height from the header only (no pixel decoding), checked against the limits.
pub fn dimensions(
    format: Format,
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<Dimensions, InspectError> {
    read_header(format, bytes, limits).map(|header| header.dims)
}

/// Full decode under `image::Limits` (side limits from `limits`, allocations bounded from the
/// header's pixel count), proving the image is whole; returns the decoded image.
pub fn decode(
    format: Format,
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<DynamicImage, InspectError> {
    // Header first: an oversized photo that is also cut short deserves the size message.
    let header = read_header(format, bytes, limits)?;
    check_complete(format, bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(decode_limits(&header, limits));
    // `ImageReader::decode` reserves the output size against `max_alloc` before allocating it.
    let image = reader.decode().map_err(|err| unreadable(format, err))?;
    if format == Format::Jpeg && ends_in_decoder_fill(&image) {
        return Err(InspectError::Corrupt(
            "the JPEG file is damaged (part of the picture is missing): send the original again"
                .to_owned(),
        ));
    }
    Ok(image)
}

/// When zune-jpeg, run non-strict, gives up on damaged entropy data, it may leave every later
/// block with zero coefficients: flat (128, 128, 128) grey to the bottom of the image (the
/// corpus's `malformed/ianare__corrupted.jpg` is 88% grey). A camera photo whose last 8 rows are
/// exactly that grey while the rest is not is vanishingly rare, so this is taken as damage.
/// Other damage often decodes into flat or garbled colours instead, which this does not catch.
fn ends_in_decoder_fill(image: &DynamicImage) -> bool {
    const FILL: u8 = 128;
    const BAND_ROWS: usize = 8;
    let bytes = image.as_bytes();
    let height = usize::try_from(image.height()).unwrap_or(usize::MAX);
    let row_len = bytes.len().checked_div(height).unwrap_or(0);
    let band = row_len * height.min(BAND_ROWS);
    let Some(bottom) = bytes.get(bytes.len().saturating_sub(band)..) else {
        return false;
    };
    // A wholly grey image (a test card, a blank frame) is left alone.
    band > 0 && bottom.iter().all(|&b| b == FILL) && bytes.iter().any(|&b| b != FILL)
}

struct Header {
    dims: Dimensions,
    /// Size of the decoded pixel buffer, as the decoder will allocate it.
    decoded_bytes: u64,
}

fn read_header(format: Format, bytes: &[u8], limits: &PhotoLimits) -> Result<Header, InspectError> {
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
    let decoded_bytes = decoder.total_bytes();
    // Belt and braces: the side and pixel checks bound this already unless a decoder reports an
    // unexpected pixel layout.
    if decoded_bytes > limits.max_pixels() * MAX_BYTES_PER_PIXEL {
        return Err(InspectError::TooLarge {
            width,
            height,
            limits: *limits,
        });
    }
    Ok(Header {
        dims,
        decoded_bytes,
    })
}

fn decode_limits(header: &Header, limits: &PhotoLimits) -> Limits {
    let mut bounded = Limits::default();
    bounded.max_image_width = Some(limits.max_side);
    bounded.max_image_height = Some(limits.max_side);
    bounded.max_alloc = Some(header.decoded_bytes + DECODE_MARGIN);
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
    let complete = match format {
        Format::Jpeg => jpeg_reaches_eoi(bytes),
        Format::Png => png_reaches_iend(bytes),
        Format::Webp => webp_chunks_fit(bytes),
    };
    if complete {
        return Ok(());
    }
    Err(InspectError::Corrupt(format!(
        "the {} file is incomplete (cut short, perhaps during transfer): send it again",
        label(format)
    )))
}

fn be_u16(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_be_bytes([b[0], b[1]])))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok()
}

fn le_u32(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
}

/// True when the JPEG walks from SOI through at least one scan to an EOI marker.
fn jpeg_reaches_eoi(bytes: &[u8]) -> bool {
    const SOS: u8 = 0xDA;
    const EOI: u8 = 0xD9;
    let mut pos = 2; // after SOI, which `sniff` has checked
    let mut seen_scan = false;
    while let Some((after, marker)) = next_jpeg_marker(bytes, pos) {
        pos = after;
        match marker {
            EOI => return seen_scan,
            // Markers without a length field.
            0x01 | 0xD8 => {}
            _ => {
                let Some(length) = be_u16(bytes, pos).filter(|&length| length >= 2) else {
                    return false;
                };
                pos += length;
                if pos > bytes.len() {
                    return false;
                }
                // After a scan header come entropy-coded bytes: `next_jpeg_marker` skips them.
                seen_scan |= marker == SOS;
            }
        }
    }
    false
}

/// Finds the next marker at or after `from`, skipping what cannot start a segment: entropy-coded
/// bytes, stuffed `FF 00`, fill `FF FF` and restart markers inside a scan. Returns the position
/// just after the marker and the marker code.
fn next_jpeg_marker(bytes: &[u8], from: usize) -> Option<(usize, u8)> {
    let mut at = from;
    loop {
        let ff = at + bytes.get(at..)?.iter().position(|&b| b == 0xFF)?;
        match *bytes.get(ff + 1)? {
            0x00 | 0xFF | 0xD0..=0xD7 => at = ff + 1,
            marker => return Some((ff + 2, marker)),
        }
    }
}

/// True when the PNG chunks, skipped by their lengths, reach a whole IEND chunk.
fn png_reaches_iend(bytes: &[u8]) -> bool {
    let mut pos = 8; // after the signature, which `sniff` has checked
    loop {
        let Some(length) = be_u32(bytes, pos) else {
            return false;
        };
        // length, type, data, CRC
        let Some(end) = length.checked_add(12).and_then(|n| n.checked_add(pos)) else {
            return false;
        };
        if end > bytes.len() {
            return false;
        }
        if bytes.get(pos + 4..pos + 8) == Some(b"IEND".as_slice()) {
            return true;
        }
        pos = end;
    }
}

/// True when the RIFF payload fits in the file and every chunk fits in the payload.
fn webp_chunks_fit(bytes: &[u8]) -> bool {
    let Some(riff_end) = le_u32(bytes, 4).and_then(|size| size.checked_add(8)) else {
        return false;
    };
    if riff_end > bytes.len() || riff_end < 12 {
        return false;
    }
    let mut pos = 12; // after "RIFF", the size and "WEBP"
    while pos < riff_end {
        let Some(size) = le_u32(bytes, pos + 4) else {
            return false;
        };
        let Some(end) = size.checked_add(pos + 8).filter(|&end| end <= riff_end) else {
            return false;
        };
        // Chunks are padded to an even size; tolerate a missing pad byte on the last one.
        pos = (end + (size & 1)).min(riff_end);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photos::{sniff, Sniffed};
    use image::RgbImage;

    /// Deterministic noise so that every encoder has real work to do and cuts land mid-data.
    fn noisy(width: u32, height: u32) -> DynamicImage {
        let mut state: u32 = 0x2545_f491;
        let image = RgbImage::from_fn(width, height, |x, y| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let n = (state >> 24) as u8;
            image::Rgb([n, (x % 256) as u8 ^ n, (y % 256) as u8])
        });
        DynamicImage::ImageRgb8(image)
    }

    fn encode(image: &DynamicImage, format: Format) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, format.image_format()).unwrap();
        out.into_inner()
    }

    /// A valid PNG whose IHDR claims `width` x `height`, with a correct CRC.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut png = encode(&noisy(4, 4), Format::Png);
        assert_eq!(&png[12..16], b"IHDR");
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32fast::hash(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    /// A valid JPEG whose SOF0 claims `width` x `height`.
    fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
        let mut jpeg = encode(&noisy(16, 16), Format::Jpeg);
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        jpeg
    }

    /// A lossless WebP whose VP8L header claims `width` x `height` (at most 16384 each).
    fn vp8l_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut webp = encode(&noisy(4, 4), Format::Webp);
        assert_eq!(&webp[12..16], b"VP8L");
        let header = u32::from_le_bytes([webp[21], webp[22], webp[23], webp[24]]);
        let header = (header & !0x0FFF_FFFF) | (width - 1) | ((height - 1) << 14);
        webp[21..25].copy_from_slice(&header.to_le_bytes());
        webp
    }

    /// An extended WebP whose VP8X canvas claims `width` x `height` (24 bits each), wrapping a
    /// small real VP8L image.
    fn vp8x_claiming(width: u32, height: u32) -> Vec<u8> {
        let simple = encode(&noisy(4, 4), Format::Webp);
        let mut vp8x = b"VP8X\x0a\0\0\0\0\0\0\0".to_vec();
        vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        let payload = [b"WEBP".as_slice(), &vp8x, &simple[12..]].concat();
        let size = u32::try_from(payload.len()).unwrap();
        [b"RIFF".as_slice(), &size.to_le_bytes(), &payload].concat()
    }

    /// Both entry points refuse with the claimed size; returns the message.
    fn assert_too_large(bytes: &[u8], format: Format, width: u32, height: u32) -> String {
        let limits = PhotoLimits::default();
        let header = dimensions(format, bytes, &limits).map(|_| ());
        let decoded = decode(format, bytes, &limits).map(|_| ());
        let mut messages = Vec::new();
        for result in [header, decoded] {
            match result {
                Err(
                    err @ InspectError::TooLarge {
                        width: w,
                        height: h,
                        ..
                    },
                ) => {
                    assert_eq!((w, h), (width, height));
                    messages.push(err.to_string());
                }
                other => panic!("{format:?} {width}x{height}: expected TooLarge, got {other:?}"),
            }
        }
        messages.swap_remove(0)
    }

    fn assert_corrupt(result: Result<DynamicImage, InspectError>, what: &str) {
        match result {
            Err(InspectError::Corrupt(message)) => {
                assert!(
                    !message.is_empty() && !message.contains('/'),
                    "{what}: {message}"
                );
            }
            Err(other) => panic!("{what}: expected Corrupt, got {other:?}"),
            Ok(_) => panic!("{what}: expected Corrupt, got a decoded image"),
        }
    }

    const FORMATS: [Format; 3] = [Format::Jpeg, Format::Png, Format::Webp];

    #[test]
    fn each_format_decodes_whole() {
        let limits = PhotoLimits::default();
        for format in FORMATS {
            let bytes = encode(&noisy(64, 48), format);
            let dims = dimensions(format, &bytes, &limits).unwrap();
            assert_eq!(
                dims,
                Dimensions {
                    width: 64,
                    height: 48
                }
            );
            let image = decode(format, &bytes, &limits).unwrap();
            assert_eq!((image.width(), image.height()), (64, 48), "{format:?}");
        }
    }

    #[test]
    fn headers_claiming_64250_px_square_are_too_large_without_allocating() {
        assert_too_large(&png_claiming(64_250, 64_250), Format::Png, 64_250, 64_250);
        assert_too_large(&jpeg_claiming(64_250, 64_250), Format::Jpeg, 64_250, 64_250);
        assert_too_large(&vp8x_claiming(64_250, 64_250), Format::Webp, 64_250, 64_250);
    }

    #[test]
    fn lossless_webp_at_its_largest_is_too_large() {
        // VP8L says at most 16384 per side, and image-webp 0.2 reads 16384 as 0 (it masks
        // `1 + field` to 14 bits), so 16383 is the largest it can claim: 268 megapixels.
        let message =
            assert_too_large(&vp8l_claiming(16_383, 16_383), Format::Webp, 16_383, 16_383);
        assert!(message.ends_with("exceeds 100 megapixels"), "{message}");
    }

    #[test]
    fn a_side_over_the_limit_is_too_large() {
        let message = assert_too_large(&png_claiming(20_000, 10), Format::Png, 20_000, 10);
        assert_eq!(message, "20000 x 10 px exceeds 16384 px per side");
        assert_too_large(&jpeg_claiming(10, 20_000), Format::Jpeg, 10, 20_000);
        assert_too_large(&vp8x_claiming(20_000, 10), Format::Webp, 20_000, 10);
    }

    #[test]
    fn too_many_megapixels_is_too_large() {
        let message = assert_too_large(&png_claiming(12_000, 12_000), Format::Png, 12_000, 12_000);
        assert_eq!(
            message,
            "12000 x 12000 px (144.0 megapixels) exceeds 100 megapixels"
        );
        assert_too_large(&jpeg_claiming(12_000, 12_000), Format::Jpeg, 12_000, 12_000);
        assert_too_large(&vp8x_claiming(12_000, 12_000), Format::Webp, 12_000, 12_000);
    }

    #[test]
    fn configured_limits_apply_to_real_images() {
        let limits = PhotoLimits {
            max_side: 100,
            max_megapixels: 100,
        };
        for format in FORMATS {
            let bytes = encode(&noisy(200, 50), format);
            let header_err = dimensions(format, &bytes, &limits).unwrap_err();
            let decode_err = decode(format, &bytes, &limits).unwrap_err();
            for err in [header_err, decode_err] {
                assert_eq!(err.to_string(), "200 x 50 px exceeds 100 px per side");
            }
        }
    }

    #[test]
    fn truncated_files_are_corrupt_at_every_offset_tried() {
        let limits = PhotoLimits::default();
        for format in FORMATS {
            let bytes = encode(&noisy(256, 192), format);
            let len = bytes.len();
            let mut cuts: Vec<usize> = (1..40).map(|i| len * i / 40).collect();
            cuts.extend([0, 3, 9, 20, 40, len - 12, len - 2, len - 1]);
            for cut in cuts {
                let what = format!("{format:?} cut at {cut} of {len}");
                assert_corrupt(decode(format, &bytes[..cut], &limits), &what);
            }
        }
    }

    #[test]
    fn an_end_marker_inside_a_thumbnail_does_not_hide_a_cut() {
        let jpeg = encode(&noisy(128, 128), Format::Jpeg);
        // An APP1 segment holding a whole tiny "thumbnail", EOI included, right after SOI.
        let app1 = [0xFF, 0xE1, 0x00, 0x08, 0xFF, 0xD8, 0x00, 0x00, 0xFF, 0xD9];
        let with_thumbnail = [&jpeg[..2], &app1, &jpeg[2..]].concat();
        let limits = PhotoLimits::default();
        assert!(decode(Format::Jpeg, &with_thumbnail, &limits).is_ok());
        let cut = &with_thumbnail[..with_thumbnail.len() * 3 / 4];
        assert_corrupt(
            decode(Format::Jpeg, cut, &limits),
            "JPEG with thumbnail, cut",
        );
    }

    #[test]
    fn a_bottom_band_of_decoder_grey_is_seen_as_damage() {
        let mut image = noisy(64, 40).to_rgb8();
        assert!(!ends_in_decoder_fill(&DynamicImage::ImageRgb8(
            image.clone()
        )));
        for y in 32..40 {
            for x in 0..64 {
                image.put_pixel(x, y, image::Rgb([128; 3]));
            }
        }
        assert!(ends_in_decoder_fill(&DynamicImage::ImageRgb8(image)));
        let grey = RgbImage::from_pixel(64, 40, image::Rgb([128; 3]));
        assert!(!ends_in_decoder_fill(&DynamicImage::ImageRgb8(grey)));
        assert!(!ends_in_decoder_fill(&DynamicImage::new_rgb8(0, 0)));
    }

    #[test]
    fn a_flat_grey_jpeg_is_not_mistaken_for_a_damaged_one() {
        let grey = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, image::Rgb([128; 3])));
        let jpeg = encode(&grey, Format::Jpeg);
        assert!(decode(Format::Jpeg, &jpeg, &PhotoLimits::default()).is_ok());
    }

    #[test]
    fn the_real_corpus_decodes_or_is_refused_as_expected() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        if !root.is_dir() {
            return; // the corpus sits beside the checkout and is optional
        }
        let limits = PhotoLimits::default();
        let read = |name: &str| std::fs::read(root.join(name)).unwrap();
        let too_large = decode(
            Format::Jpeg,
            &read("malformed/fuzzdb__lottapixel.jpg"),
            &limits,
        );
        assert!(matches!(too_large, Err(InspectError::TooLarge { .. })));
        for (format, name) in [
            (Format::Jpeg, "malformed/ianare__corrupted.jpg"),
            (Format::Jpeg, "malformed/pillow__truncated_jpeg.jpg"),
            (Format::Jpeg, "malformed/exiv2__IMGP0006-min.jpg"),
            (Format::Png, "malformed/pillow__truncated_image.png"),
            (Format::Png, "malformed/pillow__broken.png"),
            (Format::Webp, "malformed/exiv2__issue_1841_poc.webp"),
        ] {
            assert_corrupt(decode(format, &read(name), &limits), name);
        }
        for dir in [
            "jpeg-camera",
            "jpeg-phone",
            "jpeg-orientation",
            "png",
            "webp",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                let Sniffed::Supported(format) = sniff(&bytes) else {
                    continue;
                };
                assert!(
                    decode(format, &bytes, &limits).is_ok(),
                    "{}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn trailing_bytes_after_the_end_are_accepted() {
        let limits = PhotoLimits::default();
        for format in FORMATS {
            let bytes = [encode(&noisy(32, 32), format), b"trailing junk".to_vec()].concat();
            assert!(decode(format, &bytes, &limits).is_ok(), "{format:?}");
        }
    }

    #[test]
    fn random_bytes_after_a_valid_magic_are_corrupt() {
        let limits = PhotoLimits::default();
        let mut state: u32 = 7;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect();
        let magics: [(Format, &[u8]); 3] = [
            (Format::Jpeg, b"\xFF\xD8\xFF"),
            (Format::Png, b"\x89PNG\r\n\x1a\n"),
            (Format::Webp, b"RIFF\x00\x10\x00\x00WEBP"),
        ];
        for (format, magic) in magics {
            for bytes in [magic.to_vec(), [magic, noise.as_slice()].concat()] {
                let what = format!(
                    "{format:?} magic + {} random bytes",
                    bytes.len() - magic.len()
                );
                assert!(
                    matches!(
                        dimensions(format, &bytes, &limits),
                        Err(InspectError::Corrupt(_))
                    ),
                    "{what}"
                );
                assert_corrupt(decode(format, &bytes, &limits), &what);
            }
        }
    }
}
