//! One module per subcommand. Each gets a [`Context`] with the resolved global settings.

use std::path::PathBuf;

use reqwest::Url;

use crate::cli::{parse_server_url, Cli, Command, OutputFormat};
use crate::client::Client;
use crate::error::NotLoggedIn;
use crate::{config, credentials};

pub mod admin;
mod args;
pub mod auth;
pub mod cases;
pub mod coordination;
pub mod notifications;
pub mod queue;
pub mod shifts;
mod show;
mod submit;
mod webhooks;

/// Global settings after flags, environment and config file are merged.
#[derive(Debug, Clone)]
pub struct Context {
    pub server: Url,
    pub output: OutputFormat,
    pub config_dir: PathBuf,
}

impl Context {
    pub fn from_cli(cli: &Cli) -> anyhow::Result<Self> {
        let config_dir = config::config_dir()?;
        let server = match &cli.server {
            // Already validated by clap.
            Some(url) => url.clone(),
            None => {
                let env = std::env::var(config::SERVER_ENV).ok();
                let file = config::load(&config_dir)?.server;
                let (raw, source) = config::resolve_server(None, env.as_deref(), file.as_deref());
                parse_server_url(raw)
                    .map_err(|e| anyhow::anyhow!("invalid server URL from {source}: {e}"))?
            }
        };
        let output = cli.output.unwrap_or_else(OutputFormat::detect);
        Ok(Self {
            server,
            output,
            config_dir,
        })
    }

    pub fn credentials_path(&self) -> PathBuf {
        credentials::path_in(&self.config_dir)
    }

    /// A client without a token, for `login`.
    pub fn anonymous_client(&self) -> anyhow::Result<Client> {
        Client::new(self.server.clone(), None)
    }

    /// A client carrying the saved token. Refuses when the token was issued by another
    /// server, so a token is never sent to a server that did not issue it.
    pub fn authenticated_client(&self) -> anyhow::Result<Client> {
        let creds = credentials::load(&self.credentials_path())?
            .ok_or(NotLoggedIn { saved_server: None })?;
        if creds.server != self.server.as_str() {
            return Err(NotLoggedIn {
                saved_server: Some(creds.server),
            }
            .into());
        }
        Client::new(self.server.clone(), Some(creds.access_token))
    }
}

pub async fn dispatch(ctx: &Context, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Login(args) => auth::login(ctx, args).await,
        Command::Logout => auth::logout(ctx),
        Command::Whoami => auth::whoami(ctx).await,
        Command::Case(cmd) => cases::run(ctx, cmd).await,
        Command::Queue(args) => queue::run(ctx, args).await,
        Command::Photo(cmd) => queue::photo(ctx, cmd).await,
        Command::Shifts(cmd) => shifts::run(ctx, cmd).await,
        Command::Sla(cmd) => coordination::sla(ctx, cmd).await,
        Command::Report(cmd) => coordination::report(ctx, cmd).await,
        Command::Audit(cmd) => coordination::audit(ctx, cmd).await,
        Command::Users(cmd) => admin::users(ctx, cmd).await,
        Command::Territories(cmd) => admin::territories(ctx, cmd).await,
        Command::Keys(cmd) => admin::keys(ctx, cmd).await,
        Command::Notifications(cmd) => notifications::run(ctx, cmd).await,
    }
}
