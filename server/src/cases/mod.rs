//! The case service: submission (upload, photo intake, sealing, storage, one transaction),
//! reading back, and the orphan-blob sweep.

pub mod upload;
