//! The HTTP suite: the real server over HTTP, on SQLite, or on PostgreSQL when
//! `TELEDERM_TEST_DATABASE_URL` is set (`ops/test.sh` runs both).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod answers;
mod atomicity;
mod audit;
mod auth;
mod authorisation_first;
mod case_access;
mod cases;
mod decode_memory;
mod errors;
mod escalation;
mod fixtures;
mod keys;
mod login_throttle;
mod names;
mod notifications;
mod operations;
mod outcomes;
mod queue;
mod rejections;
mod reports;
mod shifts;
mod sla;
mod sweep;
mod territories;
mod tokens;
mod upload_memory;
mod users;
mod web_browser;
mod web_csrf;
mod web_pages;
mod web_sessions;
mod webhook_secrets;
mod webhook_targets;
