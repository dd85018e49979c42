//! The independent re-check of a stripped photo, run on every output before it is stored.
//!
//! It walks the container again with its own code and its own allowlists, sharing nothing with
//! the strippers but the bounds-checked integer reads: a bug in a stripper has to be repeated
//! here to let metadata through. Anything outside the allowlist, data after the end of the image,
//! or an EXIF block holding more than the Orientation tag is `NotClean`; a broken structure is
//! `Corrupt`.

use super::bytes::{be_u16, be_u32, le_u32, slice, Tiff};
use super::{corrupt, StripError};
use crate::photos::format::Format;

/// Checks that `bytes` holds nothing but image data, colour information and (at most) our
/// minimal orientation-only EXIF block.
pub fn verify_clean(format: Format, bytes: &[u8]) -> Result<(), StripError> {
    match format {
        Format::Jpeg => jpeg(bytes),
        Format::Png => png(bytes),
        Format::Webp => webp(bytes),
    }
}

fn not_clean(why: impl Into<String>) -> StripError {
    StripError::NotClean(why.into())
}

/// Exactly the block we write: TIFF header, IFD0 at offset 8 with one entry, Orientation (SHORT,
/// count 1, 2..=8), no next IFD, nothing else.
fn minimal_exif(tiff: &[u8]) -> bool {
    let Some((t, ifd0)) = Tiff::open(tiff) else {
        return false;
    };
    tiff.len() == 26
        && ifd0 == 8
        && t.u16(8) == Some(1)
        && t.u16(10) == Some(0x0112)
        && t.u16(12) == Some(3)
        && t.u32(14) == Some(1)
        && t.u16(18).is_some_and(|o| (2..=8).contains(&o))
        && t.u16(20) == Some(0)
        && t.u32(22) == Some(0)
}

fn jpeg(b: &[u8]) -> Result<(), StripError> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(corrupt("not a JPEG"));
    }
    let broken = || corrupt("broken JPEG structure");
    let (mut pos, mut frames, mut exifs, mut scans) = (2usize, 0, 0, 0);
    loop {
        if b.get(pos) != Some(&0xFF) {
            return Err(broken());
        }
        while b.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let code = *b.get(pos + 1).ok_or_else(broken)?;
        if code == 0xD9 {
            if scans == 0 {
                return Err(corrupt("JPEG without a scan"));
            }
            return match pos + 2 == b.len() {
                true => Ok(()),
                false => Err(not_clean("data after the JPEG EOI")),
            };
        }
        let len = usize::from(be_u16(b, pos + 2).filter(|&l| l >= 2).ok_or_else(broken)?);
        let payload = slice(b, pos + 4, len - 2).ok_or_else(broken)?;
        let end = pos + 2 + len;
        match code {
            0xDA => {
                scans += 1;
                pos = skip_entropy(b, end)?;
                continue;
            }
            0xC4 | 0xCC | 0xDB | 0xDC | 0xDD => {}
            0xC0..=0xCF if code != 0xC8 => {
                frames += 1;
                if frames > 1 {
                    return Err(not_clean("more than one JPEG frame"));
                }
            }
            0xE0 if payload.len() == 14
                && payload.starts_with(b"JFIF\0")
                && payload.ends_with(&[0, 0]) => {}
            0xE1 if payload.strip_prefix(b"Exif\0\0").is_some_and(minimal_exif) => {
                exifs += 1;
                if exifs > 1 {
                    return Err(not_clean("more than one EXIF segment"));
                }
            }
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => {}
            0xEE if payload.len() == 12 && payload.starts_with(b"Adobe") => {}
            _ => {
                return Err(not_clean(format!(
                    "JPEG segment 0x{code:02X} is not allowed"
                )))
            }
        }
        pos = end;
    }
}

/// The offset of the marker ending the entropy-coded data that starts at `pos`.
fn skip_entropy(b: &[u8], mut pos: usize) -> Result<usize, StripError> {
    let unended = || corrupt("JPEG scan data without an end");
    loop {
        pos += b
            .get(pos..)
            .and_then(|rest| memchr::memchr(0xFF, rest))
            .ok_or_else(unended)?;
        match b.get(pos + 1) {
            None => return Err(unended()),
            Some(0x00 | 0xD0..=0xD7) => pos += 2,
            Some(_) => return Ok(pos),
        }
    }
}

