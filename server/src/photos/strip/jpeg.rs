//! JPEG: walk the markers ourselves, keep what decoding needs, and cut at the EOI that ends the
//! primary image.
//!
//! Kept: SOI; DQT, DHT, DRI, DAC, DNL; the one SOFn; every SOS with its entropy-coded data (byte
//! stuffing and RSTn included), so progressive files keep the tables between their scans; EOI.
//! Before the first scan we also keep what changes how the pixels look:
//! - ICC profile APP2 segments (`ICC_PROFILE\0`), all chunks in order: lesion colour depends on
//!   them;
//! - Adobe APP14, cut to its 12 defined bytes: its transform flag decides YCbCr/RGB/YCCK;
//! - the first JFIF APP0, rewritten to its 14 defined bytes with the thumbnail removed. Decoders
//!   do not need JFIF, but libjpeg uses its presence to decide the colour space of 3-component
//!   files, so keeping it keeps the decoded colours identical in every case.
//!
//! Everything else is dropped and classified. The output is SOI, JFIF, our minimal EXIF APP1 (JFIF
//! wants to come first; browsers read APP1 wherever it sits in the header), then the kept
//! segments in their original order, then EOI. Whatever follows the EOI of the primary image
//! (MPF images, gain maps, vendor trailers, padding) is cut. The image data is copied, never
//! decoded or re-encoded.

use std::collections::BTreeSet;
use std::ops::Range;

use super::bytes::be_u16;
use super::{corrupt, exif, Removed, StripError, Stripped};

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DQT: u8 = 0xDB;
const DNL: u8 = 0xDC;
const DRI: u8 = 0xDD;
const DHT: u8 = 0xC4;
const JPG: u8 = 0xC8;
const DAC: u8 = 0xCC;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP13: u8 = 0xED;
const APP14: u8 = 0xEE;
const COM: u8 = 0xFE;

const ICC: &[u8] = b"ICC_PROFILE\0";
const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
/// JFIF APP0 payload: identifier, version, units, densities, thumbnail width and height.
const JFIF_LEN: usize = 14;
/// Adobe APP14 payload: identifier, version, two flag words, transform.
const ADOBE_LEN: usize = 12;

pub(super) fn strip(input: &[u8]) -> Result<Stripped, StripError> {
    if input.get(..2) != Some(&[0xFF, SOI][..]) {
        return Err(corrupt("not a JPEG: no SOI marker"));
    }
    let mut plan = Plan::default();
    let end = plan.walk(input)?;
    if let Some(trailer) = input.get(end..).filter(|t| !t.is_empty()) {
        plan.removed.insert(if trailer.starts_with(&[0xFF, SOI]) {
            Removed::SecondaryImage
        } else {
            Removed::TrailingData
        });
    }
    Ok(plan.assemble(input))
}

/// One piece of the output: a span of the input, or a segment we rewrote.
enum Piece {
    Input(Range<usize>),
    Owned(Vec<u8>),
}

#[derive(Default)]
struct Plan {
    pieces: Vec<Piece>,
    /// The kept JFIF APP0 segment (marker included), placed right after SOI.
    jfif: Option<Vec<u8>>,
    orientation: Option<u16>,
    removed: BTreeSet<Removed>,
    frame: bool,
    scans: usize,
}

impl Plan {
    /// Walks from after SOI to the EOI ending the primary image; returns the offset just past it.
    fn walk(&mut self, input: &[u8]) -> Result<usize, StripError> {
        let mut pos = 2;
        loop {
            let (code, at) = marker(input, pos)?;
            match code {
                EOI if self.scans > 0 => return Ok(at + 2),
                EOI => return Err(corrupt("no image data: EOI before any scan")),
                SOI | 0xD0..=0xD7 | 0x01 => {
                    return Err(corrupt(format!(
                        "unexpected marker 0x{code:02X} at byte {at}"
                    )))
                }
                _ => {}
            }
            let len = be_u16(input, at + 2)
                .filter(|&len| len >= 2)
                .ok_or_else(|| corrupt(format!("bad segment length at byte {at}")))?;
            let end = at + 2 + usize::from(len);
            let payload = input.get(at + 4..end).ok_or_else(|| {
                corrupt(format!(
                    "segment 0x{code:02X} at byte {at} runs past the end"
                ))
            })?;
            if matches!(code, DQT | DHT | DRI | DAC | DNL | SOS | 0xC0..=0xCF)
                && !exact(code, payload)
            {
                return Err(corrupt(format!(
                    "malformed segment 0x{code:02X} at byte {at}"
                )));
            }
            if code == SOS {
                if !self.frame {
                    return Err(corrupt("scan before any frame header"));
                }
                self.scans += 1;
                pos = entropy_end(input, end)?;
                self.pieces.push(Piece::Input(at..pos));
            } else {
                self.segment(code, payload, at..end)?;
                pos = end;
            }
        }
    }

