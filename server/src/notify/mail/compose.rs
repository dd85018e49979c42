//! An e-mail as its recipient reads it: in its language, plain text and HTML alike, with the
//! headers a mail client needs to file it (`List-Unsubscribe` to the settings page,
//! `Auto-Submitted` so that no vacation reply comes back).

use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use lettre::message::{
    header::{ContentType, HeaderName, HeaderValue},
    Mailbox, Message, MultiPart, SinglePart,
};
use telederm_schemas::{EventKind, Language, Role};
use uuid::Uuid;

use super::{CaseNotice, DigestNotice};
use crate::i18n::{dates::format_date, dates::format_datetime, Lang};

/// Who receives the message, as it is now (address, name and language are read at sending).
#[derive(Debug, Clone)]
pub struct Addressee {
    pub email: String,
    pub name: String,
    pub language: Language,
    pub role: Role,
}

/// What one e-mail tells.
pub enum Content<'a> {
    Case(&'a CaseNotice),
    /// The "new cases" e-mail: every case that arrived since the last one.
    NewCases(&'a [CaseNotice]),
    Digest(&'a DigestNotice),
}

/// The words of a message, for both its text and its HTML part.
struct View {
    lang: &'static str,
    subject: String,
    greeting: String,
    lead: String,
    items: Vec<String>,
    action_label: String,
    action_url: String,
    footer: String,
    settings_label: String,
    settings_url: String,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextPart<'a> {
    v: &'a View,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlPart<'a> {
    v: &'a View,
}

/// The message, ready to send. `id`: the outbox message's (or the first of a batch), made the
/// Message-ID so that a retried message is recognisably the same.
pub fn compose(
    to: &Addressee,
    content: &Content,
    id: Uuid,
    sender: &Mailbox,
    public_url: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<Message> {
    let view = view(to, content, public_url);
    let text = TextPart { v: &view }.render()?;
    let html = HtmlPart { v: &view }.render()?;
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "telederm.invalid".into());
    let message = Message::builder()
        .from(sender.clone())
        .to(Mailbox::new(Some(to.name.clone()), to.email.parse()?))
        .subject(view.subject.clone())
        .date(at.into())
        .message_id(Some(format!("<{id}@{host}>")))
        .raw_header(raw("List-Unsubscribe", format!("<{}>", view.settings_url)))
        .raw_header(raw("Auto-Submitted", "auto-generated".into()))
        .raw_header(raw("Content-Language", view.lang.into()))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )?;
    Ok(message)
}

fn raw(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

fn view(to: &Addressee, content: &Content, public_url: &str) -> View {
    let lang = Lang::from(to.language);
    let base = public_url.trim_end_matches('/');
    let arg = |k: &'static str, v: String| (k, FluentValue::from(v));
    let (subject, lead, items, action_label, action_url) = match content {
        Content::Case(n) => {
            let key = event_key(n.event, to.role);
            let args = || {
                [
                    arg("reference", n.reference.clone()),
                    arg("territory", n.territory_name.clone()),
                ]
            };
            (
                lang.t_with(&format!("mail-subject-{}", kind_key(n.event)), args()),
                lang.t_with(&format!("mail-lead-{key}"), args()),
                vec![case_line(lang, n)],
                lang.t(&format!("mail-action-{key}")),
                n.link.clone(),
            )
        }
        Content::NewCases(cases) => {
            let count = [("count", FluentValue::from(cases.len()))];
            (
                lang.t_with("mail-subject-new-cases", count.clone()),
                lang.t_with("mail-lead-new-cases", count),
                cases.iter().map(|n| case_line(lang, n)).collect(),
                lang.t("mail-action-new-cases"),
                cases.first().map(|n| n.link.clone()).unwrap_or_default(),
            )
        }
        Content::Digest(d) => {
            let day = [arg("day", format_date(lang, d.day))];
            (
                lang.t_with("mail-subject-digest", day.clone()),
                lang.t_with("mail-lead-digest", day),
                d.territories
                    .iter()
                    .map(|t| {
                        lang.t_with(
                            "mail-digest-territory",
                            [
                                arg("territory", format!("{} ({})", t.name, t.code)),
                                ("received", FluentValue::from(t.received)),
                                ("responded", FluentValue::from(t.responded)),
                                ("breached", FluentValue::from(t.breached)),
                                ("open", FluentValue::from(t.open)),
                                ("at_risk", FluentValue::from(t.at_risk)),
                            ],
                        )
                    })
                    .collect(),
                lang.t("mail-action-digest"),
                d.link.clone(),
            )
        }
    };
    View {
        lang: lang.code(),
        subject,
        greeting: lang.t_with("mail-greeting", [arg("name", to.name.clone())]),
        lead,
        items,
        action_label,
        action_url,
        footer: lang.t("mail-footer"),
        settings_label: lang.t("mail-settings"),
        settings_url: format!("{base}/settings"),
    }
}

/// `case.info_requested` → `case-info-requested`, as message keys spell it.
fn kind_key(event: EventKind) -> String {
    event.as_str().replace(['.', '_'], "-")
}

/// The keys of what an e-mail says of an event: the GP's breach reads otherwise than the
/// coordinator's.
fn event_key(event: EventKind, role: Role) -> String {
    match (event, role) {
        (EventKind::SlaBreached, Role::Gp) => format!("{}-gp", kind_key(event)),
        _ => kind_key(event),
    }
}

/// "Cas 3F2A9C41 · Bouches-du-Rhône · réponse attendue avant mar. 1 déc. 16:14"
fn case_line(lang: Lang, n: &CaseNotice) -> String {
    let tz: Tz = n.timezone.parse().unwrap_or(chrono_tz::Europe::Paris);
    let base = [
        ("reference", FluentValue::from(n.reference.clone())),
        ("territory", FluentValue::from(n.territory_name.clone())),
    ];
    match n.due_at {
        Some(due) => {
            let mut args = base.to_vec();
            args.push(("due", FluentValue::from(format_datetime(lang, due, tz))));
            lang.t_with("mail-case-line-due", args)
        }
        None => lang.t_with("mail-case-line", base),
    }
}

#[cfg(test)]
mod tests;
