//! Command-line grammar (clap derive). Parsing only: no I/O happens here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use reqwest::Url;

use crate::cmd::{admin, cases, coordination, notifications, queue, shifts};

#[derive(Debug, Parser)]
#[command(
    name = "telederm",
    version,
    about = "telederm dermatology tele-expertise client"
)]
pub struct Cli {
    /// Server base URL. Default: $TELEDERM_SERVER, else `server` in config.toml,
    /// else http://127.0.0.1:8080.
    #[arg(long, global = true, value_name = "URL", value_parser = parse_server_url)]
    pub server: Option<Url>,

    /// Output format for data printed to stdout. Default: table on a terminal, else json.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in and save a short-lived token in the config directory.
    Login(LoginArgs),
    /// Forget the saved token.
    Logout,
    /// Show the logged-in user.
    Whoami,
    /// Cases: submit, list, show, reply, cancel, close, outcome (GPs); claim, release,
    /// request-info, answer (dermatologists).
    #[command(subcommand)]
    Case(cases::CaseCommand),
    /// The cases you may take now, in the server's order; `queue next` claims the first.
    Queue(queue::QueueArgs),
    /// Photos of a case.
    #[command(subcommand)]
    Photo(queue::PhotoCommand),
    /// The on-call rota (coordinators).
    #[command(subcommand)]
    Shifts(shifts::ShiftsCommand),
    /// Response-time targets (coordinators).
    #[command(subcommand)]
    Sla(coordination::SlaCommand),
    /// Turnaround and outcome reports (coordinators).
    #[command(subcommand)]
    Report(coordination::ReportCommand),
    /// The audit trail (coordinators, admins).
    #[command(subcommand)]
    Audit(coordination::AuditCommand),
    /// Users (admins).
    #[command(subcommand)]
    Users(admin::UsersCommand),
    /// Territories (admins).
    #[command(subcommand)]
    Territories(admin::TerritoriesCommand),
    /// Master keys (admins).
    #[command(subcommand)]
    Keys(admin::KeysCommand),
    /// Your language and, per kind of event, e-mail, webhook, both or none (every user).
    #[command(subcommand)]
    Notifications(notifications::NotificationsCommand),
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Your account's email address.
    #[arg(long, value_name = "EMAIL")]
    pub email: String,

    /// Read the password from the first line of stdin instead of prompting.
    // There is deliberately no `--password`: flags end up in shell history and `ps`.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Parses a server base URL, keeping any path prefix (for a server behind a reverse proxy)
/// and ending it with `/` so that joining `api/v1/...` appends rather than replaces.
pub fn parse_server_url(raw: &str) -> Result<Url, String> {
    let mut url = Url::parse(raw.trim()).map_err(|e| format!("`{raw}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{raw}` must start with http:// or https://"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{raw}` must not have a query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn server_url_keeps_prefix_and_gains_trailing_slash() {
        let url = parse_server_url("https://example.test/telederm").unwrap();
        assert_eq!(url.as_str(), "https://example.test/telederm/");
        assert_eq!(
            url.join("api/v1/me").unwrap().as_str(),
            "https://example.test/telederm/api/v1/me"
        );
        let url = parse_server_url("http://127.0.0.1:8080").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn server_url_rejects_other_schemes_and_queries() {
        assert!(parse_server_url("ftp://example.test").is_err());
        assert!(parse_server_url("example.test:8080").is_err());
        assert!(parse_server_url("http://example.test/?a=b").is_err());
    }

    #[test]
    fn password_is_not_a_flag() {
        let err = Cli::try_parse_from(["telederm", "login", "--email", "a@b.c", "--password", "x"])
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
    }
}
