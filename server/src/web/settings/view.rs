//! What the settings page shows, in the page's language: where messages go, the language, and
//! per kind of event the role is told of, its name, a sentence saying what it is, and the
//! channels it may take with the role's default marked.

use telederm_schemas::{self as wire, Channels, EventKind, Role};

use crate::web::{fields::Fields, form::FieldErrors, i18n::Lang};

/// One radio button.
pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
    /// The role's default: marked "default" beside its label.
    pub default: bool,
}

/// One kind of event: a group of radio buttons named `channels.<kind>`.
pub struct KindView {
    /// The form field, as the service names it in a refusal (`channels.case.answered`).
    pub field: String,
    /// A safe id stem for the page (`case-answered`).
    pub id: String,
    pub name: String,
    pub about: String,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
}

/// The form field of `kind`.
pub fn field_of(kind: EventKind) -> String {
    format!("channels.{kind}")
}

/// The channels `kind` may take: the digest is e-mail only.
pub fn offered(kind: EventKind) -> &'static [Channels] {
    match kind {
        EventKind::DailyDigest => &[Channels::Email, Channels::None],
        _ => &Channels::ALL,
    }
}

/// The name and the sentence of `kind` as `role` is told of it (a GP's late case is its own,
/// a coordinator's is one of its territories').
pub fn words(role: Role, kind: EventKind) -> (&'static str, &'static str) {
    use EventKind::*;
    match (kind, role) {
        (CaseQueued, _) => ("settings-kind-case-queued", "settings-about-case-queued"),
        (CaseReplied, _) => ("settings-kind-case-replied", "settings-about-case-replied"),
        (CaseAnswered, _) => (
            "settings-kind-case-answered",
            "settings-about-case-answered",
        ),
        (InfoRequested, _) => (
            "settings-kind-info-requested",
            "settings-about-info-requested",
        ),
        (SlaReminder, _) => ("settings-kind-sla-reminder", "settings-about-sla-reminder"),
        (SlaOffered, _) => ("settings-kind-sla-offered", "settings-about-sla-offered"),
        (SlaWarning, _) => ("settings-kind-sla-warning", "settings-about-sla-warning"),
        (SlaBreached, Role::Gp) => (
            "settings-kind-sla-breached-gp",
            "settings-about-sla-breached-gp",
        ),
        (SlaBreached, _) => ("settings-kind-sla-breached", "settings-about-sla-breached"),
        (DailyDigest, _) => ("settings-kind-digest", "settings-about-digest"),
    }
}

fn channel_label(channels: Channels) -> &'static str {
    match channels {
        Channels::Email => "settings-channel-email",
        Channels::Webhook => "settings-channel-webhook",
        Channels::Both => "settings-channel-both",
        Channels::None => "settings-channel-none",
    }
}

/// Every kind the user is told of, as stored, or as `sent` when a refused form comes back
/// (what it sent that can be read; the stored choice for the rest).
pub fn kinds(
    lang: Lang,
    role: Role,
    settings: &wire::NotificationSettings,
    sent: Option<&Fields>,
    errors: &FieldErrors,
) -> Vec<KindView> {
    settings
        .choices
        .iter()
        .map(|c| {
            let field = field_of(c.kind);
            let chosen = sent
                .and_then(|f| Channels::parse(f.get(&field)))
                .unwrap_or(c.channels);
            let (name, about) = words(role, c.kind);
            KindView {
                id: c.kind.as_str().replace(['.', '_'], "-"),
                name: lang.t(name),
                about: lang.t(about),
                choices: offered(c.kind)
                    .iter()
                    .map(|&ch| Choice {
                        value: ch.as_str(),
                        label: lang.t(channel_label(ch)),
                        checked: ch == chosen,
                        default: ch == c.default,
                    })
                    .collect(),
                error: errors.get(&field).map(str::to_owned),
                field,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{notifications::kinds_for, ChannelChoices};

    #[test]
    fn every_kind_of_every_role_is_named_and_explained_in_both_languages() {
        for role in [
            Role::Gp,
            Role::Dermatologist,
            Role::Coordinator,
            Role::Admin,
        ] {
            for &kind in kinds_for(role) {
                let (name, about) = words(role, kind);
                for lang in Lang::ALL {
                    assert!(lang.has(name, &[]), "{role:?} {kind} {name} in {lang:?}");
                    assert!(lang.has(about, &[]), "{role:?} {kind} {about} in {lang:?}");
                }
            }
        }
        for channels in Channels::ALL {
            for lang in Lang::ALL {
                assert!(lang.has(channel_label(channels), &[]));
            }
        }
    }

    #[test]
    fn the_digest_offers_e_mail_or_nothing_and_the_default_is_marked() {
        let settings = wire::NotificationSettings {
            language: wire::Language::Fr,
            email: "coord@demo.test".into(),
            email_available: true,
            webhook_configured: false,
            choices: ChannelChoices::default().list(Role::Coordinator),
        };
        let views = kinds(
            Lang::En,
            Role::Coordinator,
            &settings,
            None,
            &FieldErrors::default(),
        );
        let digest = views.iter().find(|k| k.id == "digest-daily").unwrap();
        let values: Vec<_> = digest.choices.iter().map(|c| c.value).collect();
        assert_eq!(values, ["email", "none"]);
        assert!(digest.choices[0].default && digest.choices[0].checked);
        assert!(!digest.name.contains("digest.daily"), "{}", digest.name);
        let breached = views.iter().find(|k| k.id == "sla-breached").unwrap();
        let default: Vec<_> = breached.choices.iter().filter(|c| c.default).collect();
        assert_eq!(default.len(), 1);
        assert_eq!(default[0].value, "both");
    }

    #[test]
    fn a_refused_form_shows_what_it_sent() {
        let settings = wire::NotificationSettings {
            language: wire::Language::Fr,
            email: "gp13@demo.test".into(),
            email_available: true,
            webhook_configured: true,
            choices: ChannelChoices::default().list(Role::Gp),
        };
        let sent =
            Fields::parse(b"channels.case.answered=none&channels.sla.breached=pigeon").unwrap();
        let views = kinds(
            Lang::Fr,
            Role::Gp,
            &settings,
            Some(&sent),
            &FieldErrors::default(),
        );
        let checked = |id: &str| {
            let k = views.iter().find(|k| k.id == id).unwrap();
            k.choices.iter().find(|c| c.checked).unwrap().value
        };
        assert_eq!(checked("case-answered"), "none");
        assert_eq!(
            checked("sla-breached"),
            "both",
            "unreadable: the stored choice"
        );
    }
}
