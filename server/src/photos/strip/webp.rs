//! WebP: a RIFF chunk allowlist.
//!
//! Kept: the image (VP8 or VP8L, exactly one), ALPH, and ICCP when the VP8X header announces it
//! (a viewer ignores an unannounced profile, so keeping it would change the colours). VP8X is
//! rewritten: alpha flag kept, ICC flag set iff ICCP is kept, EXIF flag set iff we write our
//! minimal EXIF, XMP and reserved bits cleared. Our EXIF chunk holds the TIFF header directly,
//! without `Exif\0\0` (image 0.25 and some viewers ignore orientation in that form). A simple
//! (VP8/VP8L only) file that needs the EXIF chunk becomes an extended one, its canvas size read
//! from the bitstream header. The RIFF size is recomputed; bytes after it are cut.
//!
//! Animated WebP (ANIM/ANMF, or the animation flag) is refused as corrupt: a clinical photo is a
//! still, and each frame could carry its own unknown chunks and its own picture.

use std::collections::BTreeSet;
use std::ops::Range;

use super::bytes::{le_u16, le_u24, le_u32, slice};
use super::{corrupt, exif, Removed, StripError, Stripped};

const FLAG_ICC: u8 = 0x20;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_EXIF: u8 = 0x08;
const FLAG_ANIMATION: u8 = 0x02;

pub(super) fn strip(input: &[u8]) -> Result<Stripped, StripError> {
    let riff_end = riff_end(input)?;
    let mut plan = Plan::default();
    let mut pos = 12;
    while pos < riff_end {
        let chunk = Chunk::at(input, pos, riff_end)?;
        if pos == 12 && !matches!(&chunk.fourcc, b"VP8X" | b"VP8 " | b"VP8L") {
            return Err(corrupt("WebP does not start with VP8X, VP8 or VP8L"));
        }
        plan.chunk(input, &chunk)?;
        pos = chunk.next;
    }
    if plan.image.is_none() {
        return Err(corrupt("WebP without image data"));
    }
    if riff_end < input.len() {
        plan.removed.insert(Removed::TrailingData);
    }
    plan.assemble(input)
}

/// The end of the RIFF container, checked against the file.
fn riff_end(input: &[u8]) -> Result<usize, StripError> {
    if input.get(..4) != Some(b"RIFF") || input.get(8..12) != Some(b"WEBP") {
        return Err(corrupt("not a WebP: bad RIFF header"));
    }
    let size = le_u32(input, 4).ok_or_else(|| corrupt("truncated RIFF header"))?;
    let end = usize::try_from(size).ok().and_then(|s| s.checked_add(8));
    match end {
        Some(end) if end >= 12 && end <= input.len() => Ok(end),
        _ => Err(corrupt("RIFF size does not match the file")),
    }
}

struct Chunk {
    fourcc: [u8; 4],
    /// Header and data, without the padding byte.
    span: Range<usize>,
    data: Range<usize>,
    /// Where the next chunk starts (after the padding byte of an odd-sized chunk).
    next: usize,
}

impl Chunk {
    fn at(input: &[u8], pos: usize, riff_end: usize) -> Result<Chunk, StripError> {
        let bad = || corrupt(format!("WebP chunk at byte {pos} runs past the RIFF end"));
        let fourcc: [u8; 4] = slice(input, pos, 4)
            .and_then(|f| f.try_into().ok())
            .ok_or_else(bad)?;
        let size = le_u32(input, pos + 4).ok_or_else(bad)? as usize;
        let data = pos + 8..(pos + 8).checked_add(size).ok_or_else(bad)?;
        let next = data.end.checked_add(size & 1).ok_or_else(bad)?;
        if next > riff_end {
            return Err(bad());
        }
        Ok(Chunk {
            fourcc,
            span: pos..data.end,
            data,
            next,
        })
    }
}

#[derive(Default)]
struct Plan {
    /// VP8X flags of the original, when it is an extended file.
    vp8x: Option<Vp8x>,
    iccp: Option<Range<usize>>,
    alph: Option<Range<usize>>,
    image: Option<Range<usize>>,
    exif_seen: bool,
    orientation: Option<u16>,
    removed: BTreeSet<Removed>,
}

#[derive(Clone, Copy)]
struct Vp8x {
    flags: u8,
    /// Canvas width and height minus one (24 bits each).
    canvas: (u32, u32),
}

impl Plan {
    fn chunk(&mut self, input: &[u8], chunk: &Chunk) -> Result<(), StripError> {
        let data = input.get(chunk.data.clone()).unwrap_or(&[]);
        match &chunk.fourcc {
            b"VP8X" if chunk.span.start == 12 => self.vp8x = Some(read_vp8x(data)?),
            b"VP8 " | b"VP8L" if self.image.is_none() => self.image = Some(chunk.span.clone()),
            b"VP8 " | b"VP8L" | b"VP8X" => return Err(corrupt("WebP with several image headers")),
            b"ANIM" | b"ANMF" => return Err(corrupt("animated WebP is not accepted")),
            b"ALPH" if self.vp8x.is_some() && self.alph.is_none() => {
                self.alph = Some(chunk.span.clone())
            }
            b"ICCP" if self.announces(FLAG_ICC) && self.iccp.is_none() => {
                self.iccp = Some(chunk.span.clone())
            }
            b"EXIF" => {
                let found = exif::inspect(exif::tiff_of(data));
                self.removed.extend(found.removed);
                if !self.exif_seen {
                    self.exif_seen = true;
                    self.orientation = found.orientation;
                }
            }
            b"XMP " => {
                self.removed.insert(Removed::Xmp);
            }
            _ => {
                self.removed.insert(Removed::Other);
            }
        }
        Ok(())
    }

