use clap::Subcommand;

use crate::{audit, config::Settings, startup::open_database};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and report the first broken link (exit status 1 when broken).
    Verify,
}

pub async fn run(settings: Settings, cmd: &AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify => {
            let repo = open_database(&settings).await?;
            match audit::verify(repo.as_ref()).await? {
                audit::VerifyOutcome::Intact { lines, head } => {
                    println!("intact: {lines} lines, head {head}");
                    Ok(())
                }
                audit::VerifyOutcome::Broken {
                    lines_checked,
                    first_broken,
                } => {
                    println!(
                        "BROKEN at line {}: {} ({lines_checked} lines before it are intact)",
                        first_broken.seq, first_broken.reason
                    );
                    std::process::exit(1);
                }
            }
        }
    }
}
