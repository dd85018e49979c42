//! Tests of the stripper as its callers see it: fixtures from `testdata`, malformed inputs, and
//! the shared corpus of real camera files when it is present.

use std::io::Cursor;

use super::testdata::{self, Fixture};
use super::{strip, verify_clean, StripError, Stripped};
use crate::photos::format::Format;

mod corpus;
mod formats;
mod malformed;

/// Where `needle` occurs in `haystack`.
pub(crate) fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Decoded pixels with their layout, or `None` when `image` cannot decode the file.
pub(crate) fn pixels(
    format: Format,
    bytes: &[u8],
) -> Option<(u32, u32, image::ColorType, Vec<u8>)> {
    let image = image::load_from_memory_with_format(bytes, format.image_format()).ok()?;
    Some((
        image.width(),
        image.height(),
        image.color(),
        image.into_bytes(),
    ))
}

/// The EXIF orientation as `image` (our independent reader) sees it in a file.
pub(crate) fn orientation_seen_by_image(format: Format, bytes: &[u8]) -> u8 {
    use image::ImageDecoder;
    let reader = image::ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader
        .into_decoder()
        .unwrap()
        .orientation()
        .unwrap()
        .to_exif()
}

/// The checks every fixture must pass; returns the result for fixture-specific checks.
pub(crate) fn check(f: &Fixture) -> Stripped {
    let out = strip(f.format, &f.bytes).unwrap_or_else(|e| panic!("{}: {e}", f.name));
    assert_eq!(out.removed, f.removed, "{}: removed", f.name);
    assert_eq!(out.orientation, f.orientation, "{}: orientation", f.name);
    verify_clean(f.format, &out.bytes).unwrap();
    for secret in &f.secrets {
        let at = find_all(&out.bytes, secret);
        assert!(
            at.is_empty(),
            "{}: {:?} survived at {at:?}",
            f.name,
            String::from_utf8_lossy(secret)
        );
    }
    // The only EXIF left is ours, and only when the orientation needs it.
    let ours = super::exif::minimal(f.orientation);
    let expected = usize::from(f.orientation != 1);
    assert_eq!(
        find_all(&out.bytes, &ours).len(),
        expected,
        "{}: minimal EXIF",
        f.name
    );
    let prefixes = find_all(&out.bytes, b"Exif\0\0").len();
    assert_eq!(
        prefixes,
        if f.format == Format::Jpeg {
            expected
        } else {
            0
        },
        "{}",
        f.name
    );
    assert_eq!(
        find_all(&out.bytes, b"II*\0").len(),
        expected,
        "{}: TIFF headers",
        f.name
    );

    let before = pixels(f.format, &f.bytes).unwrap_or_else(|| panic!("{}: undecodable", f.name));
    assert!(
        pixels(f.format, &out.bytes) == Some(before),
        "{}: pixels differ",
        f.name
    );
    assert_eq!(
        u16::from(orientation_seen_by_image(f.format, &out.bytes)),
        f.orientation,
        "{}",
        f.name
    );
    out
}

#[test]
fn every_fixture_strips_clean_with_identical_pixels() {
    for f in testdata::all() {
        check(&f);
    }
}

#[test]
fn stripping_is_idempotent() {
    for f in testdata::all() {
        let once = strip(f.format, &f.bytes).unwrap();
        let twice = strip(f.format, &once.bytes).unwrap();
        assert_eq!(twice.bytes, once.bytes, "{}", f.name);
        assert!(twice.removed.is_empty(), "{}: {:?}", f.name, twice.removed);
        assert_eq!(twice.orientation, once.orientation, "{}", f.name);
    }
}

#[test]
fn removed_kinds_serialise_in_snake_case() {
    use super::Removed::*;
    let kinds = [Gps, SecondaryImage, TrailingData, PngText, PngTime, Other];
    let json = serde_json::to_string(&kinds).unwrap();
    assert_eq!(
        json,
        r#"["gps","secondary_image","trailing_data","png_text","png_time","other"]"#
    );
}

#[test]
fn a_25_mib_photo_strips_quickly() {
    // A real header, then 25 MiB of scan data (stuffed FFs and restart markers included): the
    // walk does not decode, so the data need not be a meaningful picture.
    let jpeg = testdata::encode(&testdata::picture(16, 16), image::ImageFormat::Jpeg);
    let sos = find_all(&jpeg, &[0xFF, 0xDA])[0];
    let mut bytes =
        jpeg[..sos + 2 + usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]))].to_vec();
    let mut seed = 0x1234_5678u32;
    while bytes.len() < 25 << 20 {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let byte = (seed >> 24) as u8;
        bytes.push(byte);
        if byte == 0xFF {
            bytes.push(if seed & 0x100 == 0 { 0x00 } else { 0xD3 });
        }
    }
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    let started = std::time::Instant::now();
    let out = strip(Format::Jpeg, &bytes).unwrap();
    let took = started.elapsed();
    assert!(*out.bytes == bytes, "nothing to remove, so nothing changes");
    // Generous for an unoptimised test build; a release build takes a few tens of milliseconds.
    eprintln!("25 MiB stripped in {took:?}");
    assert!(took.as_secs_f64() < 3.0, "{took:?}");
}

/// `Corrupt`, or a panic naming what came back instead.
pub(crate) fn assert_corrupt(result: Result<Stripped, StripError>, what: &str) {
    match result {
        Err(StripError::Corrupt(_)) => {}
        Err(StripError::NotClean(why)) => panic!("{what}: NotClean({why}) instead of Corrupt"),
        Ok(_) => panic!("{what}: stripped instead of Corrupt"),
    }
}
