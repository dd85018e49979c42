//! Memory held for requests: shared byte budgets that make concurrent work wait instead of adding
//! up (`budget`), and buffers that wipe the plaintext they held (`wipe`).

pub mod budget;
pub mod wipe;

pub use budget::{Held, MemoryBudget, OverBudget, Usage};
pub use wipe::{to_json, wipe_image, WipingBuf};
