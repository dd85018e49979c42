//! The project's own test images, generated deterministically and committed small in `fixtures/`
//! (a test fails when the committed files differ from what this code makes). Synthetic only: a
//! skin-toned picture with a dark "lesion", carrying made-up metadata of every kind a phone or
//! camera writes. Never real patients, never files from the shared corpus.

use std::io::Write;

mod tiff;
use tiff::{ascii, ifd_size, long, rationals, segment, short, write_ifd};

use image::{codecs::jpeg::JpegEncoder, GenericImageView, ImageEncoder, Rgb, RgbImage};

/// Values planted in the metadata, which must never come back out of the server.
pub const PLANTED_MAKE: &str = "TeleCam";
pub const PLANTED_SERIAL: &str = "SN-4242-SECRET";
pub const PLANTED_XMP: &str = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><exif:GPSLatitude>43,17.6N</exif:GPSLatitude></rdf:RDF></x:xmpmeta>";
pub const PLANTED_COMMENT: &str = "patient Jeanne Dupont";
pub const PLANTED_PNG_TEXT: &str = "Dr Secret, cabinet du Vieux-Port";

/// Every fixture: (file name, bytes).
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("lesion-gps.jpg", lesion_gps_jpeg(1)),
        ("lesion-orientation-6.jpg", lesion_gps_jpeg(6)),
        ("lesion-text.png", lesion_text_png()),
        ("lesion.webp", lesion_webp()),
        ("small.jpg", jpeg(&lesion(120, 90))),
        ("truncated.jpg", {
            let full = lesion_gps_jpeg(1);
            full[..full.len() / 2].to_vec()
        }),
        ("bomb.png", png_header_only(64250, 64250)),
        ("too-wide.png", png_header_only(20000, 10)),
        ("iphone.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heicmiaf".to_vec()),
        ("scan.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec()),
        ("animation.gif", b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;".to_vec()),
        ("notes.txt", b"This is a text file, not a photo.\n".to_vec()),
    ]
}

/// A skin-toned picture with a textured surface and a dark irregular disc: sharp, well exposed.
pub fn lesion(width: u32, height: u32) -> RgbImage {
    let mut seed: u32 = 0x2545_F491;
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let radius = width.min(height) as f32 / 5.0;
    RgbImage::from_fn(width, height, |x, y| {
        // xorshift: deterministic skin texture.
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 41) as i32 - 20;
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

pub fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode jpeg");
    out
}

/// A 480x360 JPEG with EXIF (GPS, make, model, serial, dates, orientation), XMP with GPS, a
/// comment, and a second JPEG appended after the end of the image (as MPF files and some phones do).
pub fn lesion_gps_jpeg(orientation: u16) -> Vec<u8> {
    let plain = jpeg(&lesion(480, 360));
    let mut segments = Vec::new();
    segments.extend(segment(
        0xE1,
        &[b"Exif\0\0".as_slice(), &exif_tiff(orientation)].concat(),
    ));
    segments.extend(segment(
        0xE1,
        &[
            b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
            PLANTED_XMP.as_bytes(),
        ]
        .concat(),
    ));
    segments.extend(segment(0xFE, PLANTED_COMMENT.as_bytes()));
    let mut out = plain[..2].to_vec();
    out.extend(segments);
    out.extend_from_slice(&plain[2..]);
    out.extend(jpeg(&lesion(32, 24)));
    out.extend_from_slice(b"TRAILER:serial=SN-4242-SECRET");
    out
}

fn exif_tiff(orientation: u16) -> Vec<u8> {
    let gps = vec![
        ascii(0x0001, "N"),
        rationals(0x0002, &[(43, 1), (17, 1), (3600, 100)]),
        ascii(0x0003, "E"),
        rationals(0x0004, &[(5, 1), (22, 1), (1200, 100)]),
    ];
    let exif = vec![
        ascii(0x9003, "2026:11:20 09:41:07"),
        ascii(0xA431, PLANTED_SERIAL),
    ];
    let mut ifd0 = vec![
        ascii(0x010F, PLANTED_MAKE),
        ascii(0x0110, "TC-9 Pro"),
        short(0x0112, orientation),
        ascii(0x0132, "2026:11:20 09:41:07"),
        long(0x8769, 0),
        long(0x8825, 0),
    ];
    let exif_at = 8 + ifd_size(&ifd0);
    let gps_at = exif_at + ifd_size(&exif);
    ifd0[4] = long(0x8769, exif_at);
    ifd0[5] = long(0x8825, gps_at);
    let mut out = b"MM\0\x2A\0\0\0\x08".to_vec();
    write_ifd(&mut out, &ifd0);
    write_ifd(&mut out, &exif);
    write_ifd(&mut out, &gps);
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    c.extend_from_slice(&crc.finalize().to_be_bytes());
    c
}

/// A PNG with text, time and a private chunk before IEND, and bytes after it.
pub fn lesion_text_png() -> Vec<u8> {
    let mut plain = Vec::new();
    lesion(200, 150)
        .write_to(
            &mut std::io::Cursor::new(&mut plain),
            image::ImageFormat::Png,
        )
        .expect("encode png");
    let iend = plain.len() - 12;
    let mut out = plain[..iend].to_vec();
    out.extend(png_chunk(
        b"tEXt",
        &[b"Author\0".as_slice(), PLANTED_PNG_TEXT.as_bytes()].concat(),
    ));
    out.extend(png_chunk(b"tIME", &[0x07, 0xEA, 11, 20, 9, 41, 7]));
    out.extend(png_chunk(b"prVt", PLANTED_SERIAL.as_bytes()));
    out.extend_from_slice(&plain[iend..]);
    out.extend_from_slice(b"trailing bytes");
    out
}

pub fn lesion_webp() -> Vec<u8> {
    let mut out = Vec::new();
    lesion(240, 180)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::WebP,
        )
        .expect("encode webp");
    out
}

