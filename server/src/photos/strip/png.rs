//! PNG: a chunk allowlist, CRCs checked on everything kept, cut at IEND.
//!
//! Kept: IHDR, PLTE, IDAT, IEND, tRNS, sBIT, bKGD, pHYs (density; harmless) and the colour chunks
//! cHRM, gAMA, iCCP, sRGB, plus cICP, mDCV and cLLI (PNG third edition HDR colour: a few numbers,
//! and they change how the picture looks). Fixed-size chunks must have their defined size, so
//! nothing can ride along in them. Our minimal `eXIf` (orientation only) goes right before the
//! first IDAT, as the specification wants.
//!
//! APNG: acTL/fcTL/fdAT are dropped (as [`Removed::SecondaryImage`]), which reduces an animation to
//! its default image: the IDAT picture, untouched, which every non-APNG decoder shows. A clinical
//! photo has no business being animated, and refusing it would gain nothing.

use std::collections::BTreeSet;
use std::ops::{Range, RangeInclusive};

use super::bytes::be_u32;
use super::{corrupt, exif, Removed, StripError, Stripped};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The data lengths an allowlisted chunk may have; `None` when the chunk is not allowlisted.
fn kept_lengths(ty: &[u8; 4]) -> Option<RangeInclusive<usize>> {
    Some(match ty {
        b"IHDR" => 13..=13,
        b"PLTE" => 3..=768,
        b"IDAT" => 0..=usize::MAX,
        b"tRNS" => 1..=256,
        b"sBIT" => 1..=4,
        b"bKGD" => 1..=6,
        b"pHYs" => 9..=9,
        b"cHRM" => 32..=32,
        b"gAMA" => 4..=4,
        b"iCCP" => 3..=usize::MAX,
        b"sRGB" => 1..=1,
        b"cICP" => 4..=4,
        b"mDCV" => 24..=24,
        b"cLLI" => 8..=8,
        _ => return None,
    })
}

pub(super) fn strip(input: &[u8]) -> Result<Stripped, StripError> {
    if !input.starts_with(SIGNATURE) {
        return Err(corrupt("not a PNG: bad signature"));
    }
    let mut plan = Plan::default();
    let mut pos = SIGNATURE.len();
    loop {
        let chunk = Chunk::at(input, pos)?;
        if pos == SIGNATURE.len() && &chunk.ty != b"IHDR" {
            return Err(corrupt("PNG does not start with IHDR"));
        }
        pos = chunk.whole.end;
        if plan.chunk(input, &chunk)? {
            break;
        }
    }
    if plan.exif_at.is_none() {
        return Err(corrupt("PNG without image data (no IDAT)"));
    }
    if pos < input.len() {
        plan.removed.insert(Removed::TrailingData);
    }
    Ok(plan.assemble(input))
}

struct Chunk {
    ty: [u8; 4],
    data: Range<usize>,
    /// Length, type, data and CRC.
    whole: Range<usize>,
}

impl Chunk {
    fn at(input: &[u8], pos: usize) -> Result<Chunk, StripError> {
        let truncated = || corrupt(format!("truncated PNG chunk at byte {pos}"));
        let len = be_u32(input, pos).ok_or_else(truncated)?;
        if len > 0x7FFF_FFFF {
            return Err(corrupt(format!("bad PNG chunk length at byte {pos}")));
        }
        let ty: [u8; 4] = input
            .get(pos + 4..pos + 8)
            .and_then(|t| t.try_into().ok())
            .ok_or_else(truncated)?;
        if !ty.iter().all(u8::is_ascii_alphabetic) {
            return Err(corrupt(format!("bad PNG chunk type at byte {pos}")));
        }
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| (pos + 8).checked_add(len));
        let data = pos + 8..end.ok_or_else(truncated)?;
        let whole = pos..data.end.checked_add(4).ok_or_else(truncated)?;
        if whole.end > input.len() {
            return Err(truncated());
        }
        Ok(Chunk { ty, data, whole })
    }

    fn crc_ok(&self, input: &[u8]) -> bool {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&self.ty);
        hasher.update(input.get(self.data.clone()).unwrap_or(&[]));
        be_u32(input, self.data.end) == Some(hasher.finalize())
    }

    /// Critical chunks (upper-case first letter) cannot be ignored by a decoder.
    fn critical(&self) -> bool {
        self.ty[0].is_ascii_uppercase()
    }
}

#[derive(Default)]
struct Plan {
    kept: Vec<Range<usize>>,
    /// Index in `kept` of the first IDAT: our eXIf goes right before it.
    exif_at: Option<usize>,
    exif_seen: bool,
    orientation: Option<u16>,
    removed: BTreeSet<Removed>,
}

impl Plan {
    /// Handles one chunk; returns true at IEND.
    fn chunk(&mut self, input: &[u8], chunk: &Chunk) -> Result<bool, StripError> {
        let data = input.get(chunk.data.clone()).unwrap_or(&[]);
        match &chunk.ty {
            b"IEND" => {
                self.keep(input, chunk)?;
                return Ok(true);
            }
            b"eXIf" => {
                let found = exif::inspect(exif::tiff_of(data));
                self.removed.extend(found.removed);
                if !self.exif_seen {
                    self.exif_seen = true;
                    self.orientation = found.orientation;
                }
            }
            b"tEXt" | b"zTXt" | b"iTXt" => {
                self.removed.insert(Removed::PngText);
            }
            b"tIME" => {
                self.removed.insert(Removed::PngTime);
            }
            b"acTL" | b"fcTL" | b"fdAT" => {
                self.removed.insert(Removed::SecondaryImage);
            }
            ty => match kept_lengths(ty) {
                Some(lengths) if lengths.contains(&data.len()) => {
                    if ty == b"IDAT" && self.exif_at.is_none() {
                        self.exif_at = Some(self.kept.len());
                    }
                    self.keep(input, chunk)?;
                }
                _ if chunk.critical() => {
                    let name = String::from_utf8_lossy(ty);
                    return Err(corrupt(format!(
                        "unsupported or malformed PNG chunk {name}"
                    )));
                }
                _ => {
                    self.removed.insert(Removed::Other);
                }
            },
        }
        Ok(false)
    }

    fn keep(&mut self, input: &[u8], chunk: &Chunk) -> Result<(), StripError> {
        if chunk.ty == *b"IEND" && !chunk.data.is_empty() {
            return Err(corrupt("PNG IEND chunk with data"));
        }
        if !chunk.crc_ok(input) {
            let name = String::from_utf8_lossy(&chunk.ty);
            return Err(corrupt(format!("bad CRC in PNG chunk {name}")));
        }
        self.kept.push(chunk.whole.clone());
        Ok(())
    }

    fn assemble(self, input: &[u8]) -> Stripped {
        let orientation = self.orientation.unwrap_or(1);
        let mut out = Vec::with_capacity(input.len().min(64 << 20));
        out.extend_from_slice(SIGNATURE);
        for (i, span) in self.kept.iter().enumerate() {
            if orientation != 1 && self.exif_at == Some(i) {
                out.extend_from_slice(&chunk_bytes(b"eXIf", &exif::minimal(orientation)));
            }
            out.extend_from_slice(input.get(span.clone()).unwrap_or(&[]));
        }
        Stripped {
            bytes: zeroize::Zeroizing::new(out),
            removed: self.removed,
            orientation,
        }
    }
}

/// A whole chunk with its CRC.
fn chunk_bytes(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    chunk.extend_from_slice(ty);
    chunk.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(ty);
    hasher.update(data);
    chunk.extend_from_slice(&hasher.finalize().to_be_bytes());
    chunk
}
