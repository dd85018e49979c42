//! What decoding a photo and checking its quality will hold in memory at once, from its header and
//! container alone, so that the decode budget is taken before any pixel buffer exists.
//!
//! Measured on image 0.25.10 with a counting allocator (4000 x 3000 generated photos and the
//! shared corpus), peak heap over the decoded pixel buffer:
//! - baseline JPEG (zune-jpeg decodes into the output a row of blocks at a time): 1.05-1.27 x, a
//!   few MiB; progressive or multi-scan JPEG keep every DCT coefficient until the last scan (read
//!   from zune-jpeg 0.5: 2 bytes per coefficient, 64 per 8 x 8 block and component);
//! - PNG (the decoder writes into the output): 1.01 x;
//! - WebP: lossless decodes into 4 bytes per pixel first (2.33 x for RGB), lossy into YUV planes
//!   (1.6-1.7 x);
//! - the quality check's working copies (at most 1024 px long): 3 MiB for 8-bit RGB, 7 MiB for
//!   16-bit RGBA.

use super::{complete, Dimensions, Format};

/// Fixed allowance for decoder rows, tables and the quality check's working copies.
const BASE_MARGIN: u64 = 16 * 1024 * 1024;
/// Per pixel of width: decoders keep a few rows (or rows of 8 x 8 blocks) of working space.
const MARGIN_PER_COLUMN: u64 = 1024;

/// Peak bytes of decoding plus quality check, beyond the decoded pixels themselves.
pub(super) fn working_bytes(format: Format, bytes: &[u8], dims: Dimensions) -> u64 {
    let (width, height) = (u64::from(dims.width), u64::from(dims.height));
    let scratch = match format {
        Format::Jpeg => match jpeg_layout(bytes) {
            Some(layout) if layout.keeps_coefficients() => {
                // Padded to whole 16 x 16 MCUs; every component at full resolution (4:4:4) is the
                // worst case, subsampled chroma needs less.
                let blocks = width.div_ceil(16) * 16 * height.div_ceil(16) * 16;
                blocks * u64::from(layout.components) * 2
            }
            _ => 0,
        },
        Format::Png => 0,
        Format::Webp => width * height * 4,
    };
    scratch + BASE_MARGIN + width * MARGIN_PER_COLUMN
}

struct JpegLayout {
    progressive: bool,
    components: u8,
    scans: usize,
}

impl JpegLayout {
    /// zune-jpeg keeps the whole image's coefficients when the first scan does not carry every
    /// component: always for progressive files, and for baseline files with a scan per component.
    fn keeps_coefficients(&self) -> bool {
        self.progressive || self.scans > 1
    }
}

/// The frame type, component count and number of scans of the main image (segments are skipped by
/// their lengths, so an embedded thumbnail is not mistaken for it).
fn jpeg_layout(bytes: &[u8]) -> Option<JpegLayout> {
    const SOS: u8 = 0xDA;
    const EOI: u8 = 0xD9;
    let mut layout: Option<JpegLayout> = None;
    let mut pos = 2;
    while let Some((after, marker)) = complete::next_jpeg_marker(bytes, pos) {
        pos = after;
        match marker {
            EOI => break,
            0x01 | 0xD8 => {}
            _ => {
                let length = complete::be_u16(bytes, pos).filter(|&length| length >= 2)?;
                match marker {
                    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
                    0xC0..=0xCF if ![0xC4, 0xC8, 0xCC].contains(&marker) => {
                        layout.get_or_insert(JpegLayout {
                            progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
                            components: *bytes.get(pos + 7)?,
                            scans: 0,
                        });
                    }
                    SOS => {
                        if let Some(layout) = layout.as_mut() {
                            layout.scans += 1;
                            if layout.keeps_coefficients() {
                                break;
                            }
                        }
                    }
                    _ => {}
                }
                pos += length;
            }
        }
    }
    layout
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_baseline_jpeg_needs_only_the_margin() {
        let bytes = jpeg(64, 48);
        let layout = jpeg_layout(&bytes).unwrap();
        assert_eq!(
            (layout.progressive, layout.components, layout.scans),
            (false, 3, 1)
        );
        let dims = Dimensions {
            width: 64,
            height: 48,
        };
        assert_eq!(
            working_bytes(Format::Jpeg, &bytes, dims),
            BASE_MARGIN + 64 * 1024
        );
    }

    #[test]
    fn a_progressive_jpeg_also_needs_its_coefficients() {
        // The same file with its frame marked progressive (SOF2): only the header is read here.
        let mut bytes = jpeg(64, 48);
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bytes[sof + 1] = 0xC2;
        let dims = Dimensions {
            width: 64,
            height: 48,
        };
        assert_eq!(
            working_bytes(Format::Jpeg, &bytes, dims),
            64 * 48 * 3 * 2 + BASE_MARGIN + 64 * 1024
        );
    }

    #[test]
    fn a_webp_needs_four_bytes_a_pixel_more() {
        let dims = Dimensions {
            width: 100,
            height: 10,
        };
        assert_eq!(
            working_bytes(Format::Webp, b"", dims),
            4000 + BASE_MARGIN + 100 * 1024
        );
    }
}