fn png(b: &[u8]) -> Result<(), StripError> {
    if !b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(corrupt("not a PNG"));
    }
    let broken = || corrupt("broken PNG structure");
    let (mut pos, mut idat, mut exif) = (8usize, false, false);
    loop {
        let len = usize::try_from(be_u32(b, pos).ok_or_else(broken)?).map_err(|_| broken())?;
        let ty = slice(b, pos + 4, 4).ok_or_else(broken)?;
        let data = slice(b, pos + 8, len).ok_or_else(broken)?;
        let crc_at = (pos + 8).checked_add(len).ok_or_else(broken)?;
        let crc = be_u32(b, crc_at).ok_or_else(broken)?;
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(ty);
        hasher.update(data);
        if hasher.finalize() != crc {
            return Err(corrupt("bad PNG chunk CRC"));
        }
        pos = crc_at + 4;
        let fixed = |n: usize| len == n;
        match ty {
            b"IEND" if !idat => return Err(corrupt("PNG without image data")),
            b"IEND" if pos == b.len() => return Ok(()),
            b"IEND" => return Err(not_clean("data after the PNG IEND")),
            b"IDAT" => idat = true,
            b"eXIf" if !idat && !exif && minimal_exif(data) => exif = true,
            b"IHDR" | b"PLTE" | b"tRNS" | b"sBIT" | b"bKGD" | b"iCCP" => {}
            b"gAMA" | b"cICP" if fixed(4) => {}
            b"sRGB" if fixed(1) => {}
            b"pHYs" if fixed(9) => {}
            b"cHRM" if fixed(32) => {}
            b"mDCV" if fixed(24) => {}
            b"cLLI" if fixed(8) => {}
            _ => {
                let name = String::from_utf8_lossy(ty);
                return Err(not_clean(format!("PNG chunk {name} is not allowed")));
            }
        }
    }
}

fn webp(b: &[u8]) -> Result<(), StripError> {
    if b.get(..4) != Some(b"RIFF") || b.get(8..12) != Some(b"WEBP") {
        return Err(corrupt("not a WebP"));
    }
    let size = usize::try_from(le_u32(b, 4).ok_or_else(|| corrupt("not a WebP"))?)
        .map_err(|_| corrupt("bad RIFF size"))?;
    if size.checked_add(8) != Some(b.len()) {
        return Err(match size.checked_add(8).is_some_and(|end| end < b.len()) {
            true => not_clean("data after the RIFF container"),
            false => corrupt("RIFF size larger than the file"),
        });
    }
    let broken = || corrupt("broken WebP structure");
    let mut flags = None;
    let (mut pos, mut images, mut icc, mut exif) = (12usize, 0, false, false);
    while pos < b.len() {
        let fourcc = slice(b, pos, 4).ok_or_else(broken)?;
        let len = usize::try_from(le_u32(b, pos + 4).ok_or_else(broken)?).map_err(|_| broken())?;
        let data = slice(b, pos + 8, len).ok_or_else(broken)?;
        let end = pos + 8 + data.len();
        if len % 2 == 1 && b.get(end) != Some(&0) {
            return Err(not_clean("non-zero WebP padding byte"));
        }
        match fourcc {
            b"VP8X" if pos == 12 && len == 10 => flags = data.first().copied(),
            b"VP8 " | b"VP8L" => images += 1,
            b"ALPH" if flags.is_some() => {}
            b"ICCP" if flags.is_some() && !icc => icc = true,
            b"EXIF" if flags.is_some() && !exif && minimal_exif(data) => exif = true,
            _ => {
                let name = String::from_utf8_lossy(fourcc);
                return Err(not_clean(format!("WebP chunk {name:?} is not allowed")));
            }
        }
        pos = end + len % 2;
    }
    if images != 1 {
        return Err(corrupt("WebP without exactly one image"));
    }
    // Only the ICC and alpha flags may be set, plus EXIF when the EXIF chunk is ours; ICC and
    // EXIF must match the chunks present.
    let flags = flags.unwrap_or(0);
    if flags & !0x38 != 0 || (flags & 0x20 != 0) != icc || (flags & 0x08 != 0) != exif {
        return Err(not_clean(format!("unexpected VP8X flags 0x{flags:02X}")));
    }
    Ok(())
}
