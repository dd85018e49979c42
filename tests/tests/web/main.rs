//! The browser suite: the real server's pages in headless Chromium through WebDriver, on SQLite,
//! or on PostgreSQL when `TELEDERM_TEST_DATABASE_URL` is set (`ops/test.sh` runs both, and
//! installs Chromium, chromedriver and axe-core). Screenshots go to `target/ui-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod coord;
mod derm;
mod gp;
mod harness;
mod rota;
mod settings;
mod sign_in;
