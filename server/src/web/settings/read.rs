//! The posted settings form read into the service's request, and a refusal (the form's own or
//! the service's) told field by field in the page's words.

use telederm_schemas::{self as wire, Channels, EventKind, Role};

use super::view::field_of;
use crate::{
    domain::{notifications::kinds_for, ValidationErrors},
    web::{fields::Fields, form::FieldErrors, i18n::Lang},
};

/// The change the form asks for; a value that cannot be read is an error of its field, and
/// then nothing is asked. A kind left out of the form keeps its choice.
pub fn request(lang: Lang, f: &Fields) -> Result<wire::SetNotificationSettings, FieldErrors> {
    let mut errors = FieldErrors::default();
    let language = match f.get("language") {
        "" => None,
        code => {
            let parsed = Lang::ALL.into_iter().find(|l| l.code() == code);
            if parsed.is_none() {
                errors.add("language", lang.t("settings-invalid-language"));
            }
            parsed.map(wire::Language::from)
        }
    };
    let mut req = wire::SetNotificationSettings {
        language,
        ..Default::default()
    };
    for kind in EventKind::ALL {
        let field = field_of(kind);
        match f.get(&field) {
            "" => {}
            raw => match Channels::parse(raw) {
                Some(channels) => {
                    req.channels.insert(kind, channels);
                }
                None => errors.add(&field, lang.t("settings-invalid-channel")),
            },
        }
    }
    if errors.is_empty() {
        Ok(req)
    } else {
        Err(errors)
    }
}

/// The service's refusal in the page's words: a kind the role is not told of, a webhook for the
/// e-mail-only digest, anything else in the field's general message.
pub fn refusal(lang: Lang, role: Role, e: ValidationErrors) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for f in e.into_fields() {
        let kind = f.field.strip_prefix("channels.").and_then(EventKind::parse);
        let key = match kind {
            Some(kind) if !kinds_for(role).contains(&kind) => "settings-invalid-not-yours",
            Some(EventKind::DailyDigest) => "settings-invalid-digest",
            Some(_) => "settings-invalid-channel",
            None if f.field == "language" => "settings-invalid-language",
            None => "settings-invalid-form",
        };
        if errors.get(&f.field).is_none() {
            errors.add(&f.field, lang.t(key));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::ChannelChoices;

    #[test]
    fn the_form_becomes_the_services_request() {
        let f = Fields::parse(
            b"csrf=x&language=en&channels.case.answered=email&channels.sla.breached=none&channels.case.queued=",
        )
        .unwrap();
        let req = request(Lang::Fr, &f).unwrap();
        assert_eq!(req.language, Some(wire::Language::En));
        assert_eq!(
            req.channels,
            BTreeMap::from([
                (EventKind::CaseAnswered, Channels::Email),
                (EventKind::SlaBreached, Channels::None),
            ])
        );
        let nothing = request(Lang::Fr, &Fields::parse(b"csrf=x").unwrap()).unwrap();
        assert_eq!(nothing, wire::SetNotificationSettings::default());
    }

    #[test]
    fn unreadable_values_are_refused_by_field_in_the_pages_words() {
        let f = Fields::parse(b"language=de&channels.case.answered=pigeon").unwrap();
        let errors = request(Lang::En, &f).unwrap_err();
        assert!(errors
            .get("language")
            .unwrap()
            .contains("French or English"));
        assert!(errors
            .get("channels.case.answered")
            .unwrap()
            .contains("Choose"));
    }

    #[test]
    fn the_services_refusals_name_the_reason() {
        let changes = BTreeMap::from([
            (EventKind::CaseQueued, Channels::Email),
            (EventKind::DailyDigest, Channels::Webhook),
        ]);
        let gp = ChannelChoices::default()
            .with(Role::Gp, &changes)
            .unwrap_err();
        let errors = refusal(Lang::En, Role::Gp, gp);
        assert!(errors
            .get("channels.case.queued")
            .unwrap()
            .contains("not sent to your role"));
        let coord = ChannelChoices::default()
            .with(Role::Coordinator, &changes)
            .unwrap_err();
        let errors = refusal(Lang::En, Role::Coordinator, coord);
        assert!(errors
            .get("channels.digest.daily")
            .unwrap()
            .contains("e-mail only"));
    }
}
