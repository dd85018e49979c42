//! `login`, `logout`, `whoami`.

use std::io::{self, BufRead, IsTerminal};

use anyhow::{bail, Context as _};
use telederm_schemas::{LoginRequest, User};

use super::Context;
use crate::cli::LoginArgs;
use crate::client::Client;
use crate::credentials::{self, AccessToken, Credentials};
use crate::output;

pub async fn login(ctx: &Context, args: LoginArgs) -> anyhow::Result<()> {
    let password = read_password(args.password_stdin)?;
    let client = ctx.anonymous_client()?;
    let token = client
        .login(&LoginRequest {
            email: args.email,
            password,
        })
        .await?;

    // The token response does not say who we are; ask, so the message can show the role
    // and the saved email is the server's spelling of it.
    let access_token = AccessToken::new(token.access_token);
    let user = Client::new(ctx.server.clone(), Some(access_token.clone()))?
        .me()
        .await?;

    let creds = Credentials {
        server: ctx.server.to_string(),
        email: user.email.clone(),
        access_token,
        expires_at: token.expires_at,
    };
    credentials::save(&ctx.credentials_path(), &creds)?;
    eprintln!(
        "Logged in as {} ({}) until {}",
        user.email,
        user.role,
        output::time(token.expires_at)
    );
    Ok(())
}

pub fn logout(ctx: &Context) -> anyhow::Result<()> {
    if credentials::remove(&ctx.credentials_path())? {
        eprintln!("Logged out");
    } else {
        eprintln!("Not logged in; nothing to do");
    }
    Ok(())
}

pub async fn whoami(ctx: &Context) -> anyhow::Result<()> {
    let user = ctx.authenticated_client()?.me().await?;
    output::print_record(ctx.output, &user, &user_fields(&user))
}

fn user_fields(user: &User) -> Vec<(&'static str, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        ("id", user.id.to_string()),
        ("email", user.email.clone()),
        ("display_name", user.display_name.clone()),
        ("role", user.role.to_string()),
        ("home_territory", opt(&user.home_territory)),
        ("territories", user.territories.join(", ")),
        ("rpps", opt(&user.rpps)),
        ("webhook_url", opt(&user.webhook_url)),
        ("disabled", user.disabled.to_string()),
        ("created_at", output::time(user.created_at)),
    ]
}

/// The password comes from a no-echo prompt on a terminal, or from stdin when asked.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin {
        first_line(io::stdin().lock()).context("cannot read the password from stdin")?
    } else if io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ").context("cannot read the password")?
    } else {
        bail!("no terminal to prompt for a password; pipe it in with --password-stdin");
    };
    if password.is_empty() {
        bail!("empty password");
    }
    Ok(password)
}

/// The first line without its line ending; other whitespace is part of the password.
pub(crate) fn first_line(mut input: impl BufRead) -> io::Result<String> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    if line.ends_with('\n') {
        line.pop();
        if line.ends_with('\r') {
            line.pop();
        }
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_strips_only_the_line_ending() {
        assert_eq!(first_line(&b"pa ss \nsecond\n"[..]).unwrap(), "pa ss ");
        assert_eq!(first_line(&b"windows\r\n"[..]).unwrap(), "windows");
        assert_eq!(first_line(&b"no-newline"[..]).unwrap(), "no-newline");
        assert_eq!(first_line(&b""[..]).unwrap(), "");
    }
}
