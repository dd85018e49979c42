//! Who hears of what, and where: each role is told of some kinds of event, by default through
//! the channels that role needs; each user may choose otherwise, kind by kind. Only the choices
//! that differ from the role's default are stored, so a better default reaches everyone who has
//! not chosen.

use std::collections::BTreeMap;

use telederm_schemas::{Channel, ChannelChoice, Channels, EventKind, Role};
use uuid::Uuid;

use super::{User, ValidationErrors};

/// Someone who may be told of an event, as the outbox needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: Uuid,
    pub role: Role,
    pub has_webhook: bool,
    pub choices: ChannelChoices,
}

impl Recipient {
    /// `None` for a disabled user: nothing is sent to it.
    pub fn of(user: &User) -> Option<Recipient> {
        (!user.is_disabled()).then(|| Recipient {
            id: user.id.as_uuid(),
            role: user.role,
            has_webhook: user.webhook_url.is_some(),
            choices: user.channels.clone(),
        })
    }

    /// The channels this recipient hears of `kind` through, among those that can carry it now
    /// (`email`: whether the server sends e-mail; a webhook needs the recipient's URL).
    pub fn channels(&self, kind: EventKind, email: bool) -> Vec<Channel> {
        let chosen = self.choices.channels(self.role, kind);
        let mut out = Vec::with_capacity(2);
        if email && chosen.includes(Channel::Email) {
            out.push(Channel::Email);
        }
        if self.has_webhook && chosen.includes(Channel::Webhook) {
            out.push(Channel::Webhook);
        }
        out
    }
}

/// The kinds of event a role is told of.
pub fn kinds_for(role: Role) -> &'static [EventKind] {
    use EventKind::*;
    match role {
        Role::Gp => &[CaseAnswered, InfoRequested, SlaBreached],
        Role::Dermatologist => &[CaseQueued, CaseReplied, SlaReminder, SlaOffered],
        Role::Coordinator => &[DailyDigest, SlaBreached, SlaWarning],
        Role::Admin => &[],
    }
}

/// What a role gets when its user has not chosen. Webhooks are on for every kind (they send
/// nothing without a URL, and a user who set one gets every event, as before e-mail existed);
/// e-mail for what the person must act on.
pub fn default_for(role: Role, kind: EventKind) -> Channels {
    use EventKind::*;
    match (role, kind) {
        (Role::Gp, CaseAnswered | InfoRequested | SlaBreached)
        | (Role::Dermatologist, CaseQueued | CaseReplied | SlaReminder | SlaOffered)
        | (Role::Coordinator, SlaBreached) => Channels::Both,
        (Role::Coordinator, DailyDigest) => Channels::Email,
        _ => Channels::Webhook,
    }
}

/// A user's choices that differ from its role's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelChoices(BTreeMap<EventKind, Channels>);

impl ChannelChoices {
    /// From the stored JSON (`{"case.answered":"email"}`). What cannot be read is left out:
    /// the defaults apply, and a stored value never stops a message from being sent.
    pub fn from_stored(json: &str) -> ChannelChoices {
        let map: BTreeMap<String, String> = serde_json::from_str(json).unwrap_or_default();
        ChannelChoices(
            map.iter()
                .filter_map(|(k, v)| Some((EventKind::parse(k)?, Channels::parse(v)?)))
                .collect(),
        )
    }

    pub fn to_stored(&self) -> String {
        let map: BTreeMap<&str, &str> = self
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
    }

    /// Where `role`'s user hears of `kind` (`None` for a kind its role is not told of).
    pub fn channels(&self, role: Role, kind: EventKind) -> Channels {
        if !kinds_for(role).contains(&kind) {
            return Channels::None;
        }
        self.0
            .get(&kind)
            .copied()
            .unwrap_or_else(|| default_for(role, kind))
    }

