//! Admins: `users`, `territories`, `keys status`. Every user: `users webhook me`.

use std::io::{self, IsTerminal};

use anyhow::Context as _;
use clap::Subcommand;
use telederm_schemas::{
    CreateTerritory, CreateUser, KeyStatus, Retention, Role, Territory, UpdateTerritory, User,
    UserWithSecret,
};
use uuid::Uuid;

use super::{args, webhooks, Context};
use crate::{client::Client, output};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user; the password is prompted, or read from stdin with --password-stdin.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// gp, dermatologist, coordinator or admin.
        #[arg(long, value_parser = args::wire_enum::<Role>)]
        role: Role,
        /// A GP's home territory.
        #[arg(long)]
        home_territory: Option<String>,
        /// A coordinator's territories (repeatable).
        #[arg(long = "territory")]
        territories: Vec<String>,
        #[arg(long)]
        rpps: Option<String>,
        /// Where its notifications are POSTed; its signing secret is printed, this once.
        #[arg(long)]
        webhook_url: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Every user (coordinators: the dermatologists).
    List {
        /// Only this role.
        #[arg(long, value_parser = args::wire_enum::<Role>)]
        role: Option<Role>,
    },
    /// Disable a user: no more logins, its tokens stop working.
    Disable { id: Uuid },
    /// Set a user's webhook URL (admins; anyone for `me`): prints its new signing secret, once.
    #[command(group(clap::ArgGroup::new("change").required(true).args(["url", "remove"])))]
    Webhook {
        /// A user id, or `me`.
        id: String,
        #[arg(long)]
        url: Option<String>,
        /// Stop the webhook (its secret goes too).
        #[arg(long)]
        remove: bool,
    },
    /// A new signing secret for a user's webhook (admins; anyone for `me`), printed once; the
    /// old one stops working at once.
    WebhookSecret {
        /// A user id, or `me`.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TerritoriesCommand {
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// IANA timezone (default Europe/Paris).
        #[arg(long)]
        timezone: Option<String>,
        /// Fallback territories in order (repeatable).
        #[arg(long = "fallback")]
        fallbacks: Vec<String>,
        /// Public holidays, YYYY-MM-DD (repeatable).
        #[arg(long = "holiday", value_parser = args::date)]
        holidays: Vec<chrono::NaiveDate>,
    },
    List,
    /// Change a territory; what is not given stays.
    Set {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        timezone: Option<String>,
        /// Replaces the fallbacks (repeatable).
        #[arg(long = "fallback")]
        fallbacks: Option<Vec<String>>,
        /// Replaces the holidays (repeatable).
        #[arg(long = "holiday", value_parser = args::date)]
        holidays: Option<Vec<chrono::NaiveDate>>,
    },
    /// How many days after closing the territory keeps a case before the server's purge erases
    /// it; sets it with --days (admins).
    Retention {
        code: String,
        #[arg(long)]
        days: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Master keys and how many cases each one wraps.
    Status,
}

pub async fn users(ctx: &Context, cmd: UsersCommand) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let plain = |u: User| UserWithSecret {
        user: u,
        webhook_secret: None,
    };
    // With the webhook secret of a new user: the only time the server shows it.
    let users: Vec<UserWithSecret> = match cmd {
        UsersCommand::Add {
            email,
            name,
            role,
            home_territory,
            territories,
            rpps,
            webhook_url,
            password_stdin,
        } => {
            let body = CreateUser {
                email,
                display_name: name,
                role,
                password: new_password(password_stdin)?,
                home_territory,
                territories,
                rpps,
                webhook_url,
            };
            vec![client.post("api/v1/users", &body).await?]
        }
        UsersCommand::List { role } => {
            let q: Vec<(&str, String)> =
                role.map(|r| ("role", r.to_string())).into_iter().collect();
            let listed: Vec<User> = client.get_query("api/v1/users", &q).await?;
            listed.into_iter().map(plain).collect()
        }
        UsersCommand::Disable { id } => vec![plain(
            client
                .post(&format!("api/v1/users/{id}/disable"), &())
                .await?,
        )],
        UsersCommand::Webhook { id, url, .. } => return webhooks::set(ctx, &id, url).await,
        UsersCommand::WebhookSecret { id } => return webhooks::rotate(ctx, &id).await,
    };
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|u| &u.user)
        .map(|u| {
            vec![
                u.id.to_string(),
                u.email.clone(),
                u.display_name.clone(),
                u.role.to_string(),
                u.home_territory
                    .clone()
                    .unwrap_or_else(|| u.territories.join(",")),
                if u.disabled { "disabled" } else { "" }.into(),
            ]
        })
        .collect();
    output::print_list(
        ctx.output,
        &users,
        &["ID", "EMAIL", "NAME", "ROLE", "TERRITORY", ""],
        &rows,
    )?;
    for u in &users {
        if let Some(secret) = &u.webhook_secret {
            if ctx.output == crate::cli::OutputFormat::Table {
                println!("webhook_secret  {secret}");
            }
            eprintln!("Give the webhook secret to the receiver now: it is not shown again.");
        }
    }
    Ok(())
}