    /// Keeps, rewrites or drops (and classifies) one non-scan segment.
    fn segment(&mut self, code: u8, payload: &[u8], span: Range<usize>) -> Result<(), StripError> {
        let header = self.scans == 0;
        match code {
            DQT | DHT | DRI | DAC | DNL => self.pieces.push(Piece::Input(span)),
            JPG | 0xDE | 0xDF => {
                return Err(corrupt(
                    "hierarchical or reserved JPEG coding is not supported",
                ))
            }
            0xC0..=0xCF if self.frame => return Err(corrupt("more than one frame header")),
            0xC0..=0xCF => {
                self.frame = true;
                self.pieces.push(Piece::Input(span));
            }
            APP0 => self.app0(payload, header),
            APP1 => self.app1(payload, header),
            APP2 if header && payload.starts_with(ICC) => self.pieces.push(Piece::Input(span)),
            APP2 if payload.starts_with(b"MPF\0") => self.discard(Removed::SecondaryImage),
            APP13 if payload.starts_with(b"Photoshop") => self.discard(Removed::Iptc),
            APP14 if header && payload.starts_with(b"Adobe") => match payload.get(..ADOBE_LEN) {
                Some(adobe) => self.pieces.push(Piece::Owned(segment_bytes(APP14, adobe))),
                None => self.discard(Removed::Other),
            },
            COM => self.discard(Removed::Comment),
            // Other APPn (vendors, JUMBF/C2PA, FlashPix, ...) and the JPGn extensions.
            APP0..=0xEF | 0xF0..=0xFD => self.discard(Removed::Other),
            _ => return Err(corrupt(format!("unknown marker 0x{code:02X}"))),
        }
        Ok(())
    }

    /// Notes what a dropped segment held (the segment itself is simply not copied).
    fn discard(&mut self, what: Removed) {
        self.removed.insert(what);
    }

    fn app0(&mut self, payload: &[u8], header: bool) {
        if payload.starts_with(b"JFXX\0") {
            return self.discard(Removed::Thumbnail);
        }
        let Some(jfif) = payload
            .get(..JFIF_LEN)
            .filter(|_| payload.starts_with(b"JFIF\0"))
        else {
            return self.discard(Removed::Other);
        };
        // Thumbnail width and height are the last two defined bytes; its pixels follow them.
        if !jfif.ends_with(&[0, 0]) || payload.len() > JFIF_LEN {
            self.discard(Removed::Thumbnail);
        }
        if header && self.jfif.is_none() {
            let density = jfif.get(..JFIF_LEN - 2).unwrap_or_default();
            self.jfif = Some(segment_bytes(APP0, &[density, &[0, 0]].concat()));
        } else {
            self.discard(Removed::Other);
        }
    }

    fn app1(&mut self, payload: &[u8], header: bool) {
        if let Some(tiff) = payload
            .strip_prefix(b"Exif\0")
            .and_then(|rest| rest.get(1..))
        {
            let found = exif::inspect(tiff);
            self.removed.extend(found.removed);
            // Viewers read the orientation from the first EXIF segment of the header that has one.
            if header && self.orientation.is_none() {
                self.orientation = found.orientation;
            }
        } else if payload.starts_with(XMP) {
            self.discard(Removed::Xmp);
        } else if payload.starts_with(XMP_EXTENSION) {
            // Extended XMP carries depth maps, gain maps and other large payloads.
            self.discard(Removed::SecondaryImage);
        } else {
            self.discard(Removed::Other);
        }
    }

