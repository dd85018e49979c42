//! `queue` and `queue next` (dermatologists), `photo get`.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use telederm_schemas::{Case, QueueItem};
use uuid::Uuid;

use super::{cases::name, show, Context};
use crate::output::{self, time};

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub next: Option<QueueCommand>,
    /// How many cases from the top of the queue (1 to 200; the server lists 50 unless told).
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=200))]
    pub limit: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Claim the case at the top of your queue and show it.
    Next,
}

pub async fn run(ctx: &Context, args: QueueArgs) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    match args.next {
        None => {
            let limit: Vec<_> = args
                .limit
                .map(|n| ("limit", n.to_string()))
                .into_iter()
                .collect();
            let items: Vec<QueueItem> = client.get_query("api/v1/queue", &limit).await?;
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    vec![
                        i.id.to_string(),
                        name(&i.priority),
                        i.territory.clone(),
                        format!("{} {}", i.age, name(&i.sex)),
                        i.body_site.clone(),
                        i.photo_kinds.iter().map(name).collect::<Vec<_>>().join(","),
                        waited(i.waiting_secs),
                        i.due_at.map(time).unwrap_or_default(),
                    ]
                })
                .collect();
            output::print_list(
                ctx.output,
                &items,
                &[
                    "ID",
                    "PRIORITY",
                    "TERRITORY",
                    "PATIENT",
                    "SITE",
                    "PHOTOS",
                    "WAITING",
                    "DUE",
                ],
                &rows,
            )
        }
        Some(QueueCommand::Next) => {
            let claimed: Option<Case> = client.post_maybe("api/v1/queue/claim-next", &()).await?;
            match claimed {
                Some(case) => show::print_case(ctx.output, &case),
                None => {
                    eprintln!("Your queue is empty");
                    Ok(())
                }
            }
        }
    }
}

/// `3h05`, `2d04h`: how long a case has waited.
fn waited(secs: i64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    if d > 0 {
        format!("{d}d{h:02}h")
    } else {
        format!("{h}h{m:02}")
    }
}

#[derive(Debug, Subcommand)]
pub enum PhotoCommand {
    /// Download a case's photo (as stored: stripped of its metadata), readable by you only
    /// (mode 0600).
    Get {
        case: Uuid,
        photo: Uuid,
        /// Where to write it.
        #[arg(short = 'o', long = "file", value_name = "FILE")]
        file: PathBuf,
    },
}

pub async fn photo(ctx: &Context, cmd: PhotoCommand) -> anyhow::Result<()> {
    let PhotoCommand::Get { case, photo, file } = cmd;
    let client = ctx.authenticated_client()?;
    let bytes = client
        .get_bytes(&format!("api/v1/cases/{case}/photos/{photo}"), &[])
        .await?;
    // A clinical photo: for its owner's eyes only, like the saved token.
    crate::credentials::write_private(&file, &bytes)
        .with_context(|| format!("cannot write {}", file.display()))?;
    eprintln!("Wrote {} ({} bytes)", file.display(), bytes.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn waiting_times() {
        assert_eq!(super::waited(3 * 3600 + 5 * 60), "3h05");
        assert_eq!(super::waited(2 * 86_400 + 4 * 3600), "2d04h");
    }
}
