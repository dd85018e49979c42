use base64::Engine;
use clap::Subcommand;
use rand::RngCore;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print a fresh random token-signing key (base64 of 32 bytes) for TELEDERM__AUTH__SIGNING_KEY.
    SigningKey,
}

pub fn run(cmd: &KeysCommand) -> anyhow::Result<()> {
    match cmd {
        KeysCommand::SigningKey => {
            let mut key = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            println!("{}", base64::engine::general_purpose::STANDARD.encode(key));
            Ok(())
        }
    }
}
