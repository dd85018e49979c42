//! The audit trail: who read or changed what, when, from which request. Entries are written by
//! the repo in the transaction of the change they record (`db::Effects`); reads and logins are
//! recorded on their own. The sealer (`seal`) links them into a hash chain shortly after; the
//! chain (`chain`) makes tampering with a sealed line visible.

pub mod chain;
mod seal;
mod trail;

pub use seal::{seal, SealStats};
pub use trail::{entry, to_wire, verify, VerifyOutcome};
