//! Envelope encryption at rest.
//!
//! Each case has its own random 256-bit [`DataKey`]. Its photos and clinical free text are sealed with
//! AES-256-GCM under it ([`seal`], [`open`]); the associated data binds every ciphertext to its case,
//! its object ([`ObjectRef`]: a photo id or a named text field) and the format version, so a
//! ciphertext copied to another case or photo fails to open.
//!
//! Data keys are stored only wrapped ([`WrappedKey`]) by a master key of the [`Keyring`], which names
//! the key that wrapped it ([`MasterKeyId`]); the wrap is bound to its case too. Rotation
//! ([`Keyring::rotate`]) adds a master key, and [`Keyring::rewrap`] moves each data key to it without
//! touching a single photo. Deleting a case's wrapped data key makes the case unreadable everywhere,
//! backups of the photo store included.
//!
//! Unlike crates.io's `crates_io_encryption`, which this improves on, every ciphertext here carries
//! associated data and every wrapped key a key id. Key bytes never appear in `Debug` output, logs or
//! error messages, and are wiped from memory when dropped.
//!
//! Layouts and AAD encodings are documented in [`envelope`] (sealed objects), [`keyring`] (wrapped
//! keys) and `keyfile.rs` (the master key file).

pub mod envelope;
mod keyfile;
pub mod keyring;
pub(crate) mod private_file;
mod signing_key;

pub use envelope::{open, seal, DataKey, ObjectRef, FORMAT_VERSION, SEAL_OVERHEAD};
pub use keyring::{Keyring, MasterKeyId, WrappedKey};
pub use signing_key::{SigningKey, MIN_KEY_BYTES};

/// What can go wrong in `crypto`. Deliberately small: a caller needs to tell "this does not open"
/// from "the key file needs an operator", nothing finer.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// Wrong key, wrong case or object, tampered or truncated: one opaque error, so that nothing
    /// tells an attacker which check failed.
    #[error("ciphertext cannot be opened")]
    Open,
    #[error("unknown master key id {0}")]
    UnknownMasterKey(String),
    /// Not a sealed blob of a version we know.
    #[error("bad sealed format")]
    Format,
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A key file that cannot be used, with a message for the operator (never key material).
    #[error("{0}")]
    KeyFile(String),
}
