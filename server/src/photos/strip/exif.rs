//! EXIF: what a block held (for [`Removed`]), the orientation it carried, and the minimal block we
//! write back in its place.
//!
//! Our own bounded IFD walk rather than a full EXIF parser: it only needs tag numbers, it must
//! classify whatever it can read of a damaged block (a parser that gives up would hide what was
//! there), and it never follows more than IFD0, its next-IFD link and one level of sub-IFDs.

use std::collections::BTreeSet;

use super::bytes::Tiff;
use super::Removed;

const ORIENTATION: u16 = 0x0112;
const EXIF_IFD: u16 = 0x8769;
const GPS_IFD: u16 = 0x8825;
const TYPE_SHORT: u16 = 3;

/// The `Exif\0\0` prefix of a JPEG APP1 segment (some WebP and PNG writers copy it too).
pub(super) const JPEG_PREFIX: &[u8] = b"Exif\0\0";

/// What one EXIF block held.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Findings {
    /// The IFD0 Orientation tag when it is a valid single SHORT in 1..=8, as browsers read it.
    pub(super) orientation: Option<u16>,
    pub(super) removed: BTreeSet<Removed>,
}

/// The TIFF structure inside an EXIF payload, with or without the `Exif\0\0` prefix.
pub(super) fn tiff_of(payload: &[u8]) -> &[u8] {
    payload.strip_prefix(JPEG_PREFIX).unwrap_or(payload)
}

/// Classifies a TIFF-structured EXIF block. Anything unreadable counts as [`Removed::Exif`]: it
/// was there and it goes.
pub(super) fn inspect(tiff: &[u8]) -> Findings {
    let mut found = Findings::default();
    let Some((reader, ifd0)) = Tiff::open(tiff) else {
        found.removed.insert(Removed::Exif);
        return found;
    };
    let Some(ifd) = Ifd::read(reader, ifd0) else {
        found.removed.insert(Removed::Exif);
        return found;
    };
    for entry in ifd.entries(reader) {
        match entry.tag {
            ORIENTATION => match entry.orientation(reader) {
                Some(o) => found.orientation = Some(o),
                None => {
                    found.removed.insert(Removed::Exif);
                }
            },
            EXIF_IFD => inspect_exif_ifd(reader, &entry, &mut found.removed),
            GPS_IFD => {
                // An empty GPS directory holds no position: report it as plain EXIF.
                let gps = entry.pointer(reader).and_then(|at| Ifd::read(reader, at));
                let class = match gps {
                    Some(ifd) if ifd.count == 0 => Removed::Exif,
                    _ => Removed::Gps,
                };
                found.removed.insert(class);
            }
            tag => {
                found.removed.insert(class_of(tag));
            }
        }
    }
    if ifd.truncated {
        found.removed.insert(Removed::Exif);
    }
    // IFD1 (and any later IFD) is the thumbnail directory.
    match ifd.next(reader) {
        Some(0) => {}
        Some(at) if usize::try_from(at).is_ok_and(|at| at < tiff.len()) => {
            found.removed.insert(Removed::Thumbnail);
        }
        _ => {
            found.removed.insert(Removed::Exif);
        }
    }
    found
}

fn inspect_exif_ifd(reader: Tiff<'_>, entry: &Entry, removed: &mut BTreeSet<Removed>) {
    let Some(ifd) = entry.pointer(reader).and_then(|at| Ifd::read(reader, at)) else {
        removed.insert(Removed::Exif);
        return;
    };
    for sub in ifd.entries(reader) {
        removed.insert(class_of(sub.tag));
    }
    if ifd.truncated {
        removed.insert(Removed::Exif);
    }
}

/// The class of a tag found in IFD0 or the EXIF sub-IFD.
fn class_of(tag: u16) -> Removed {
    match tag {
        // Make, Model, Software, HostComputer; MakerNote; CameraOwnerName, BodySerialNumber,
        // LensSpecification, LensMake, LensModel, LensSerialNumber; DNG UniqueCameraModel.
        0x010F | 0x0110 | 0x0131 | 0x013C | 0x927C | 0xA430..=0xA435 | 0xC614 => Removed::Camera,
        // DateTime; DateTimeOriginal, DateTimeDigitized; OffsetTime*; SubSecTime*.
        0x0132 | 0x9003 | 0x9004 | 0x9010..=0x9012 | 0x9290..=0x9292 => Removed::Datetime,
        GPS_IFD => Removed::Gps,
        _ => Removed::Exif,
    }
}

