use clap::Subcommand;

use crate::{
    auth::signing_key::{self, SigningKey},
    config::Settings,
    crypto::Keyring,
    keys,
    startup::open_database,
};

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a fresh random token-signing key (base64 of 32 bytes): printed for
    /// TELEDERM__AUTH__SIGNING_KEY, or written to the signing key file with --write.
    SigningKey {
        /// Create the signing key file (auth.signing_key_file, mode 0600) instead of printing;
        /// refuses to replace an existing one.
        #[arg(long)]
        write: bool,
    },
    /// Create the master key file (mode 0600); refuses to replace an existing one.
    Init,
    /// Add a master key and re-wrap every case's data key under it (photos are not rewritten).
    Rotate,
    /// How many data keys each master key wraps.
    Status,
}

pub async fn run(settings: Settings, cmd: &KeysCommand) -> anyhow::Result<()> {
    let key_file = settings.key_file();
    match cmd {
        KeysCommand::SigningKey { write: false } => {
            println!("{}", SigningKey::generate().to_base64().as_str());
        }
        KeysCommand::SigningKey { write: true } => {
            if settings.auth.signing_key.is_some() {
                anyhow::bail!("auth.signing_key is set, so the server would not read a key file");
            }
            let path = settings.signing_key_file();
            signing_key::create_file(&path)?;
            eprintln!("created {} (mode 0600)", path.display());
        }
        KeysCommand::Init => {
            let ring = Keyring::create(&key_file, crate::domain::now())?;
            eprintln!(
                "created {} with master key {}",
                key_file.display(),
                ring.active_id()
            );
        }
        KeysCommand::Rotate => {
            let repo = open_database(&settings).await?;
            let report = keys::rotate(repo.as_ref(), &key_file).await?;
            eprintln!(
                "new active master key {}; {} data keys re-wrapped, {} webhook secrets re-sealed",
                report.new_key_id, report.rewrapped, report.resealed
            );
        }
        KeysCommand::Status => {
            let repo = open_database(&settings).await?;
            let status = keys::status(repo.as_ref(), &key_file).await?;
            println!(
                "{:<32} {:>10} {:>16}  ",
                "MASTER KEY", "DATA KEYS", "WEBHOOK SECRETS"
            );
            let line = |k: &keys::KeyUse, note: &str| {
                println!(
                    "{:<32} {:>10} {:>16}  {note}",
                    k.id, k.data_keys, k.webhook_secrets
                );
            };
            for k in &status.keys {
                line(k, if k.id == status.active { "active" } else { "" });
            }
            for k in &status.unknown {
                line(k, "MISSING from the key file");
            }
            if !status.unknown.is_empty() {
                anyhow::bail!(
                    "some cases or webhook secrets are sealed by master keys the key file does not hold"
                );
            }
        }
    }
    Ok(())
}
