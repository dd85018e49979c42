use std::{io::BufRead, sync::Arc};

use clap::Subcommand;
use telederm_schemas as wire;

use crate::{
    accounts::{AccountError, AccountService},
    auth::LoginThrottle,
    config::{Environment, Settings},
    domain::{NewUser, SystemClock},
    keys::KeyService,
    notify::target::TargetPolicy,
    startup::open_database,
};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user; the password is prompted, or read from stdin with --password-stdin.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// gp, dermatologist, coordinator or admin.
        #[arg(long)]
        role: wire::Role,
        /// A GP's home territory.
        #[arg(long)]
        home_territory: Option<String>,
        /// A coordinator's territory (repeatable).
        #[arg(long = "territory")]
        territories: Vec<String>,
        #[arg(long)]
        rpps: Option<String>,
        #[arg(long)]
        webhook_url: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub async fn run(settings: Settings, cmd: &AdminCommand) -> anyhow::Result<()> {
    let AdminCommand::CreateUser {
        email,
        name,
        role,
        home_territory,
        territories,
        rpps,
        webhook_url,
        password_stdin,
    } = cmd;
    let password = if *password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        rpassword::prompt_password(format!("Password for {email}: "))?
    };
    let new = NewUser::parse(wire::CreateUser {
        email: email.clone(),
        display_name: name.clone(),
        role: *role,
        password,
        home_territory: home_territory.clone(),
        territories: territories.clone(),
        rpps: rpps.clone(),
        webhook_url: webhook_url.clone(),
    })
    .map_err(|e| anyhow::anyhow!(describe(AccountError::from(e))))?;
    let repo = open_database(&settings).await?;
    // The key file seals a webhook secret; as for `serve`, only development makes a missing
    // one. Without a webhook it is not needed (the first admin may come before `keys init`).
    let keys = match webhook_url {
        Some(_) => Some(Arc::new(KeyService::open(
            &settings.key_file(),
            settings.credentials_dir.as_deref(),
            settings.environment != Environment::Production,
            crate::domain::now(),
        )?)),
        None => None,
    };
    let targets = TargetPolicy::from_settings(&settings);
    let accounts = AccountService::new(
        repo,
        keys,
        targets,
        Arc::new(SystemClock),
        LoginThrottle::new(&settings.auth),
    );
    let created = accounts
        .create_user(new, None)
        .await
        .map_err(|e| anyhow::anyhow!(describe(e)))?;
    let user = &created.user;
    println!("{}", user.id);
    if let Some(secret) = &created.webhook_secret {
        // Data, on stdout after the id: the receiver needs it, and it is never shown again.
        println!("{}", secrecy::ExposeSecret::expose_secret(secret));
        eprintln!("the second line is the webhook signing secret: it is shown this once");
    }
    eprintln!("created {} ({})", user.email, user.role);
    Ok(())
}

fn describe(e: AccountError) -> String {
    match e {
        AccountError::Validation(fields) => fields
            .into_fields()
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        AccountError::Internal(e) => format!("{e:#}"),
        other => other.to_string(),
    }
}
