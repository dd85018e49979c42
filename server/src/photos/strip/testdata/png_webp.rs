//! PNG and WebP fixtures.

use std::collections::BTreeSet;

use image::ImageFormat;

use super::Removed::*;
use super::{
    common_secrets, encode, exif_full, exif_orientation, picture, Fixture, TRAILER, XMP_PACKET,
};
use crate::photos::format::Format;

pub(crate) fn png_chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend_from_slice(ty);
    chunk.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(ty);
    crc.update(data);
    chunk.extend_from_slice(&crc.finalize().to_be_bytes());
    chunk
}

/// A zlib stream made of one stored (uncompressed) deflate block.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap();
    let mut out = vec![0x78, 0x01, 0x01];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

pub(crate) const PNG_ICC: &[u8] = b"fake-png-icc-profile";

/// Text, time, EXIF (GPS, camera, thumbnail, orientation 8), ICC, a private chunk, text after
/// the image data, and bytes after IEND.
pub(crate) fn png_kitchen_sink() -> Fixture {
    let png = encode(&picture(48, 32), ImageFormat::Png);
    let (head, rest) = png.split_at(33); // signature + IHDR
    let (body, iend) = rest.split_at(rest.len() - 12);
    let before_idat = [
        png_chunk(b"gAMA", &45455u32.to_be_bytes()),
        png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
        png_chunk(
            b"iCCP",
            &[b"icc\0\0".as_slice(), &zlib_stored(PNG_ICC)].concat(),
        ),
        png_chunk(b"tIME", &[0x07, 0xE8, 5, 6, 7, 8, 9]),
        png_chunk(b"tEXt", b"Author\0Dr tEXt-SECRET"),
        png_chunk(
            b"zTXt",
            &[b"Comment\0\0".as_slice(), &zlib_stored(b"zTXt-SECRET")].concat(),
        ),
        png_chunk(
            b"iTXt",
            &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), XMP_PACKET].concat(),
        ),
        png_chunk(b"eXIf", &exif_full(8)),
        png_chunk(b"prVt", b"private-SECRET"),
    ];
    let mut bytes = head.to_vec();
    before_idat.iter().for_each(|c| bytes.extend_from_slice(c));
    bytes.extend_from_slice(body);
    bytes.extend(png_chunk(b"tEXt", b"Comment\0late tEXt-SECRET"));
    bytes.extend_from_slice(iend);
    let image_end = bytes.len();
    bytes.extend_from_slice(TRAILER);
    let mut secrets = common_secrets();
    secrets.extend([b"tEXt", b"zTXt", b"iTXt", b"tIME", b"prVt"].map(|s| s.to_vec()));
    secrets.push(TRAILER.to_vec());
    Fixture {
        name: "png kitchen sink".into(),
        format: Format::Png,
        bytes,
        removed: [
            PngText,
            PngTime,
            Gps,
            Camera,
            Datetime,
            Thumbnail,
            Exif,
            Other,
            TrailingData,
        ]
        .into(),
        orientation: 8,
        image_end,
        secrets,
    }
}

pub(crate) fn riff_chunk(fourcc: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = fourcc.to_vec();
    chunk.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    chunk.extend_from_slice(data);
    if data.len() % 2 == 1 {
        chunk.push(0);
    }
    chunk
}

/// A RIFF/WebP file from its chunks, then `trailer`; returns the bytes and where RIFF ends.
pub(crate) fn riff(chunks: &[Vec<u8>], trailer: &[u8]) -> (Vec<u8>, usize) {
    let body: Vec<u8> = chunks.concat();
    let mut bytes = b"RIFF".to_vec();
    bytes.extend_from_slice(&u32::try_from(body.len() + 4).unwrap().to_le_bytes());
    bytes.extend_from_slice(b"WEBP");
    bytes.extend_from_slice(&body);
    let end = bytes.len();
    bytes.extend_from_slice(trailer);
    (bytes, end)
}

pub(crate) const WEBP_ICC: &[u8] = b"fake-webp-icc-profile";

/// `image`'s lossless WebP (a VP8L chunk), made extended: ICC, EXIF (GPS, camera, thumbnail,
/// orientation 3; with or without the `Exif\0\0` prefix), XMP, an unknown chunk, trailing bytes.
pub(crate) fn webp_kitchen_sink(prefixed: bool) -> Fixture {
    let (w, h) = (48u32, 32u32);
    let simple = encode(&picture(w, h), ImageFormat::WebP);
    let vp8l = simple[12..].to_vec();
    let mut vp8x = vec![0x2C, 0, 0, 0];
    vp8x.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    let exif = [
        if prefixed {
            b"Exif\0\0".as_slice()
        } else {
            b""
        },
        &exif_full(3),
    ]
    .concat();
    let chunks = [
        riff_chunk(b"VP8X", &vp8x),
        riff_chunk(b"ICCP", WEBP_ICC),
        vp8l,
        riff_chunk(b"EXIF", &exif),
        riff_chunk(b"XMP ", XMP_PACKET),
        riff_chunk(b"ZZZZ", b"WEBP-SECRET-CHUNK"),
    ];
    let (bytes, image_end) = riff(&chunks, TRAILER);
    let mut secrets = common_secrets();
    secrets.extend([b"XMP ".as_slice(), b"ZZZZ", b"Exif\0\0", TRAILER].map(|s| s.to_vec()));
    let name = format!(
        "webp kitchen sink ({})",
        if prefixed { "Exif prefix" } else { "bare TIFF" }
    );
    Fixture {
        name,
        format: Format::Webp,
        bytes,
        removed: [
            Gps,
            Camera,
            Datetime,
            Thumbnail,
            Exif,
            Xmp,
            Other,
            TrailingData,
        ]
        .into(),
        orientation: 3,
        image_end,
        secrets,
    }
}

/// A simple lossless WebP with an (unannounced) EXIF chunk holding orientation 6: the output
/// needs a VP8X header built from the VP8L bitstream.
pub(crate) fn webp_simple_with_exif() -> Fixture {
    let simple = encode(&picture(30, 20), ImageFormat::WebP);
    let chunks = [
        simple[12..].to_vec(),
        riff_chunk(b"EXIF", &exif_orientation(6)),
    ];
    let (bytes, image_end) = riff(&chunks, b"");
    Fixture {
        name: "webp simple with exif".into(),
        format: Format::Webp,
        bytes,
        removed: BTreeSet::from([Exif]),
        orientation: 6,
        image_end,
        secrets: Vec::new(),
    }
}

/// A simple lossy WebP whose VP8 chunk is only a key-frame header (`width` x `height`), with an
/// EXIF orientation: enough to check the VP8X built from a VP8 header; not decodable.
pub(crate) fn webp_simple_fake_vp8(width: u16, height: u16) -> Vec<u8> {
    let mut vp8 = vec![0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A];
    vp8.extend_from_slice(&width.to_le_bytes());
    vp8.extend_from_slice(&height.to_le_bytes());
    vp8.extend_from_slice(&[0; 7]);
    let chunks = [
        riff_chunk(b"VP8 ", &vp8),
        riff_chunk(b"EXIF", &exif_orientation(5)),
    ];
    riff(&chunks, b"").0
}