/// Print the territory's retention period, after setting it when `days` is given.
async fn retention(client: &Client, code: &str, days: Option<u32>) -> anyhow::Result<()> {
    let path = format!("api/v1/territories/{code}/retention");
    let retention: Retention = match days {
        Some(retention_days) => client.put(&path, &Retention { retention_days }).await?,
        None => client.get(&path).await?,
    };
    println!("{code}\t{} days", retention.retention_days);
    Ok(())
}

pub async fn territories(ctx: &Context, cmd: TerritoriesCommand) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let territories: Vec<Territory> = match cmd {
        TerritoriesCommand::Add {
            code,
            name,
            timezone,
            fallbacks,
            holidays,
        } => {
            let body = CreateTerritory {
                code,
                name,
                timezone,
                fallbacks,
                working_hours: None,
                holidays,
            };
            vec![client.post("api/v1/territories", &body).await?]
        }
        TerritoriesCommand::List => client.get("api/v1/territories").await?,
        TerritoriesCommand::Set {
            code,
            name,
            timezone,
            fallbacks,
            holidays,
        } => {
            let body = UpdateTerritory {
                name,
                timezone,
                fallbacks,
                working_hours: None,
                holidays,
            };
            vec![
                client
                    .patch(&format!("api/v1/territories/{code}"), &body)
                    .await?,
            ]
        }
        TerritoriesCommand::Retention { code, days } => {
            return retention(&client, &code, days).await;
        }
    };
    let rows: Vec<Vec<String>> = territories
        .iter()
        .map(|t| {
            vec![
                t.code.clone(),
                t.name.clone(),
                t.timezone.clone(),
                t.fallbacks.join(","),
                format!(
                    "{} {}-{}",
                    t.working_hours.days.join(","),
                    t.working_hours.start,
                    t.working_hours.end
                ),
                t.holidays.len().to_string(),
            ]
        })
        .collect();
    output::print_list(
        ctx.output,
        &territories,
        &[
            "CODE",
            "NAME",
            "TIMEZONE",
            "FALLBACKS",
            "WORKING_HOURS",
            "HOLIDAYS",
        ],
        &rows,
    )
}

pub async fn keys(ctx: &Context, KeysCommand::Status: KeysCommand) -> anyhow::Result<()> {
    let status: KeyStatus = ctx.authenticated_client()?.get("api/v1/keys").await?;
    let mut rows: Vec<Vec<String>> = status
        .keys
        .iter()
        .map(|k| {
            let active = if k.id == status.active { "active" } else { "" };
            vec![
                k.id.clone(),
                k.data_keys.to_string(),
                k.webhook_secrets.to_string(),
                active.into(),
            ]
        })
        .collect();
    rows.extend(status.missing.iter().map(|k| {
        vec![
            k.id.clone(),
            k.data_keys.to_string(),
            k.webhook_secrets.to_string(),
            "MISSING from the key file".into(),
        ]
    }));
    output::print_list(
        ctx.output,
        &status,
        &["MASTER KEY", "DATA KEYS", "WEBHOOK SECRETS", ""],
        &rows,
    )?;
    if !status.missing.is_empty() {
        anyhow::bail!(
            "some cases or webhook secrets are sealed by master keys the server's key file does not hold"
        );
    }
    Ok(())
}

/// Typed twice on a terminal, or the first line of stdin.
fn new_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        return super::auth::first_line(io::stdin().lock())
            .context("cannot read the password from stdin");
    }
    if !io::stdin().is_terminal() {
        anyhow::bail!("no terminal to prompt for a password; pipe it in with --password-stdin");
    }
    let first = rpassword::prompt_password("New user's password: ")?;
    let again = rpassword::prompt_password("Again: ")?;
    if first != again {
        anyhow::bail!("the two passwords differ");
    }
    Ok(first)
}
