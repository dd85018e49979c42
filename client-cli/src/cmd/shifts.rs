//! `shifts`: the on-call rota (coordinators of the territory, admins).

use chrono::{DateTime, Utc};
use clap::Subcommand;
use telederm_schemas::{CreateShift, Role, Shift, User};
use uuid::Uuid;

use super::{args, Context};
use crate::client::Client;
use crate::output::{self, time};

#[derive(Debug, Subcommand)]
pub enum ShiftsCommand {
    /// Put a dermatologist on call for a territory. Its shifts in one territory may not overlap.
    Add {
        /// The dermatologist's e-mail or id.
        #[arg(long, value_name = "EMAIL|ID", value_parser = args::user_ref)]
        dermatologist: args::UserRef,
        #[arg(long)]
        territory: String,
        /// Start (see `--to`).
        #[arg(long, value_parser = args::instant)]
        from: DateTime<Utc>,
        /// End: YYYY-MM-DD (midnight) or "YYYY-MM-DD HH:MM", in your local time, or RFC 3339.
        #[arg(long, value_parser = args::instant)]
        to: DateTime<Utc>,
    },
    /// The shifts of a territory over a period (default: the coming 7 days).
    List {
        #[arg(long)]
        territory: String,
        #[arg(long, value_parser = args::instant)]
        from: Option<DateTime<Utc>>,
        #[arg(long, value_parser = args::instant)]
        to: Option<DateTime<Utc>>,
    },
    /// Remove a shift.
    Rm { id: Uuid },
}

pub async fn run(ctx: &Context, cmd: ShiftsCommand) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let shifts: Vec<Shift> = match cmd {
        ShiftsCommand::Add {
            dermatologist,
            territory,
            from,
            to,
        } => {
            let body = CreateShift {
                dermatologist_id: dermatologist_id(&client, dermatologist).await?,
                territory,
                starts_at: from,
                ends_at: to,
            };
            vec![client.post("api/v1/shifts", &body).await?]
        }
        ShiftsCommand::List {
            territory,
            from,
            to,
        } => {
            let mut q = vec![("territory", territory)];
            q.extend(from.map(|t| ("from", t.to_rfc3339())));
            q.extend(to.map(|t| ("to", t.to_rfc3339())));
            client.get_query("api/v1/shifts", &q).await?
        }
        ShiftsCommand::Rm { id } => {
            client.delete(&format!("api/v1/shifts/{id}")).await?;
            eprintln!("Shift {id} removed");
            return Ok(());
        }
    };
    let rows: Vec<Vec<String>> = shifts
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.territory.clone(),
                s.dermatologist.name.clone(),
                time(s.starts_at),
                time(s.ends_at),
            ]
        })
        .collect();
    output::print_list(
        ctx.output,
        &shifts,
        &["ID", "TERRITORY", "DERMATOLOGIST", "FROM", "TO"],
        &rows,
    )
}

/// An e-mail is looked up among the dermatologists, a list coordinators may read (to build the
/// rota) as well as admins.
async fn dermatologist_id(client: &Client, who: args::UserRef) -> anyhow::Result<Uuid> {
    let email = match who {
        args::UserRef::Id(id) => return Ok(id),
        args::UserRef::Email(email) => email,
    };
    let query = [("role", Role::Dermatologist.as_str().to_owned())];
    let dermatologists: Vec<User> = client.get_query("api/v1/users", &query).await?;
    dermatologists
        .into_iter()
        .find(|u| u.email.eq_ignore_ascii_case(&email))
        .map(|u| u.id)
        .ok_or_else(|| anyhow::anyhow!("no dermatologist has the e-mail {email}"))
}
