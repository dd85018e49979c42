//! The container walk behind `decode`: does the file reach its end marker? (See `inspect`.)

use super::Format;

/// True when the file's structure reaches its end marker (see the checks per format below).
pub(super) fn reaches_end(format: Format, bytes: &[u8]) -> bool {
    match format {
        Format::Jpeg => jpeg_reaches_eoi(bytes),
        Format::Png => png_reaches_iend(bytes),
        Format::Webp => webp_chunks_fit(bytes),
    }
}

pub(super) fn be_u16(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_be_bytes([b[0], b[1]])))
}

fn be_u32(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok()
}

fn le_u32(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
}

/// True when the JPEG walks from SOI through at least one scan to an EOI marker.
fn jpeg_reaches_eoi(bytes: &[u8]) -> bool {
    const SOS: u8 = 0xDA;
    const EOI: u8 = 0xD9;
    let mut pos = 2; // after SOI, which `sniff` has checked
    let mut seen_scan = false;
    while let Some((after, marker)) = next_jpeg_marker(bytes, pos) {
        pos = after;
        match marker {
            EOI => return seen_scan,
            // Markers without a length field.
            0x01 | 0xD8 => {}
            _ => {
                let Some(length) = be_u16(bytes, pos).filter(|&length| length >= 2) else {
                    return false;
                };
                pos += length;
                if pos > bytes.len() {
                    return false;
                }
                // After a scan header come entropy-coded bytes: `next_jpeg_marker` skips them.
                seen_scan |= marker == SOS;
            }
        }
    }
    false
}

/// Finds the next marker at or after `from`, skipping what cannot start a segment: entropy-coded
/// bytes, stuffed `FF 00`, fill `FF FF` and restart markers inside a scan. Returns the position
/// just after the marker and the marker code.
pub(super) fn next_jpeg_marker(bytes: &[u8], from: usize) -> Option<(usize, u8)> {
    let mut at = from;
    loop {
        let ff = at + memchr::memchr(0xFF, bytes.get(at..)?)?;
        match *bytes.get(ff + 1)? {
            0x00 | 0xFF | 0xD0..=0xD7 => at = ff + 1,
            marker => return Some((ff + 2, marker)),
        }
    }
}

/// True when the PNG chunks, skipped by their lengths, reach a whole IEND chunk.
fn png_reaches_iend(bytes: &[u8]) -> bool {
    let mut pos = 8; // after the signature, which `sniff` has checked
    loop {
        let Some(length) = be_u32(bytes, pos) else {
            return false;
        };
        // length, type, data, CRC
        let Some(end) = length.checked_add(12).and_then(|n| n.checked_add(pos)) else {
            return false;
        };
        if end > bytes.len() {
            return false;
        }
        if bytes.get(pos + 4..pos + 8) == Some(b"IEND".as_slice()) {
            return true;
        }
        pos = end;
    }
}

/// True when the RIFF payload fits in the file and every chunk fits in the payload.
fn webp_chunks_fit(bytes: &[u8]) -> bool {
    let Some(riff_end) = le_u32(bytes, 4).and_then(|size| size.checked_add(8)) else {
        return false;
    };
    if riff_end > bytes.len() || riff_end < 12 {
        return false;
    }
    let mut pos = 12; // after "RIFF", the size and "WEBP"
    while pos < riff_end {
        let Some(size) = le_u32(bytes, pos + 4) else {
            return false;
        };
        let Some(end) = size.checked_add(pos + 8).filter(|&end| end <= riff_end) else {
            return false;
        };
        // Chunks are padded to an even size; tolerate a missing pad byte on the last one.
        pos = (end + (size & 1)).min(riff_end);
    }
    true
}
