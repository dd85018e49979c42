//! The `telederm-server` command line: `serve`, `migrate`, `admin ...`, `keys ...`, `audit ...`,
//! `cases purge`, `backup`, `restore`, `openapi`.

mod admin;
mod audit;
mod backup;
mod cases;
mod keys;
mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{Overrides, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "telederm-server",
    version,
    about = "telederm tele-expertise server"
)]
pub struct Cli {
    /// A TOML settings file (applied over the defaults, under TELEDERM__* variables).
    #[arg(long, global = true, env = "TELEDERM_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data folder: SQLite database, photo store, key files (default ./data).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve {
        /// ADDR:PORT to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Seed demo territories, users and an on-call rota, and print the logins.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Administration from the shell (e.g. the first admin).
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Key management.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Retention: erase closed cases past their territory's period.
    #[command(subcommand)]
    Cases(cases::CasesCommand),
    /// Write a consistent snapshot of the database and blobs, with a manifest, to a new folder
    /// (never the key files).
    Backup(backup::BackupArgs),
    /// Bring a backup back into an empty data folder or database, then check every blob.
    Restore(backup::RestoreArgs),
    /// Print the OpenAPI document.
    Openapi,
}

impl Cli {
    pub fn settings(&self, bind: Option<String>) -> anyhow::Result<Settings> {
        Settings::load(
            self.config.as_deref(),
            &Overrides {
                bind,
                data_dir: self.data_dir.clone(),
            },
        )
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve { bind, demo } => serve::run(cli.settings(bind.clone())?, *demo).await,
        Command::Migrate => {
            let settings = cli.settings(None)?;
            crate::telemetry::init(false);
            let repo = crate::startup::open_database(&settings).await?;
            eprintln!("database schema is up to date ({})", repo.backend());
            Ok(())
        }
        Command::Admin(cmd) => admin::run(cli.settings(None)?, cmd).await,
        Command::Keys(cmd) => keys::run(cli.settings(None)?, cmd).await,
        Command::Audit(cmd) => audit::run(cli.settings(None)?, cmd).await,
        Command::Cases(cmd) => cases::run(cli.settings(None)?, cmd).await,
        Command::Backup(args) => backup::backup(cli.settings(None)?, args).await,
        Command::Restore(args) => backup::restore(cli.settings(None)?, args).await,
        Command::Openapi => {
            print!("{}", crate::openapi::document());
            Ok(())
        }
    }
}
