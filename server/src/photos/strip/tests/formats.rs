//! Format-specific expectations: what is kept, where our EXIF goes, container rewrites.

use super::super::testdata::{self, png_webp as pw, GREYS};
use super::super::{strip, verify_clean, Removed, StripError};
use super::{assert_corrupt, check, find_all, pixels};
use crate::photos::format::Format;

#[test]
fn jpeg_keeps_colour_segments_and_puts_jfif_then_exif_first() {
    let out = check(&testdata::jpeg_kitchen_sink()).bytes;
    // SOI, JFIF without thumbnail, our EXIF, then the ICC chunks in order and Adobe.
    assert_eq!(&out[..4], b"\xFF\xD8\xFF\xE0");
    assert_eq!(
        &out[4..20],
        b"\x00\x10JFIF\0\x01\x02\x01\x00\x48\x00\x48\x00\x00"
    );
    assert_eq!(&out[20..24], b"\xFF\xE1\x00\x22");
    assert_eq!(&out[24..30], b"Exif\0\0");
    let icc: Vec<usize> = testdata::ICC_CHUNKS
        .iter()
        .map(|c| find_all(&out, c)[0])
        .collect();
    assert!(icc[0] < icc[1]);
    assert_eq!(find_all(&out, b"Adobe\0\x64\0\0\0\0\x01").len(), 1);
    assert_eq!(
        find_all(&out, b"\xFF\xD8\xFF").len(),
        1,
        "no second image, no thumbnail"
    );
    assert!(out.ends_with(b"\xFF\xD9"));
}

#[test]
fn jpeg_orientation_one_writes_no_exif() {
    let out = check(&testdata::jpeg_oriented(1)).bytes;
    assert!(find_all(&out, b"\xFF\xE1").is_empty());
}

#[test]
fn progressive_jpeg_keeps_every_scan_table_and_restart() {
    let f = testdata::jpeg_progressive();
    let out = check(&f).bytes;
    assert_eq!(find_all(&out, b"\xFF\xDA").len(), 2, "both scans");
    assert_eq!(
        find_all(&out, b"\xFF\xC4").len(),
        2,
        "the AC table between the scans"
    );
    assert_eq!(find_all(&out, b"\xFF\xD0").len(), 2, "one restart per scan");
    assert_eq!(find_all(&out, b"\xFF\x00").len(), 1, "the stuffed byte");
    assert!(
        out.ends_with(b"\x3F\xFF\xD9"),
        "fill bytes before EOI dropped"
    );
    let (w, h, _, grey) = pixels(Format::Jpeg, &out).unwrap();
    assert_eq!((w, h), (16, 16));
    for (block, expected) in GREYS.iter().enumerate() {
        let (x, y) = (4 + 8 * (block % 2), 4 + 8 * (block / 2));
        let got = grey[y * 16 + x];
        assert!(
            got.abs_diff(*expected) <= 1,
            "block {block}: {got} != {expected}"
        );
    }
}

#[test]
fn png_exif_goes_right_before_the_first_idat() {
    let out = check(&testdata::png_kitchen_sink()).bytes;
    let exif = find_all(&out, b"eXIf")[0];
    let idat = find_all(&out, b"IDAT")[0];
    assert_eq!(
        exif + 4 + 26 + 4 + 4,
        idat,
        "eXIf data, CRC, then IDAT's length"
    );
    for kept in [b"iCCP", b"gAMA", b"pHYs"] {
        assert_eq!(
            find_all(&out, kept).len(),
            1,
            "{}",
            String::from_utf8_lossy(kept)
        );
    }
}

#[test]
fn apng_is_reduced_to_its_default_image() {
    let png = testdata::encode(&testdata::picture(20, 10), image::ImageFormat::Png);
    let (head, rest) = png.split_at(33);
    let mut bytes = head.to_vec();
    bytes.extend(pw::png_chunk(b"acTL", &[0, 0, 0, 1, 0, 0, 0, 0]));
    bytes.extend(pw::png_chunk(
        b"fcTL",
        &[
            [0, 0, 0, 0].as_slice(),
            &[0, 0, 0, 20],
            &[0, 0, 0, 10],
            &[0; 8],
            &[0, 1, 0, 1, 0, 0],
        ]
        .concat(),
    ));
    bytes.extend_from_slice(rest);
    let out = strip(Format::Png, &bytes).unwrap();
    assert_eq!(out.removed, [Removed::SecondaryImage].into());
    assert!(*out.bytes == png, "exactly the static PNG");
}

