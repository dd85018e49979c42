//! Fixture generator (tests only): pictures encoded in memory with `image`, then metadata spliced
//! in by hand, so each fixture knows exactly what was injected, what `strip` must report, and
//! which bytes must not survive. Nothing is read from or written to disk.

use std::collections::BTreeSet;
use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};

use super::Removed::{self, *};
use crate::photos::format::Format;

pub(crate) mod png_webp;
mod progressive;
mod tiff;

pub(crate) use progressive::GREYS;
use tiff::{Ifd, Order, Value};

pub(crate) struct Fixture {
    pub(crate) name: String,
    pub(crate) format: Format,
    pub(crate) bytes: Vec<u8>,
    /// What `strip` must report.
    pub(crate) removed: BTreeSet<Removed>,
    /// The orientation `strip` must keep.
    pub(crate) orientation: u16,
    /// Where the primary image ends: a truncation before it is corrupt, after it is not.
    pub(crate) image_end: usize,
    /// Bytes of injected metadata that must not survive.
    pub(crate) secrets: Vec<Vec<u8>>,
}

pub(crate) const MAKE: &[u8] = b"TeleDermCam";
pub(crate) const MODEL: &[u8] = b"TD-Model-9";
pub(crate) const SERIAL: &[u8] = b"SN-TELEDERM-0042";
pub(crate) const DATE: &[u8] = b"2024:05:06 07:08:09";
pub(crate) const GPS_DATUM: &[u8] = b"GPS-SECRET-DATUM";
/// The GPS latitude numerator, little-endian as written in the fixtures' EXIF.
pub(crate) const GPS_LATITUDE: u32 = 0x0BAD_C0DE;
pub(crate) const THUMBNAIL_PIXELS: &[u8] = b"\xAA\xBB\xCC\xDD\xEE\x11";
pub(crate) const XMP_PACKET: &[u8] = concat!(
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description tiff:Orientation='3' ",
    "exif:GPSLatitude='48,51.4N' dc:creator='Dr XMP-SECRET'/></rdf:RDF></x:xmpmeta>"
)
.as_bytes();
pub(crate) const COMMENT: &[u8] = b"patient: Jane SECRET";
pub(crate) const TRAILER: &[u8] = b"GARBAGE-TRAILER";

/// Secrets every full-metadata fixture carries.
fn common_secrets() -> Vec<Vec<u8>> {
    [
        MAKE,
        MODEL,
        SERIAL,
        DATE,
        GPS_DATUM,
        &GPS_LATITUDE.to_le_bytes(),
        b"<x:xmpmeta",
        b"SECRET",
    ]
    .iter()
    .map(|s| s.to_vec())
    .collect()
}

/// An asymmetric picture, so a wrong rotation or mirror could not go unnoticed.
pub(crate) fn picture(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let corner = if x < width / 4 && y < height / 4 {
            255
        } else {
            0
        };
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, corner])
    }))
}

pub(crate) fn encode(picture: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::WebP => picture
            .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out))
            .unwrap(),
        _ => picture.write_to(&mut out, format).unwrap(),
    }
    out.into_inner()
}

/// A full EXIF block: camera, dates, GPS, an exposure time, and a thumbnail in IFD1.
pub(crate) fn exif_full(orientation: u16) -> Vec<u8> {
    let exif_ifd = Ifd(vec![
        (0x829A, Value::Rational(vec![(1, 125)])),
        (0x9003, Value::Ascii(DATE)),
        (0x927C, Value::Undefined(b"MAKERNOTE-SECRET".to_vec())),
        (0xA431, Value::Ascii(SERIAL)),
    ]);
    let gps = Ifd(vec![
        (0x0001, Value::Ascii(b"N")),
        (
            0x0002,
            Value::Rational(vec![(GPS_LATITUDE, 1), (51, 1), (24, 1)]),
        ),
        (0x0012, Value::Ascii(GPS_DATUM)),
    ]);
    let ifd0 = Ifd(vec![
        (0x010F, Value::Ascii(MAKE)),
        (0x0110, Value::Ascii(MODEL)),
        (0x0112, Value::Short(orientation)),
        (0x0132, Value::Ascii(DATE)),
        (0x8769, Value::Sub(exif_ifd)),
        (0x8825, Value::Sub(gps)),
    ]);
    let thumbnail = encode(&picture(8, 8), ImageFormat::Jpeg);
    let ifd1 = Ifd(vec![
        (0x0201, Value::Blob(thumbnail.clone())),
        (0x0202, Value::Long(u32::try_from(thumbnail.len()).unwrap())),
    ]);
    tiff::tiff(Order::Little, &ifd0, Some(&ifd1))
}

