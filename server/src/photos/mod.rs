//! The photo intake pipeline, in order: sniff the format from the bytes; read the dimensions from
//! the header and refuse oversize before decoding; strip every piece of metadata (keeping only
//! what decoding and display need); hash; decode under limits (proves the image is whole) and
//! assess its quality, unless the same user had the same photo checked moments before
//! (`checked`). Sealing and storing happen in `crypto` and `store`.
//!
//! Everything here but `intake::PhotoIntake` is pure and synchronous: callers run it off the
//! async threads.

pub mod checked;
pub mod format;
pub mod inspect;
pub mod intake;
pub mod quality;
pub mod strip;

pub use format::{sniff, Format, Sniffed};

/// Drops plaintext bytes, wiping them at memory speed. `Zeroizing` wipes a `Vec`'s elements one
/// volatile write at a time (about 1 ms per 3 MB) but its spare capacity in bulk, so the
/// elements are made spare first: every byte is still wiped, by `Zeroizing`'s drop.
pub(crate) fn wipe(mut bytes: zeroize::Zeroizing<Vec<u8>>) {
    bytes.clear();
}