    fn announces(&self, flag: u8) -> bool {
        self.vp8x.is_some_and(|v| v.flags & flag != 0)
    }

    fn assemble(self, input: &[u8]) -> Result<Stripped, StripError> {
        let orientation = self.orientation.unwrap_or(1);
        let exif = (orientation != 1).then(|| exif::minimal(orientation));
        let image = self.image.clone().unwrap_or_default();
        let vp8x = match (self.vp8x, exif.is_some()) {
            (Some(v), _) => Some(v),
            (None, true) => Some(vp8x_from_bitstream(
                input.get(image.clone()).unwrap_or(&[]),
            )?),
            (None, false) => None,
        };
        // Holds the whole image: wiped once copied into `out`.
        let mut body = zeroize::Zeroizing::new(Vec::with_capacity(input.len().min(64 << 20)));
        body.extend_from_slice(b"WEBP");
        if let Some(v) = vp8x {
            let mut flags = v.flags & FLAG_ALPHA;
            if self.iccp.is_some() {
                flags |= FLAG_ICC;
            }
            if exif.is_some() {
                flags |= FLAG_EXIF;
            }
            let mut data = [0u8; 10];
            data[0] = flags;
            data[4..7].copy_from_slice(&v.canvas.0.to_le_bytes()[..3]);
            data[7..10].copy_from_slice(&v.canvas.1.to_le_bytes()[..3]);
            push_chunk(&mut body, b"VP8X", &data);
        }
        // Order from the container specification: VP8X, ICCP, ALPH, image, EXIF.
        for span in [&self.iccp, &self.alph, &Some(image)].into_iter().flatten() {
            push_span(&mut body, input, span.clone());
        }
        if let Some(exif) = exif {
            push_chunk(&mut body, b"EXIF", &exif);
        }
        let size = u32::try_from(body.len()).map_err(|_| corrupt("WebP too large"))?;
        let mut out = Vec::with_capacity(body.len() + 8);
        out.extend_from_slice(b"RIFF");
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&body);
        Ok(Stripped {
            bytes: zeroize::Zeroizing::new(out),
            removed: self.removed,
            orientation,
        })
    }
}

fn read_vp8x(data: &[u8]) -> Result<Vp8x, StripError> {
    let bad = || corrupt("bad VP8X chunk");
    let flags = *data.first().ok_or_else(bad)?;
    if flags & FLAG_ANIMATION != 0 {
        return Err(corrupt("animated WebP is not accepted"));
    }
    let canvas = (
        le_u24(data, 4).ok_or_else(bad)?,
        le_u24(data, 7).ok_or_else(bad)?,
    );
    Ok(Vp8x { flags, canvas })
}

/// The VP8X fields of a simple file, from its VP8 or VP8L bitstream header (`chunk` is the whole
/// image chunk, header included).
fn vp8x_from_bitstream(chunk: &[u8]) -> Result<Vp8x, StripError> {
    let bad = || corrupt("bad WebP bitstream header");
    let data = chunk.get(8..).ok_or_else(bad)?;
    let (width, height, alpha) = match chunk.get(..4) {
        // Key frame: 3-byte frame tag, start code 9D 01 2A, 14-bit width and height.
        Some(b"VP8 ") if data.get(3..6) == Some(&[0x9D, 0x01, 0x2A][..]) => {
            let w = u32::from(le_u16(data, 6).ok_or_else(bad)?);
            let h = u32::from(le_u16(data, 8).ok_or_else(bad)?);
            (w & 0x3FFF, h & 0x3FFF, false)
        }
        // Signature 0x2F, then 14 bits width-1, 14 bits height-1, 1 bit alpha, little-endian.
        Some(b"VP8L") if data.first() == Some(&0x2F) => {
            let bits = le_u32(data, 1).ok_or_else(bad)?;
            (
                (bits & 0x3FFF) + 1,
                ((bits >> 14) & 0x3FFF) + 1,
                bits & (1 << 28) != 0,
            )
        }
        _ => return Err(bad()),
    };
    if width == 0 || height == 0 {
        return Err(bad());
    }
    let flags = if alpha { FLAG_ALPHA } else { 0 };
    Ok(Vp8x {
        flags,
        canvas: (width - 1, height - 1),
    })
}

/// Appends a chunk copied from the input, with a zero padding byte when its size is odd.
fn push_span(out: &mut Vec<u8>, input: &[u8], span: Range<usize>) {
    let bytes = input.get(span).unwrap_or(&[]);
    out.extend_from_slice(bytes);
    if bytes.len() % 2 == 1 {
        out.push(0);
    }
}

fn push_chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}
