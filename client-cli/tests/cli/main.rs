//! Runs the real `telederm` binary against a scripted HTTP server on loopback, and against the
//! real server (`story`).

// Test set-up that cannot work (no loopback port, no binary) should panic loudly; the
// workspace's unwrap ban is meant for shipped code, and clippy only relaxes it in `#[test]`s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod auth;
mod notifications;
mod rota;
mod story;
mod support;
mod usage;
mod webhooks;