    /// Every kind the role is told of, with the choice and the default.
    pub fn list(&self, role: Role) -> Vec<ChannelChoice> {
        kinds_for(role)
            .iter()
            .map(|&kind| ChannelChoice {
                kind,
                channels: self.channels(role, kind),
                default: default_for(role, kind),
            })
            .collect()
    }

    /// The choices with `changes` applied; a kind the role is not told of, or a channel the
    /// kind cannot take, is an error of the field `channels.<kind>`.
    pub fn with(
        &self,
        role: Role,
        changes: &BTreeMap<EventKind, Channels>,
    ) -> Result<ChannelChoices, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut next = self.clone();
        for (&kind, &channels) in changes {
            let field = format!("channels.{kind}");
            if !kinds_for(role).contains(&kind) {
                errors.add(
                    &field,
                    format!("a {} is not told of {kind}", role_name(role)),
                );
            } else if kind == EventKind::DailyDigest
                && matches!(channels, Channels::Webhook | Channels::Both)
            {
                errors.add(&field, "the daily digest is sent by e-mail only");
            } else if channels == default_for(role, kind) {
                next.0.remove(&kind);
            } else {
                next.0.insert(kind, channels);
            }
        }
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(errors)
        }
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Gp => "GP",
        Role::Dermatologist => "dermatologist",
        Role::Coordinator => "coordinator",
        Role::Admin => "admin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    #[test]
    fn each_role_hears_by_email_what_it_must_act_on() {
        let none = ChannelChoices::default();
        let by_email = |role| {
            kinds_for(role)
                .iter()
                .filter(|&&k| none.channels(role, k) != Channels::Webhook)
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            by_email(Role::Gp),
            [CaseAnswered, InfoRequested, SlaBreached]
        );
        assert_eq!(
            by_email(Role::Dermatologist),
            [CaseQueued, CaseReplied, SlaReminder, SlaOffered]
        );
        assert_eq!(by_email(Role::Coordinator), [DailyDigest, SlaBreached]);
        assert_eq!(
            none.channels(Role::Coordinator, SlaWarning),
            Channels::Webhook
        );
        assert_eq!(none.channels(Role::Gp, CaseQueued), Channels::None);
        assert!(kinds_for(Role::Admin).is_empty());
    }

    #[test]
    fn only_choices_that_differ_from_the_default_are_kept() {
        let changes = BTreeMap::from([
            (CaseAnswered, Channels::Email),
            (SlaBreached, Channels::Both),
        ]);
        let chosen = ChannelChoices::default().with(Role::Gp, &changes).unwrap();
        assert_eq!(chosen.to_stored(), r#"{"case.answered":"email"}"#);
        assert_eq!(chosen.channels(Role::Gp, CaseAnswered), Channels::Email);
        let back = ChannelChoices::from_stored(&chosen.to_stored());
        assert_eq!(back, chosen);
        let reset = back
            .with(Role::Gp, &BTreeMap::from([(CaseAnswered, Channels::Both)]))
            .unwrap();
        assert_eq!(reset.to_stored(), "{}");
    }

    #[test]
    fn kinds_of_other_roles_and_webhook_digests_are_refused_by_field() {
        let changes = BTreeMap::from([
            (CaseQueued, Channels::Email),
            (CaseAnswered, Channels::None),
        ]);
        let errors = ChannelChoices::default()
            .with(Role::Gp, &changes)
            .unwrap_err()
            .into_fields();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "channels.case.queued");
        let digest = BTreeMap::from([(DailyDigest, Channels::Both)]);
        let errors = ChannelChoices::default()
            .with(Role::Coordinator, &digest)
            .unwrap_err()
            .into_fields();
        assert_eq!(errors[0].field, "channels.digest.daily");
    }

    #[test]
    fn unreadable_stored_choices_fall_back_to_the_defaults() {
        let read = ChannelChoices::from_stored(r#"{"case.answered":"pigeon","nope":"email"}"#);
        assert_eq!(read, ChannelChoices::default());
        assert_eq!(
            ChannelChoices::from_stored("not json"),
            ChannelChoices::default()
        );
    }
}
