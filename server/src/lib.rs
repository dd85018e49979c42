//! telederm server: store-and-forward dermatology tele-expertise.
//!
//! Rooms, from the front doors down (a room imports only rooms below it; `ops/structure.py`
//! checks there is no cycle):
//!
//! - Front doors: `startup` (builds the application, runs the workers), `routes` (the JSON API,
//!   one file per resource: each endpoint and its OpenAPI entry declared once), `web` (the
//!   pages: sessions, CSRF, French and English, embedded assets, security headers), `openapi` (the
//!   document), `http` (shared state, the caller extractor, client address, multipart uploads),
//!   `error` (problem+json, and the one mapping of every service error to a status and code),
//!   `commands` (the binary's subcommands), `demo` (seed data through the services).
//! - Services, which know nothing of HTTP and each answer their own error enum: `cases` (every
//!   use case of a case, the escalation ladder, leases, the orphan sweep), `rota` (territories,
//!   shifts, response-time targets), `accounts` (sign-in, users, webhooks), `retention` (erasing cases), `reports` (turnaround,
//!   outcomes, the audit trail), `admin` (parked notifications, key status), `notify` (who
//!   hears of what: the outbox, e-mails, webhooks, digests, and their delivery), `keys` (master keys, rotation, webhook secrets).
//! - Rules and records: `auth` (the access policy, passwords, tokens, login throttling), `sla`
//!   (targets and when each step falls due), `audit` (the hash-chained trail), `db` (the `Repo`
//!   traits and the generic SQL repository on SQLite and PostgreSQL), `photos` (the intake
//!   pipeline), `store` (sealed blobs), `crypto` (envelope encryption, keyring, signing key),
//!   `memory` (budgets, wiping plaintext), `domain` (validated types, the case lifecycle, the
//!   clock), `i18n` (French and English messages and dates), `config` (settings), `telemetry`
//!   (logs, request ids, metrics).

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cases;
pub mod commands;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod keys;
pub mod memory;
pub mod notify;
pub mod openapi;
pub mod photos;
pub mod reports;
pub mod retention;
pub mod rota;
pub mod routes;
pub mod sla;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
