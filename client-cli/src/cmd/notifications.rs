//! `notifications show` and `notifications set`: the logged-in user's language and, per kind of
//! event its role is told of, the channels it hears of it through (`/api/v1/me/notifications`).

use clap::Subcommand;
use telederm_schemas::{
    Channels, EventKind, Language, NotificationSettings, SetNotificationSettings,
};

use super::{args, Context};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum NotificationsCommand {
    /// Your language, the address e-mails go to, and per kind of event your channels.
    Show,
    /// Change your language and channels; kinds left out keep their choice.
    ///
    /// e.g. `telederm notifications set --language en case.answered=email sla.breached=none`
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["language", "choices"])))]
    Set {
        /// fr or en: the language of your e-mails.
        #[arg(long, value_parser = args::wire_enum::<Language>)]
        language: Option<Language>,
        /// e.g. case.answered=email; CHANNELS: email, webhook, both or none; the KINDs your role
        /// is told of are those `notifications show` lists (the daily digest: email or none).
        #[arg(value_name = "KIND=CHANNELS", value_parser = choice)]
        choices: Vec<Choice>,
    },
}

/// One `KIND=CHANNELS` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub kind: EventKind,
    pub channels: Channels,
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|&v| name(v)).collect::<Vec<_>>().join(", ")
}

pub fn choice(raw: &str) -> Result<Choice, String> {
    let (kind, channels) = raw
        .split_once('=')
        .ok_or_else(|| format!("`{raw}`: write KIND=CHANNELS, e.g. case.answered=email"))?;
    let kind = EventKind::parse(kind.trim()).ok_or_else(|| {
        format!(
            "`{kind}` is not a kind of event ({})",
            names(&EventKind::ALL, EventKind::as_str)
        )
    })?;
    let channels = Channels::parse(channels.trim()).ok_or_else(|| {
        format!(
            "`{channels}` is not a channel choice ({})",
            names(&Channels::ALL, Channels::as_str)
        )
    })?;
    Ok(Choice { kind, channels })
}

pub async fn run(ctx: &Context, cmd: NotificationsCommand) -> anyhow::Result<()> {
    let settings: NotificationSettings = match cmd {
        NotificationsCommand::Show => {
            let client = ctx.authenticated_client()?;
            client.get("api/v1/me/notifications").await?
        }
        NotificationsCommand::Set { language, choices } => {
            // Checked before anything is sent.
            let mut body = SetNotificationSettings {
                language,
                ..Default::default()
            };
            for c in choices {
                if body.channels.insert(c.kind, c.channels).is_some() {
                    anyhow::bail!("{} is given twice", c.kind);
                }
            }
            let client = ctx.authenticated_client()?;
            let saved = client.put("api/v1/me/notifications", &body).await?;
            eprintln!("Saved.");
            saved
        }
    };
    print(ctx, &settings)
}

/// The settings as `key  value` lines then a table of kinds (one JSON document with `--output
/// json`); what cannot be delivered is said on stderr.
fn print(ctx: &Context, s: &NotificationSettings) -> anyhow::Result<()> {
    if ctx.output == crate::cli::OutputFormat::Json {
        return output::print_json(s);
    }
    let language = s.language.as_str();
    let mut text = output::render_key_values(&[
        ("language", language.to_owned()),
        ("email", s.email.clone()),
        (
            "email_sending",
            if s.email_available { "on" } else { "off" }.to_owned(),
        ),
        (
            "webhook",
            if s.webhook_configured { "set" } else { "none" }.to_owned(),
        ),
    ]);
    if !s.choices.is_empty() {
        let rows: Vec<Vec<String>> = s
            .choices
            .iter()
            .map(|c| {
                vec![
                    c.kind.to_string(),
                    c.channels.as_str().to_owned(),
                    c.default.as_str().to_owned(),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&output::render_table(
            &["KIND", "CHANNELS", "DEFAULT"],
            &rows,
        ));
    }
    output::write_stdout(&text)?;
    if s.choices.is_empty() {
        eprintln!("Your role is told of no event: only the language applies.");
    }
    if !s.email_available {
        eprintln!("This server sends no e-mail: only webhooks go out.");
    }
    if !s.webhook_configured && !s.choices.is_empty() {
        eprintln!(
            "You have no webhook URL: webhook choices send nothing (`telederm users webhook me --url ...`)."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_kind_equals_channels() {
        assert_eq!(
            choice("case.answered=email").unwrap(),
            Choice {
                kind: EventKind::CaseAnswered,
                channels: Channels::Email
            }
        );
        assert_eq!(
            choice(" digest.daily = none ").unwrap().channels,
            Channels::None
        );
        assert!(choice("case.answered")
            .unwrap_err()
            .contains("KIND=CHANNELS"));
        assert!(choice("case.lost=email")
            .unwrap_err()
            .contains("case.queued, case.replied"));
        assert!(choice("case.answered=pigeon")
            .unwrap_err()
            .contains("email, webhook, both, none"));
    }
}
