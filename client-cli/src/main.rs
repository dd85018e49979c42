use std::process::ExitCode;

use clap::Parser;
use telederm_cli::cli::Command;
use telederm_cli::{error, run, Cli};

// Exit codes: 0 success, 1 failure, 2 usage (clap exits with 2 itself on bad arguments).
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let during_login = matches!(cli.command, Command::Login(_));
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprint!("{}", error::render(&err, during_login));
            ExitCode::FAILURE
        }
    }
}
