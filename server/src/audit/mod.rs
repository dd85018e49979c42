//! The audit trail: who read or changed what, when, from which request. Entries are written by
//! the repo in the transaction of the change they record (`db::Effects`); reads and logins are
//! recorded on their own. The chain (`chain`) makes tampering visible.

pub mod chain;
mod trail;

pub use trail::{entry, to_wire, verify, VerifyOutcome};