#[test]
fn webp_rewrites_vp8x_and_keeps_the_announced_profile() {
    for prefixed in [true, false] {
        let out = check(&testdata::webp_kitchen_sink(prefixed)).bytes;
        assert_eq!(&out[12..16], b"VP8X");
        assert_eq!(out[20], 0x28, "ICC and EXIF flags, XMP cleared");
        assert_eq!(&out[24..30], &[47, 0, 0, 31, 0, 0], "canvas kept");
        assert_eq!(&out[30..34], b"ICCP");
        assert_eq!(find_all(&out, pw::WEBP_ICC).len(), 1);
        assert!(find_all(&out, b"VP8L")[0] < find_all(&out, b"EXIF")[0]);
        assert_eq!(
            u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize,
            out.len() - 8
        );
    }
}

#[test]
fn simple_webp_becomes_extended_when_it_needs_exif() {
    let out = check(&testdata::webp_simple_with_exif()).bytes;
    assert_eq!(&out[12..16], b"VP8X");
    assert_eq!(out[20], 0x08, "EXIF flag only");
    assert_eq!(
        &out[24..30],
        &[29, 0, 0, 19, 0, 0],
        "canvas from the VP8L header"
    );

    let fake = pw::webp_simple_fake_vp8(300, 200);
    let out = strip(Format::Webp, &fake).unwrap();
    assert_eq!(out.orientation, 5);
    assert_eq!(&out.bytes[12..16], b"VP8X");
    assert_eq!(
        &out.bytes[24..30],
        &[43, 1, 0, 199, 0, 0],
        "canvas from the VP8 key frame"
    );
}

#[test]
fn webp_drops_an_unannounced_profile() {
    let simple = testdata::encode(&testdata::picture(8, 8), image::ImageFormat::WebP);
    let chunks = [simple[12..].to_vec(), pw::riff_chunk(b"ICCP", pw::WEBP_ICC)];
    let (bytes, _) = pw::riff(&chunks, b"");
    let out = strip(Format::Webp, &bytes).unwrap();
    assert_eq!(out.removed, [Removed::Other].into());
    assert!(*out.bytes == simple);
}

#[test]
fn animated_webp_is_refused() {
    let simple = testdata::encode(&testdata::picture(8, 8), image::ImageFormat::WebP);
    let vp8x = pw::riff_chunk(b"VP8X", &[0x02, 0, 0, 0, 7, 0, 0, 7, 0, 0]);
    let (bytes, _) = pw::riff(&[vp8x, pw::riff_chunk(b"ANIM", &[0; 6])], b"");
    assert_corrupt(strip(Format::Webp, &bytes), "animated flag");
    let (bytes, _) = pw::riff(
        &[simple[12..].to_vec(), pw::riff_chunk(b"ANMF", &[0; 16])],
        b"",
    );
    assert_corrupt(strip(Format::Webp, &bytes), "ANMF chunk");
}

#[test]
fn verify_refuses_what_strip_would_remove() {
    let not_clean = |format, bytes: &[u8], what| match verify_clean(format, bytes) {
        Err(StripError::NotClean(_)) => {}
        other => panic!("{what}: {other:?}"),
    };
    for f in testdata::all() {
        // Every fixture carries metadata (or trailing bytes) that verify must see.
        not_clean(f.format, &f.bytes, f.name.clone());
    }
    let clean = strip(Format::Jpeg, &testdata::jpeg_oriented(6).bytes)
        .unwrap()
        .bytes;
    let mut trailing = clean.clone();
    trailing.push(0);
    not_clean(Format::Jpeg, &trailing, "jpeg trailing byte".into());
    let mut bigger_exif = clean.clone();
    let at = find_all(&clean, b"Exif\0\0")[0] + 6 + 8;
    bigger_exif[at] = 2; // two IFD0 entries claimed
    not_clean(
        Format::Jpeg,
        &bigger_exif,
        "jpeg exif with two entries".into(),
    );
}