/// Orientation plus one structural tag, big-endian: not byte-identical to the block `strip`
/// writes, and its removal is reported as plain EXIF.
pub(crate) fn exif_orientation(orientation: u16) -> Vec<u8> {
    let ifd0 = Ifd(vec![
        (0x0112, Value::Short(orientation)),
        (0x0213, Value::Short(1)),
    ]);
    tiff::tiff(Order::Big, &ifd0, None)
}

/// A JPEG segment: marker, length, payload.
pub(crate) fn segment(code: u8, payload: &[u8]) -> Vec<u8> {
    let mut seg = vec![0xFF, code];
    seg.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    seg.extend_from_slice(payload);
    seg
}

fn with_prefix(prefix: &[u8], body: &[u8]) -> Vec<u8> {
    [prefix, body].concat()
}

/// `image`'s baseline JPEG without its JFIF APP0 (SOI removed too): DQT .. EOI.
fn jpeg_body(picture: &DynamicImage) -> Vec<u8> {
    let jpeg = encode(picture, ImageFormat::Jpeg);
    assert_eq!(
        &jpeg[..6],
        b"\xFF\xD8\xFF\xE0\x00\x10",
        "image writes SOI then a 16-byte JFIF"
    );
    jpeg[20..].to_vec()
}

fn jpeg_fixture(name: &str, header: &[Vec<u8>], body: &[u8], trailer: &[u8]) -> Fixture {
    let mut bytes = vec![0xFF, 0xD8];
    header.iter().for_each(|seg| bytes.extend_from_slice(seg));
    bytes.extend_from_slice(body);
    let image_end = bytes.len();
    bytes.extend_from_slice(trailer);
    Fixture {
        name: name.into(),
        format: Format::Jpeg,
        bytes,
        removed: BTreeSet::new(),
        orientation: 1,
        image_end,
        secrets: Vec::new(),
    }
}

fn jfif(thumbnail: &[u8]) -> Vec<u8> {
    let mut payload = b"JFIF\0\x01\x02\x01\x00\x48\x00\x48".to_vec();
    payload.extend_from_slice(&[
        u8::from(!thumbnail.is_empty()) * 2,
        u8::from(!thumbnail.is_empty()),
    ]);
    payload.extend_from_slice(thumbnail);
    segment(0xE0, &payload)
}

pub(crate) const ICC_CHUNKS: [&[u8]; 2] = [b"fake-icc-part-one", b"fake-icc-part-two"];

fn icc_segment(seq: u8) -> Vec<u8> {
    let chunk = ICC_CHUNKS[usize::from(seq - 1)];
    segment(
        0xE2,
        &[b"ICC_PROFILE\0".as_slice(), &[seq, 2], chunk].concat(),
    )
}

fn iptc_segment() -> Vec<u8> {
    let caption = b"IPTC-SECRET-CAPTION";
    let mut record = vec![0x1C, 2, 120, 0, caption.len() as u8];
    record.extend_from_slice(caption);
    let mut resource = b"8BIM\x04\x04\0\0".to_vec();
    resource.extend_from_slice(&u32::try_from(record.len()).unwrap().to_be_bytes());
    resource.extend_from_slice(&record);
    segment(0xED, &with_prefix(b"Photoshop 3.0\0", &resource))
}

