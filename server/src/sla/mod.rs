//! Response-time targets: the policy of each territory and priority, and when each step of the
//! escalation ladder falls due (the ladder itself is a case use case: `cases::escalate`).

pub mod policy;

pub use policy::{effective_policy, Policy};
