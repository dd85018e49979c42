//! Header limits, bounded decoding and truncation detection, on generated images and the corpus.

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

/// As `png_claiming`, declaring 16-bit RGBA (8 bytes a pixel once decoded).
fn png16_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = png_claiming(width, height);
    png[24] = 16; // bit depth
    png[25] = 6; // colour type: RGBA
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

/// The same JPEG with its frame marked progressive (SOF2): only its header is read.
fn as_progressive(jpeg: &[u8]) -> Vec<u8> {
    let mut jpeg = jpeg.to_vec();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 1] = 0xC2;
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
    let message = assert_too_large(&vp8l_claiming(16_383, 16_383), Format::Webp, 16_383, 16_383);
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
fn deep_photos_are_refused_by_their_decoded_size_from_the_header() {
    let limits = PhotoLimits::default();
    // 36 megapixels: within the pixel limits, but 16-bit RGBA takes 275 MiB once decoded (297 MiB
    // with the decoder's working memory).
    let deep = png16_claiming(6000, 6000);
    let err = cost(Format::Png, &deep, &limits).unwrap_err();
    assert!(
        matches!(
            err,
            InspectError::TooMuchMemory {
                peak_bytes: 310_921_216,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "6000 x 6000 px would take 297 MiB of memory to decode, more than the 256 MiB \
         allowed for one photo: send it as an ordinary 8-bit JPEG, or smaller"
    );
    assert!(matches!(
        decode(Format::Png, &deep, &limits),
        Err(InspectError::TooMuchMemory { .. })
    ));
    // The same size at 8 bits per channel passes the header (108 MB of pixels).
    let cost = cost(Format::Png, &png_claiming(6000, 6000), &limits).unwrap();
    assert_eq!(cost.pixel_bytes, 108_000_000);
    assert!(cost.peak_bytes > cost.pixel_bytes);
}

#[test]
fn the_cap_is_on_the_decoding_peak_not_only_on_the_pixels() {
    let limits = PhotoLimits::default();
    // 40 megapixels of 8-bit RGB: 114 MiB of pixels, well under the 256 MiB cap.
    let baseline = jpeg_claiming(8000, 5000);
    let cost = cost(Format::Jpeg, &baseline, &limits).unwrap();
    assert_eq!(cost.pixel_bytes, 120_000_000);
    assert!(cost.peak_bytes <= limits.max_decoded_bytes);
    // Progressive, the decoder also keeps every coefficient (2 bytes each): 229 MiB more.
    let progressive = as_progressive(&baseline);
    let err = super::cost(Format::Jpeg, &progressive, &limits).unwrap_err();
    assert_eq!(
        err.to_string(),
        "8000 x 5000 px would take 368 MiB of memory to decode, more than the 256 MiB \
         allowed for one photo: send it as an ordinary 8-bit JPEG, or smaller"
    );
    assert!(matches!(
        decode(Format::Jpeg, &progressive, &limits),
        Err(InspectError::TooMuchMemory { .. })
    ));
}

#[test]
fn configured_limits_apply_to_real_images() {
    let limits = PhotoLimits {
        max_side: 100,
        ..PhotoLimits::default()
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
