//! The photos the intake benchmark runs on: made here (a 12 MP phone-like JPEG with camera EXIF
//! and sensor noise, a PNG and a lossless WebP), plus the shared corpus beside the checkout when
//! it is there (never copied into the repository).

use std::path::{Path, PathBuf};

#[path = "../../../tests/src/fixtures/tiff.rs"]
mod tiff;
use tiff::{ascii, ifd_size, long, rationals, segment, short, write_ifd};

use image::{codecs::jpeg::JpegEncoder, ImageEncoder, Rgb, RgbImage};

pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A skin-toned picture with a dark irregular disc and per-pixel noise: noise is what makes a
/// phone JPEG weigh megabytes (a smooth synthetic image would compress to a fraction of that).
fn lesion(width: u32, height: u32, noise_amplitude: u32) -> RgbImage {
    let mut seed: u32 = 0x2545_F491;
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let radius = width.min(height) as f32 / 5.0;
    RgbImage::from_fn(width, height, |x, y| {
        // xorshift: deterministic sensor-like noise.
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % (2 * noise_amplitude + 1)) as i32 - noise_amplitude as i32;
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let wobble = 1.0 + 0.15 * (dy.atan2(dx) * 5.0).sin();
        let base: [i32; 3] = if (dx * dx + dy * dy).sqrt() < radius * wobble {
            [92, 58, 40]
        } else {
            [224, 172, 140]
        };
        let px = |c: i32| (c + noise).clamp(0, 255) as u8;
        Rgb([px(base[0]), px(base[1]), px(base[2])])
    })
}

/// A 4000 x 3000 JPEG (quality 92) with an APP1 EXIF block as a phone writes one (make, model,
/// serial, dates, orientation 6, GPS), an XMP packet and a comment: 4.2 MB, the size of the
/// phone photo issue 15 measures (sensor noise of +-12 levels).
pub fn phone_jpeg() -> Input {
    with_metadata("generated-12mp-4.2mb.jpg", &lesion(4000, 3000, 12))
}

/// The same with twice the noise, 5.6 MB: the entropy decoding, the floor of the proof, grows
/// with the file (the input of the benchmark before issue 15).
pub fn noisy_phone_jpeg() -> Input {
    with_metadata("generated-12mp-noisy-5.6mb.jpg", &lesion(4000, 3000, 24))
}

fn with_metadata(name: &str, img: &RgbImage) -> Input {
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 92)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap_or_else(|e| panic!("encoding the benchmark JPEG: {e}"));
    let xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><exif:GPSLatitude>43,17.6N\
</exif:GPSLatitude></rdf:RDF></x:xmpmeta>";
    let mut bytes = plain[..2].to_vec();
    bytes.extend(segment(
        0xE1,
        &[b"Exif\0\0".as_slice(), &exif_tiff()].concat(),
    ));
    bytes.extend(segment(
        0xE1,
        &[b"http://ns.adobe.com/xap/1.0/\0".as_slice(), xmp].concat(),
    ));
    bytes.extend(segment(0xFE, b"bench comment"));
    bytes.extend_from_slice(&plain[2..]);
    Input {
        name: name.into(),
        bytes,
    }
}

/// A 2000 x 1500 RGB PNG (3 MP), as a screenshot or an exported photo would be.
pub fn png() -> Input {
    encoded(
        "generated-3mp.png",
        &lesion(2000, 1500, 8),
        image::ImageFormat::Png,
    )
}

/// A 2000 x 1500 lossless WebP (the only WebP the `image` crate writes).
pub fn webp() -> Input {
    encoded(
        "generated-3mp.webp",
        &lesion(2000, 1500, 8),
        image::ImageFormat::WebP,
    )
}

fn encoded(name: &str, img: &RgbImage, format: image::ImageFormat) -> Input {
    let mut bytes = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .unwrap_or_else(|e| panic!("encoding {name}: {e}"));
    Input {
        name: name.into(),
        bytes,
    }
}

/// Real camera files from `../shared/corpus` (a 12 MP phone JPEG, the largest PNG and WebP);
/// empty when the corpus is absent.
pub fn corpus() -> Vec<Input> {
    let root = corpus_root();
    [
        "jpeg-phone/exiv2__exiv2-bug2565.jpg",
        "png/exiv2__imagemagick.png",
        "webp/drewnoakes__Nikon_D1X.webp",
    ]
    .iter()
    .filter_map(|relative| {
        let bytes = std::fs::read(root.join(relative)).ok()?;
        Some(Input {
            name: format!("corpus:{relative}"),
            bytes,
        })
    })
    .collect()
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

fn exif_tiff() -> Vec<u8> {
    let gps = vec![
        ascii(0x0001, "N"),
        rationals(0x0002, &[(43, 1), (17, 1), (3600, 100)]),
        ascii(0x0003, "E"),
        rationals(0x0004, &[(5, 1), (22, 1), (1200, 100)]),
    ];
    let exif = vec![
        ascii(0x9003, "2026:11:20 09:41:07"),
        ascii(0xA431, "SN-BENCH-0001"),
        ascii(0xA434, "Phone back camera 4.2mm f/1.8"),
    ];
    let mut ifd0 = vec![
        ascii(0x010F, "Telephone Co"),
        ascii(0x0110, "TC-9 Pro"),
        short(0x0112, 6),
        ascii(0x0131, "TC-9 Camera 14.2"),
        ascii(0x0132, "2026:11:20 09:41:07"),
        long(0x8769, 0),
        long(0x8825, 0),
    ];
    let exif_at = 8 + ifd_size(&ifd0);
    let gps_at = exif_at + ifd_size(&exif);
    ifd0[5] = long(0x8769, exif_at);
    ifd0[6] = long(0x8825, gps_at);
    let mut out = b"MM\0\x2A\0\0\0\x08".to_vec();
    write_ifd(&mut out, &ifd0);
    write_ifd(&mut out, &exif);
    write_ifd(&mut out, &gps);
    out
}
