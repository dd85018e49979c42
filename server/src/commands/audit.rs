use clap::Subcommand;

use crate::{audit, config::Settings, domain, startup::open_database};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the sealed hash chain and report the first broken link (exit status 1 when broken),
    /// and how many lines await their seal.
    Verify,
    /// Seal the lines written since the last seal now (a running server does it within a
    /// second; lines written while it was stopped wait for its start, or for this).
    Seal,
}

pub async fn run(settings: Settings, cmd: &AuditCommand) -> anyhow::Result<()> {
    let repo = open_database(&settings).await?;
    match cmd {
        AuditCommand::Verify => match audit::verify(repo.as_ref()).await? {
            audit::VerifyOutcome::Intact {
                lines,
                head,
                pending,
            } => {
                println!("intact: {lines} lines, head {head}; {pending} awaiting their seal");
                Ok(())
            }
            audit::VerifyOutcome::Broken {
                lines_checked,
                first_broken,
                ..
            } => {
                println!(
                    "BROKEN at line {}: {} ({lines_checked} lines before it are intact)",
                    first_broken.seq, first_broken.reason
                );
                std::process::exit(1);
            }
        },
        AuditCommand::Seal => {
            let stats = audit::seal(repo.as_ref(), domain::now()).await?;
            println!("sealed {} lines", stats.sealed + stats.gaps_filled);
            Ok(())
        }
    }
}
