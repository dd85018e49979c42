//! Test support: see `spawn_app`.
