//! Metadata removal (being written).
