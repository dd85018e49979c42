//! Response-time targets: the policy of each territory and priority, when each step of the
//! escalation ladder falls due, and the worker that takes the steps.

pub mod escalate;
pub mod policy;

pub use escalate::escalate_due;
pub use policy::{effective_policy, Policy};
