//! Bounds-checked integer reads: every read of untrusted bytes goes through these, so a short
//! input is a `None`, never a panic.

pub(super) fn be_u16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

pub(super) fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

pub(super) fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

pub(super) fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// A 24-bit little-endian integer (WebP VP8X canvas size).
pub(super) fn le_u24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(3)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], 0]))
}

/// `b[at..at + len]`, or `None` when that runs past the end.
pub(super) fn slice(b: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(len)?)
}

/// A TIFF reader in the byte order its header declares (`II` little, `MM` big).
#[derive(Clone, Copy)]
pub(super) struct Tiff<'a> {
    pub(super) data: &'a [u8],
    little: bool,
}

impl<'a> Tiff<'a> {
    /// Checks the 8-byte TIFF header; returns the reader and the offset of IFD0.
    pub(super) fn open(data: &'a [u8]) -> Option<(Tiff<'a>, usize)> {
        let little = match data.get(..4)? {
            b"II*\0" => true,
            b"MM\0*" => false,
            _ => return None,
        };
        let tiff = Tiff { data, little };
        let ifd0 = tiff.u32(4)?;
        Some((tiff, usize::try_from(ifd0).ok()?))
    }

    pub(super) fn u16(&self, at: usize) -> Option<u16> {
        let s = slice(self.data, at, 2)?;
        let a = [s[0], s[1]];
        Some(if self.little {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    }

    pub(super) fn u32(&self, at: usize) -> Option<u32> {
        let s = slice(self.data, at, 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.little {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_past_the_end_are_none() {
        assert_eq!(be_u16(&[1], 0), None);
        assert_eq!(be_u32(&[0, 0, 0, 1], 0), Some(1));
        assert_eq!(le_u32(&[1, 0, 0], 0), None);
        assert_eq!(le_u24(&[1, 2, 3], 0), Some(0x030201));
        assert_eq!(slice(&[1, 2, 3], usize::MAX, 2), None);
        assert_eq!(be_u16(&[1, 2], usize::MAX), None);
    }

    #[test]
    fn tiff_byte_orders() {
        let (le, at) = Tiff::open(b"II*\0\x08\0\0\0\x34\x12").unwrap();
        assert_eq!((at, le.u16(8)), (8, Some(0x1234)));
        let (be, at) = Tiff::open(b"MM\0*\0\0\0\x08\x12\x34").unwrap();
        assert_eq!((at, be.u16(8)), (8, Some(0x1234)));
        assert!(Tiff::open(b"XX*\0\x08\0\0\0").is_none());
        assert!(Tiff::open(b"II*\0").is_none());
    }
}