    fn assemble(self, input: &[u8]) -> Stripped {
        let orientation = self.orientation.unwrap_or(1);
        let mut out = Vec::with_capacity(input.len().min(64 << 20));
        out.extend_from_slice(&[0xFF, SOI]);
        if let Some(jfif) = &self.jfif {
            out.extend_from_slice(jfif);
        }
        if orientation != 1 {
            let mut payload = exif::JPEG_PREFIX.to_vec();
            payload.extend_from_slice(&exif::minimal(orientation));
            out.extend_from_slice(&segment_bytes(APP1, &payload));
        }
        for piece in &self.pieces {
            match piece {
                Piece::Input(span) => out.extend_from_slice(input.get(span.clone()).unwrap_or(&[])),
                Piece::Owned(bytes) => out.extend_from_slice(bytes),
            }
        }
        out.extend_from_slice(&[0xFF, EOI]);
        Stripped {
            bytes: zeroize::Zeroizing::new(out),
            removed: self.removed,
            orientation,
        }
    }
}

/// The marker at `pos`: skips fill bytes (`FF FF ...`) and returns the marker code and the offset
/// of the `FF` right before it.
fn marker(input: &[u8], pos: usize) -> Result<(u8, usize), StripError> {
    match input.get(pos) {
        Some(0xFF) => {}
        Some(_) => return Err(corrupt(format!("expected a marker at byte {pos}"))),
        None => return Err(corrupt("truncated: the image ends before its EOI marker")),
    }
    let mut at = pos;
    while input.get(at + 1) == Some(&0xFF) {
        at += 1;
    }
    match input.get(at + 1) {
        None => Err(corrupt("truncated: the image ends before its EOI marker")),
        Some(0x00) => Err(corrupt(format!(
            "stuffed byte outside scan data at byte {at}"
        ))),
        Some(&code) => Ok((code, at)),
    }
}

/// The end of the entropy-coded data that starts at `from`: the offset of the first `FF` of the
/// next real marker. `FF 00` (a stuffed `FF`) and `FF D0`..`FF D7` (restart markers) are data.
fn entropy_end(input: &[u8], from: usize) -> Result<usize, StripError> {
    let truncated = || corrupt("truncated: scan data runs to the end of the file");
    let mut i = from;
    loop {
        let rest = input.get(i..).ok_or_else(truncated)?;
        let ff = i + memchr::memchr(0xFF, rest).ok_or_else(truncated)?;
        let mut next = ff + 1;
        while input.get(next) == Some(&0xFF) {
            next += 1;
        }
        match input.get(next) {
            None => return Err(truncated()),
            Some(0x00 | 0xD0..=0xD7) => i = next + 1,
            Some(_) => return Ok(ff),
        }
    }
}

/// Whether a segment we copy verbatim (tables, frame and scan headers) is exactly as long as what
/// it defines, so that nothing can ride along after its fields.
fn exact(code: u8, p: &[u8]) -> bool {
    match code {
        // Tables of 64 one-byte or two-byte entries, each after a precision/id byte.
        DQT => tables(p, |t| match t.first()? >> 4 {
            0 => Some(65),
            1 => Some(129),
            _ => None,
        }),
        // Class/id byte, 16 code counts, then as many symbols.
        DHT => tables(p, |t| {
            Some(17 + t.get(1..17)?.iter().map(|&n| usize::from(n)).sum::<usize>())
        }),
        DAC => p.len().is_multiple_of(2),
        DRI | DNL => p.len() == 2,
        SOS => p
            .first()
            .is_some_and(|&n| p.len() == 4 + 2 * usize::from(n)),
        // SOFn: precision, height, width, component count, then 3 bytes per component.
        _ => p.get(5).is_some_and(|&n| p.len() == 6 + 3 * usize::from(n)),
    }
}

/// Whether `p` is a whole number of tables whose lengths `len_of` reads from their first bytes.
fn tables(mut p: &[u8], len_of: impl Fn(&[u8]) -> Option<usize>) -> bool {
    while !p.is_empty() {
        match len_of(p).and_then(|n| p.get(n..)) {
            Some(rest) => p = rest,
            None => return false,
        }
    }
    true
}

/// A whole segment: marker, length, payload. Callers pass payloads well under 64 KiB.
fn segment_bytes(code: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2)
        .unwrap_or(u16::MAX)
        .to_be_bytes();
    let mut seg = Vec::with_capacity(payload.len() + 4);
    seg.extend_from_slice(&[0xFF, code, len[0], len[1]]);
    seg.extend_from_slice(payload);
    seg
}
