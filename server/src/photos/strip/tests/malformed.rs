//! Malformed inputs are `Corrupt`, never a panic and never a silently damaged output.

use super::super::testdata::{self, png_webp as pw};
use super::super::{strip, verify_clean};
use super::{assert_corrupt, find_all};
use crate::photos::format::Format;

#[test]
fn truncation_at_every_seventh_byte() {
    let mut fixtures = testdata::all();
    fixtures.push(testdata::jpeg_kitchen_sink());
    for f in fixtures {
        for cut in (0..f.bytes.len()).step_by(7) {
            let result = strip(f.format, &f.bytes[..cut]);
            if cut < f.image_end {
                assert_corrupt(result, &format!("{} cut at {cut}", f.name));
            } else {
                // Only trailing bytes were cut: still a whole image.
                let out = result.unwrap_or_else(|e| panic!("{} cut at {cut}: {e}", f.name));
                verify_clean(f.format, &out.bytes).unwrap();
            }
        }
    }
}

#[test]
fn corrupted_bytes_never_panic_nor_leak() {
    // Property-style: overwrite each byte of each fixture's head with a few values. Whatever
    // comes back is either an error or a clean file.
    for f in testdata::all() {
        let head = f.bytes.len().min(400);
        for at in 0..head {
            for value in [0x00, 0xFF, 0x7F, f.bytes[at] ^ 0x01] {
                let mut bytes = f.bytes.clone();
                bytes[at] = value;
                if let Ok(out) = strip(f.format, &bytes) {
                    verify_clean(f.format, &out.bytes).unwrap();
                }
            }
        }
    }
}

#[test]
fn empty_and_foreign_inputs_are_corrupt() {
    let jpeg = testdata::jpeg_oriented(1).bytes;
    for format in [Format::Jpeg, Format::Png, Format::Webp] {
        assert_corrupt(strip(format, b""), &format!("empty {format:?}"));
        assert_corrupt(strip(format, b"\xFF"), &format!("one byte {format:?}"));
    }
    assert_corrupt(strip(Format::Png, &jpeg), "a JPEG called PNG");
    assert_corrupt(strip(Format::Webp, &jpeg), "a JPEG called WebP");
    assert_corrupt(
        strip(Format::Jpeg, &testdata::png_kitchen_sink().bytes),
        "a PNG called JPEG",
    );
}

#[test]
fn jpeg_segment_length_past_the_end() {
    let mut bytes = testdata::jpeg_kitchen_sink().bytes;
    // The first segment after SOI is the JFIF APP0: claim 64 KiB.
    bytes[4..6].copy_from_slice(&[0xFF, 0xFF]);
    bytes.truncate(5000);
    assert_corrupt(strip(Format::Jpeg, &bytes), "APP0 length past the end");
    let mut bytes = testdata::jpeg_oriented(1).bytes;
    bytes[4..6].copy_from_slice(&[0x00, 0x01]);
    assert_corrupt(strip(Format::Jpeg, &bytes), "segment length below 2");
}

#[test]
fn jpeg_without_a_scan_is_corrupt() {
    let bytes = testdata::jpeg_oriented(1).bytes;
    let sos = find_all(&bytes, b"\xFF\xDA")[0];
    let no_scan = [&bytes[..sos], b"\xFF\xD9".as_slice()].concat();
    assert_corrupt(strip(Format::Jpeg, &no_scan), "no SOS");
    assert_corrupt(strip(Format::Jpeg, b"\xFF\xD8\xFF\xD9"), "SOI EOI");
    let no_frame = [b"\xFF\xD8".as_slice(), &bytes[sos..]].concat();
    assert_corrupt(strip(Format::Jpeg, &no_frame), "SOS without SOF");
    let two_frames = [&bytes[..sos], &bytes[sos..]].concat();
    let sof = find_all(&bytes, b"\xFF\xC0")[0];
    let with_second_sof = [&bytes[..sos], &bytes[sof..]].concat();
    assert!(strip(Format::Jpeg, &two_frames).is_ok());
    assert_corrupt(strip(Format::Jpeg, &with_second_sof), "two SOF");
}

#[test]
fn jpeg_tables_with_extra_bytes_are_corrupt() {
    // Tables are copied verbatim: bytes hidden after them would survive, so they are refused.
    let bytes = testdata::jpeg_oriented(1).bytes;
    let dqt = find_all(&bytes, b"\xFF\xDB")[0];
    let len = usize::from(u16::from_be_bytes([bytes[dqt + 2], bytes[dqt + 3]]));
    let mut padded = bytes[..dqt + 2].to_vec();
    padded.extend_from_slice(&u16::try_from(len + 6).unwrap().to_be_bytes());
    padded.extend_from_slice(&bytes[dqt + 4..dqt + 2 + len]);
    padded.extend_from_slice(b"hidden");
    padded.extend_from_slice(&bytes[dqt + 2 + len..]);
    assert_corrupt(strip(Format::Jpeg, &padded), "DQT with extra bytes");
}

#[test]
fn png_bad_crc_in_a_kept_chunk_is_corrupt() {
    let mut bytes = testdata::png_kitchen_sink().bytes;
    let idat = find_all(&bytes, b"IDAT")[0];
    bytes[idat + 6] ^= 0xFF;
    assert_corrupt(strip(Format::Png, &bytes), "IDAT with a bad CRC");
    // A bad CRC in a chunk we drop does not matter.
    let mut bytes = testdata::png_kitchen_sink().bytes;
    let text = find_all(&bytes, b"tEXt")[0];
    bytes[text + 6] ^= 0xFF;
    assert!(strip(Format::Png, &bytes).is_ok());
}

#[test]
fn png_structure_errors_are_corrupt() {
    let png = testdata::encode(&testdata::picture(8, 8), image::ImageFormat::Png);
    let (head, rest) = png.split_at(33);
    let no_idat = [head, &rest[rest.len() - 12..]].concat();
    assert_corrupt(strip(Format::Png, &no_idat), "no IDAT");
    let not_ihdr_first = [
        &png[..8],
        &pw::png_chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]),
        &png[8..],
    ]
    .concat();
    assert_corrupt(strip(Format::Png, &not_ihdr_first), "gAMA before IHDR");
    let critical = [head, &pw::png_chunk(b"CgBI", &[0; 4]), rest].concat();
    assert_corrupt(strip(Format::Png, &critical), "unknown critical chunk");
    let mut huge = png.clone();
    huge[33..37].copy_from_slice(&[0x80, 0, 0, 0]);
    assert_corrupt(strip(Format::Png, &huge), "chunk length above 2^31");
}

#[test]
fn riff_size_larger_than_the_file_is_corrupt() {
    let mut bytes = testdata::webp_kitchen_sink(false).bytes;
    let size = u32::try_from(bytes.len()).unwrap();
    bytes[4..8].copy_from_slice(&size.to_le_bytes());
    assert_corrupt(strip(Format::Webp, &bytes), "RIFF size past the end");
    bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_corrupt(strip(Format::Webp, &bytes), "RIFF size u32::MAX");
    let mut chunk_too_long = testdata::webp_kitchen_sink(false).bytes;
    chunk_too_long[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_corrupt(strip(Format::Webp, &chunk_too_long), "VP8X size u32::MAX");
}
