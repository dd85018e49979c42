//! Quality warnings (being written).
