use chrono::{DateTime, Utc};
use telederm_schemas as wire;

use super::{
    ChannelChoices, DisplayName, Email, NewPassword, Role, Rpps, TerritoryCode, UserId,
    ValidationErrors, WebhookUrl,
};

/// A user as stored (without its password hash).
#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
    pub home_territory: Option<TerritoryCode>,
    pub territories: Vec<TerritoryCode>,
    pub rpps: Option<Rpps>,
    pub webhook_url: Option<WebhookUrl>,
    /// Its e-mails' language, and its pages' once signed in.
    pub language: wire::Language,
    /// Where it hears of each kind of event, where it chose otherwise than its role's default.
    pub channels: ChannelChoices,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    /// The user named beside its id, as responses show the people they mention.
    pub fn to_person(&self) -> wire::Person {
        wire::Person {
            id: self.id.as_uuid(),
            name: self.display_name.as_str().to_owned(),
        }
    }

    pub fn to_wire(&self) -> wire::User {
        wire::User {
            id: self.id.as_uuid(),
            email: self.email.to_string(),
            display_name: self.display_name.as_str().to_owned(),
            role: self.role,
            home_territory: self.home_territory.as_ref().map(ToString::to_string),
            territories: self.territories.iter().map(ToString::to_string).collect(),
            rpps: self.rpps.as_ref().map(|r| r.as_str().to_owned()),
            webhook_url: self.webhook_url.as_ref().map(|u| u.as_str().to_owned()),
            disabled: self.is_disabled(),
            created_at: self.created_at,
        }
    }
}

/// A validated request to create a user. The territories it names must still be checked to exist.
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
    pub password: NewPassword,
    pub home_territory: Option<TerritoryCode>,
    pub territories: Vec<TerritoryCode>,
    pub rpps: Option<Rpps>,
    pub webhook_url: Option<WebhookUrl>,
}

impl NewUser {
    pub fn parse(req: wire::CreateUser) -> Result<NewUser, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let email = errors.check("email", Email::parse(&req.email));
        let display_name = errors.check("display_name", DisplayName::parse(&req.display_name));
        let password = errors.check("password", NewPassword::parse(req.password));
        let home_territory = match (&req.home_territory, req.role) {
            (Some(t), Role::Gp) => errors.check("home_territory", TerritoryCode::parse(t)),
            (None, Role::Gp) => {
                errors.add("home_territory", "a GP needs a home territory");
                None
            }
            (Some(_), _) => {
                errors.add("home_territory", "only a GP has a home territory");
                None
            }
            (None, _) => None,
        };
        let mut territories = Vec::new();
        match (req.territories.is_empty(), req.role) {
            (true, Role::Coordinator) => {
                errors.add("territories", "a coordinator needs at least one territory")
            }
            (false, Role::Coordinator) => {
                for t in &req.territories {
                    if let Some(code) = errors.check("territories", TerritoryCode::parse(t)) {
                        if !territories.contains(&code) {
                            territories.push(code);
                        }
                    }
                }
                // Stored as a set: keep one canonical order.
                territories.sort();
            }
            (false, _) => errors.add("territories", "only a coordinator has territories"),
            (true, _) => {}
        }
        let rpps = match &req.rpps {
            Some(r) => errors.check("rpps", Rpps::parse(r)),
            None => None,
        };
        let webhook_url = match &req.webhook_url {
            Some(u) => errors.check("webhook_url", WebhookUrl::parse(u)),
            None => None,
        };
        let user = match (email, display_name, password) {
            (Some(email), Some(display_name), Some(password)) => Some(NewUser {
                email,
                display_name,
                role: req.role,
                password,
                home_territory,
                territories,
                rpps,
                webhook_url,
            }),
            _ => None,
        };
        errors.finish(user)
    }

    /// Every territory the new user refers to.
    pub fn referenced_territories(&self) -> impl Iterator<Item = (&'static str, &TerritoryCode)> {
        self.home_territory
            .iter()
            .map(|t| ("home_territory", t))
            .chain(self.territories.iter().map(|t| ("territories", t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(role: Role) -> wire::CreateUser {
        wire::CreateUser {
            email: "a@b.fr".into(),
            display_name: "A".into(),
            role,
            password: "long-enough-password".into(),
            home_territory: None,
            territories: vec![],
            rpps: None,
            webhook_url: None,
        }
    }

    fn fields(r: Result<NewUser, ValidationErrors>) -> Vec<String> {
        match r {
            Ok(_) => vec![],
            Err(e) => e.into_fields().into_iter().map(|f| f.field).collect(),
        }
    }

    #[test]
    fn a_gp_needs_a_home_territory() {
        assert_eq!(fields(NewUser::parse(req(Role::Gp))), ["home_territory"]);
        let mut r = req(Role::Gp);
        r.home_territory = Some("13".into());
        assert!(NewUser::parse(r).is_ok());
    }

    #[test]
    fn a_coordinator_needs_territories_and_others_have_none() {
        assert_eq!(
            fields(NewUser::parse(req(Role::Coordinator))),
            ["territories"]
        );
        let mut r = req(Role::Dermatologist);
        r.territories = vec!["13".into()];
        r.home_territory = Some("13".into());
        assert_eq!(fields(NewUser::parse(r)), ["home_territory", "territories"]);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut r = req(Role::Admin);
        r.email = "nope".into();
        r.password = "short".into();
        r.rpps = Some("12".into());
        assert_eq!(fields(NewUser::parse(r)), ["email", "password", "rpps"]);
    }
}
