//! The `telederm` command-line client. `main.rs` only parses arguments and maps the result
//! of [`run`] to an exit code; everything else lives here so it can be unit-tested.

pub mod cli;
pub mod client;
pub mod cmd;
pub mod config;
pub mod credentials;
pub mod error;
pub mod output;

pub use cli::Cli;

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = cmd::Context::from_cli(&cli)?;
    cmd::dispatch(&ctx, cli.command).await
}
