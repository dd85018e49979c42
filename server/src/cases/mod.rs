//! The case service: every use case of a case, for every front door, with no HTTP in it.
//!
//! `service` (what it holds), `access` (the policy's door: asked before anything else), `submit`
//! (intake, sealing, storage, one transaction), `check` (a photo through the intake, nothing
//! kept), `read` (opening cases and photos), `queue` (eligibility, claims, leases), `answer`
//! (answer, request for information), `reply` (the GP's reply with new photos), `finish` (cancel,
//! close, outcomes), `escalate` (the response-time ladder), `sweep` (orphan blobs).

pub mod access;
mod answer;
mod check;
mod error;
pub mod escalate;
mod finish;
pub mod queue;
pub mod read;
mod reply;
mod service;
mod submit;
pub mod sweep;

pub use error::CaseError;
pub use read::ListPage;
pub use service::{CaseService, CaseSettings};
