//! Coordinators' figures: turnaround against the targets (`sla`), and the delay from submission
//! to visit, biopsy and histology (`outcomes`), as JSON or CSV. Computed from the cases of the
//! period in memory, so every percentile is exact.

mod csv;
pub mod outcomes;
pub mod scope;
pub mod sla;
pub mod stats;

pub use self::csv::{outcomes_csv, sla_csv};
