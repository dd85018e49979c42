//! The `Repo` contract: every trait method, through `Arc<dyn Repo>`, on whichever backend this
//! run uses (SQLite by default, PostgreSQL when `TELEDERM_TEST_DATABASE_URL` is set).
//! `coverage` fails when a trait method has no test here. `blob_store` is the `BlobStore`
//! contract, on the local folder and on an S3 bucket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actions;
mod audit;
mod audit_seal;
mod blob_store;
mod cases;
mod claims;
mod coverage;
mod database;
mod email_outbox;
mod erasure;
mod oncall;
mod open_cases;
mod outbox;
mod outcomes;
mod phrases;
mod queue;
mod reports;
mod sessions;
mod setup;
mod shifts;
mod sla;
mod territories;
mod users;
mod webhooks;
