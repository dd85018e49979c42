//! The photo intake pipeline, in order: sniff the format from the bytes; read the dimensions from
//! the header and refuse oversize before decoding; strip every piece of metadata (keeping only
//! what decoding and display need); decode under limits (proves the image is whole) and assess
//! its quality. Sealing and storing happen in `crypto` and `store`.
//!
//! Everything here is pure and synchronous: callers run it off the async threads.

pub mod format;
pub mod inspect;
pub mod intake;
pub mod quality;
pub mod strip;

pub use format::{sniff, Format, Sniffed};