/// The minimal EXIF block we write: a little-endian TIFF header and an IFD0 holding only the
/// Orientation tag, with no next IFD. 26 bytes, no `Exif\0\0` prefix.
pub(super) fn minimal(orientation: u16) -> [u8; 26] {
    let o = orientation.to_le_bytes();
    [
        b'I', b'I', 42, 0, 8, 0, 0, 0, // header, IFD0 at offset 8
        1, 0, // one entry
        0x12, 0x01, 3, 0, 1, 0, 0, 0, o[0], o[1], 0, 0, // Orientation, SHORT, count 1, value
        0, 0, 0, 0, // no next IFD
    ]
}

/// An image file directory: a count and `count` 12-byte entries, then the next-IFD offset.
struct Ifd {
    at: usize,
    count: usize,
    /// How many of the entries fit inside the block.
    readable: usize,
    /// Fewer entries fit than the count claims.
    truncated: bool,
}

struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    /// Offset of the 4-byte value/offset field.
    value_at: usize,
}

impl Ifd {
    fn read(reader: Tiff<'_>, at: usize) -> Option<Ifd> {
        let count = usize::from(reader.u16(at)?);
        let room = reader.data.len().saturating_sub(at.saturating_add(2)) / 12;
        Some(Ifd {
            at,
            count,
            readable: room.min(count),
            truncated: room < count,
        })
    }

    fn entries<'a>(&'a self, reader: Tiff<'a>) -> impl Iterator<Item = Entry> + 'a {
        (0..self.readable).filter_map(move |i| {
            let at = self.at + 2 + 12 * i;
            Some(Entry {
                tag: reader.u16(at)?,
                typ: reader.u16(at + 2)?,
                count: reader.u32(at + 4)?,
                value_at: at + 8,
            })
        })
    }

    fn next(&self, reader: Tiff<'_>) -> Option<u32> {
        if self.truncated {
            return None;
        }
        reader.u32(self.at + 2 + 12 * self.count)
    }
}

impl Entry {
    fn orientation(&self, reader: Tiff<'_>) -> Option<u16> {
        if self.typ != TYPE_SHORT || self.count != 1 {
            return None;
        }
        reader.u16(self.value_at).filter(|o| (1..=8).contains(o))
    }

    fn pointer(&self, reader: Tiff<'_>) -> Option<usize> {
        usize::try_from(reader.u32(self.value_at)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimal_block_holds_only_the_orientation() {
        for o in 1..=8 {
            let found = inspect(&minimal(o));
            assert_eq!(found.orientation, Some(o));
            assert!(found.removed.is_empty(), "{:?}", found.removed);
        }
    }

    #[test]
    fn unreadable_blocks_are_plain_exif() {
        for junk in [
            &b""[..],
            b"II*\0",
            b"II*\0\xff\xff\0\0",
            b"MM\0*\0\0\0\x08\0\x05",
        ] {
            let found = inspect(junk);
            assert_eq!(found.orientation, None);
            assert_eq!(found.removed, BTreeSet::from([Removed::Exif]));
        }
    }

    #[test]
    fn an_invalid_orientation_is_ignored() {
        let mut block = minimal(6);
        block[18] = 9;
        let found = inspect(&block);
        assert_eq!(found.orientation, None);
        assert_eq!(found.removed, BTreeSet::from([Removed::Exif]));
    }

    #[test]
    fn the_prefix_is_optional() {
        let mut prefixed = JPEG_PREFIX.to_vec();
        prefixed.extend_from_slice(&minimal(3));
        assert_eq!(tiff_of(&prefixed), &minimal(3)[..]);
        assert_eq!(tiff_of(&minimal(3)), &minimal(3)[..]);
    }
}
