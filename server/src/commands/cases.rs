//! `cases purge`: erase the closed cases past their territory's retention period.

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;

use crate::{
    config::Settings,
    domain::SystemClock,
    retention::Eraser,
    startup::{open_database, open_store},
};

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// Erase (crypto-shred) closed cases: those past their territory's retention period, or with
    /// --closed-before every case closed before that date. Prints the ids erased.
    Purge {
        /// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
        #[arg(long, value_parser = parse_instant)]
        closed_before: Option<DateTime<Utc>>,
    },
}

fn parse_instant(raw: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("`{raw}` is neither YYYY-MM-DD nor an RFC 3339 time"))
}

pub async fn run(settings: Settings, cmd: &CasesCommand) -> anyhow::Result<()> {
    let CasesCommand::Purge { closed_before } = cmd;
    let repo = open_database(&settings).await?;
    let store = open_store(&settings)?;
    let eraser = Eraser::new(repo, store, Arc::new(SystemClock));
    let report = eraser
        .purge(*closed_before)
        .await
        .context("purge stopped")?;
    for id in &report.erased {
        println!("{id}");
    }
    eprintln!(
        "erased {} closed cases{}",
        report.erased.len(),
        match report.blobs_left {
            0 => String::new(),
            n => format!("; {n} blobs could not be deleted now (the orphan sweep will)"),
        }
    );
    Ok(())
}