/// Every kind of JPEG metadata at once, then a second JPEG and garbage after EOI.
pub(crate) fn jpeg_kitchen_sink() -> Fixture {
    let header = [
        jfif(THUMBNAIL_PIXELS),
        segment(0xE1, &with_prefix(b"Exif\0\0", &exif_full(6))),
        segment(
            0xE1,
            &with_prefix(b"http://ns.adobe.com/xap/1.0/\0", XMP_PACKET),
        ),
        icc_segment(1),
        segment(0xE2, b"MPF\0II*\0\x08\0\0\0MPF-SECRET"),
        icc_segment(2),
        iptc_segment(),
        segment(0xEB, b"JP\0\x01\0\0\0\x01\0\0\0\x20jumbc2pa-SECRET"),
        segment(0xFE, COMMENT),
        segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01"),
    ];
    let trailer = [
        encode(&picture(16, 16), ImageFormat::Jpeg),
        TRAILER.to_vec(),
    ]
    .concat();
    let mut f = jpeg_fixture(
        "jpeg kitchen sink",
        &header,
        &jpeg_body(&picture(64, 48)),
        &trailer,
    );
    f.removed = [
        Gps,
        Camera,
        Datetime,
        Thumbnail,
        Exif,
        Xmp,
        Iptc,
        Comment,
        SecondaryImage,
        Other,
    ]
    .into();
    f.orientation = 6;
    f.secrets = common_secrets();
    let more: [&[u8]; 8] = [
        THUMBNAIL_PIXELS,
        b"Photoshop",
        b"8BIM",
        b"MPF\0",
        b"jumb",
        b"c2pa",
        TRAILER,
        b"http://ns.adobe.com",
    ];
    f.secrets.extend(more.iter().map(|s| s.to_vec()));
    f
}

/// EXIF orientation `o` (plus one structural tag) on a plain JPEG.
pub(crate) fn jpeg_oriented(o: u16) -> Fixture {
    let header = [segment(
        0xE1,
        &with_prefix(b"Exif\0\0", &exif_orientation(o)),
    )];
    let mut f = jpeg_fixture(
        &format!("jpeg orientation {o}"),
        &header,
        &jpeg_body(&picture(40, 24)),
        b"",
    );
    f.removed = [Exif].into();
    f.orientation = o;
    f
}

/// EXIF says 6, XMP says 3: browsers follow EXIF.
pub(crate) fn jpeg_xmp_disagrees() -> Fixture {
    let header = [
        segment(
            0xE1,
            &with_prefix(b"http://ns.adobe.com/xap/1.0/\0", XMP_PACKET),
        ),
        segment(0xE1, &with_prefix(b"Exif\0\0", &exif_orientation(6))),
    ];
    let mut f = jpeg_fixture(
        "jpeg xmp orientation",
        &header,
        &jpeg_body(&picture(40, 24)),
        b"",
    );
    f.removed = [Exif, Xmp].into();
    f.orientation = 6;
    f.secrets = vec![b"<x:xmpmeta".to_vec()];
    f
}

/// Nothing but zero padding after EOI.
pub(crate) fn jpeg_padded() -> Fixture {
    let mut f = jpeg_fixture("jpeg padded", &[], &jpeg_body(&picture(24, 24)), &[0; 64]);
    f.removed = [TrailingData].into();
    f
}

/// The hand-built progressive JPEG, with EXIF in the header and metadata between its scans.
pub(crate) fn jpeg_progressive() -> Fixture {
    let p = progressive::progressive();
    let mut bytes = p.first_scan[..2].to_vec();
    bytes.extend(segment(
        0xE1,
        &with_prefix(b"Exif\0\0", &exif_orientation(2)),
    ));
    bytes.extend_from_slice(&p.first_scan[2..]);
    bytes.extend(segment(0xFE, COMMENT));
    bytes.extend(segment(
        0xE1,
        &with_prefix(b"http://ns.adobe.com/xap/1.0/\0", XMP_PACKET),
    ));
    bytes.extend_from_slice(&p.second_scan);
    bytes.extend_from_slice(&p.end);
    Fixture {
        name: "jpeg progressive".into(),
        format: Format::Jpeg,
        image_end: bytes.len(),
        bytes,
        removed: [Exif, Comment, Xmp].into(),
        orientation: 2,
        secrets: vec![COMMENT.to_vec(), b"<x:xmpmeta".to_vec()],
    }
}

pub(crate) use png_webp::{png_kitchen_sink, webp_kitchen_sink, webp_simple_with_exif};

/// Every fixture, for the properties that hold for all of them.
pub(crate) fn all() -> Vec<Fixture> {
    let mut all = vec![
        jpeg_kitchen_sink(),
        jpeg_xmp_disagrees(),
        jpeg_padded(),
        jpeg_progressive(),
    ];
    all.extend((1..=8).map(jpeg_oriented));
    all.extend([
        png_kitchen_sink(),
        webp_kitchen_sink(true),
        webp_kitchen_sink(false),
    ]);
    all.push(webp_simple_with_exif());
    all
}