/// A PNG whose header announces `width` x `height` pixels, with one tiny IDAT: a decompression
/// bomb's header, to be refused before any decoding.
pub fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A picture of one colour that is only a rule, so that very large photos can be encoded without
/// holding their pixels.
struct Flat {
    width: u32,
    height: u32,
}

impl GenericImageView for Flat {
    type Pixel = Rgb<u8>;

    fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn get_pixel(&self, _x: u32, _y: u32) -> Rgb<u8> {
        Rgb([224, 172, 140])
    }
}

/// The lesion picture (1200 x 1000, large enough to draw no `too_small`) out of focus: a
/// Gaussian blur of sigma 4, which the quality check calls blurred. Not committed: tests make it.
pub fn blurred_jpeg() -> Vec<u8> {
    jpeg(&image::imageops::blur(&lesion(1200, 1000), 4.0))
}

/// A baseline JPEG of one skin colour: 60 megapixels (9600 x 6250) take 180 MB decoded and about
/// 1 MB here. Not committed: tests make it when they need it.
pub fn flat_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&Flat { width, height })
        .expect("encode jpeg");
    out
}

/// `jpeg` with its frame marked progressive (SOF0 made SOF2), its scans left as they are: a
/// header that tells the server the decoder would keep every coefficient. Only for photos refused
/// from their header (the scans do not decode as progressive ones).
pub fn marked_progressive(jpeg: &[u8]) -> Vec<u8> {
    let mut jpeg = jpeg.to_vec();
    // Segments are walked by their lengths, so that no table byte is taken for the marker.
    let mut at = 2;
    while jpeg[at] == 0xFF && jpeg[at + 1] != 0xC0 {
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
    assert_eq!(jpeg[at..at + 2], [0xFF, 0xC0], "a baseline JPEG");
    jpeg[at + 1] = 0xC2;
    jpeg
}

/// A PNG of one colour at 16 bits per RGBA channel (8 bytes a pixel decoded), streamed row by
/// row: 10000 x 10000 take 800 MB decoded and under 1 MB here. Not committed: tests make it.
pub fn deep_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Sixteen);
    // Each row repeats the one above: with the Up filter every row after the first is zeros,
    // which deflate shrinks about a thousand times.
    encoder.set_filter(png::Filter::Up);
    encoder.set_deflate_compression(png::DeflateCompression::Level(9));
    let mut writer = encoder.write_header().expect("png header");
    let mut stream = writer.stream_writer().expect("png stream");
    let row = [0xE0, 0x00, 0xAC, 0x00, 0x8C, 0x00, 0xFF, 0xFF].repeat(width as usize);
    for _ in 0..height {
        stream.write_all(&row).expect("png row");
    }
    stream.finish().expect("png end");
    writer.finish().expect("png end");
    out
}

/// The committed fixture `name` from `fixtures/`.
pub fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}
