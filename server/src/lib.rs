//! telederm server: store-and-forward dermatology tele-expertise.
//!
//! Rooms: `config` (settings), `startup` (the HTTP application), `telemetry` (logs, request ids,
//! metrics), `error` (problem+json), `auth` (passwords, tokens, who may do what), `domain` (validated
//! types), `db` (the `Repo` trait and its SQLite and PostgreSQL backends), `routes` (one file per
//! resource), `demo` (seed data), `openapi` (the API description), `sla` (response-time targets and
//! the escalation ladder), `notify` (the webhook outbox), `audit` (the hash-chained trail),
//! `reports` (coordinators' turnaround figures), `http` (the client's address behind our proxies).

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod commands;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod keys;
pub mod memory;
pub mod notify;
pub mod openapi;
pub mod photos;
pub mod reports;
pub mod rota;
pub mod routes;
pub mod sla;
pub mod startup;
pub mod store;
pub mod telemetry;
