//! The case service: submission (upload, photo intake, sealing, storage, one transaction),
//! reading back, and the orphan-blob sweep.

pub mod access;
pub mod actions;
pub mod intake;
pub mod queue;
pub mod read;
pub mod submit;
pub mod sweep;
pub mod upload;
