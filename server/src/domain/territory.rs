use telederm_schemas as wire;

use super::{TerritoryName, ValidationErrors};

/// A territory code: a CPTS or département, e.g. `13` or `cpts-etang-de-berre`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TerritoryCode(String);

impl TerritoryCode {
    pub fn parse(raw: &str) -> Result<TerritoryCode, String> {
        let s = raw.trim().to_lowercase();
        let ok = (1..=64).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && s.as_bytes()[0].is_ascii_alphanumeric();
        if ok {
            Ok(TerritoryCode(s))
        } else {
            Err(format!(
                "`{}` is not a territory code (1-64 letters, digits or `-`)",
                raw.trim()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TerritoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An IANA timezone such as `Europe/Paris`: working hours and holidays are local to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timezone(chrono_tz::Tz);

impl Timezone {
    pub fn parse(raw: &str) -> Result<Timezone, String> {
        raw.trim()
            .parse::<chrono_tz::Tz>()
            .map(Timezone)
            .map_err(|_| format!("`{}` is not an IANA timezone", raw.trim()))
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl Default for Timezone {
    fn default() -> Self {
        Timezone(chrono_tz::Europe::Paris)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    pub code: TerritoryCode,
    pub name: TerritoryName,
    pub timezone: Timezone,
    /// Tried in order when nobody is on call here.
    pub fallbacks: Vec<TerritoryCode>,
}

impl Territory {
    pub fn parse(req: &wire::CreateTerritory) -> Result<Territory, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = errors.check("code", TerritoryCode::parse(&req.code));
        let name = errors.check("name", TerritoryName::parse(&req.name));
        let timezone = match &req.timezone {
            Some(tz) => errors.check("timezone", Timezone::parse(tz)),
            None => Some(Timezone::default()),
        };
        let fallbacks = errors.check("fallbacks", parse_fallbacks(&req.fallbacks));
        let territory = match (code, name, timezone, fallbacks) {
            (Some(code), Some(name), Some(timezone), Some(fallbacks)) => Some(Territory {
                code,
                name,
                timezone,
                fallbacks,
            }),
            _ => None,
        };
        if let Some(t) = &territory {
            if t.fallbacks.contains(&t.code) {
                errors.add("fallbacks", "a territory cannot be its own fallback");
            }
        }
        errors.finish(territory)
    }

    /// Apply a partial update; absent fields stay as they are.
    pub fn updated(&self, req: &wire::UpdateTerritory) -> Result<Territory, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut next = self.clone();
        if let Some(name) = &req.name {
            if let Some(n) = errors.check("name", TerritoryName::parse(name)) {
                next.name = n;
            }
        }
        if let Some(tz) = &req.timezone {
            if let Some(t) = errors.check("timezone", Timezone::parse(tz)) {
                next.timezone = t;
            }
        }
        if let Some(fallbacks) = &req.fallbacks {
            if let Some(f) = errors.check("fallbacks", parse_fallbacks(fallbacks)) {
                if f.contains(&next.code) {
                    errors.add("fallbacks", "a territory cannot be its own fallback");
                }
                next.fallbacks = f;
            }
        }
        errors.finish(Some(next))
    }

    pub fn to_wire(&self) -> wire::Territory {
        wire::Territory {
            code: self.code.to_string(),
            name: self.name.as_str().to_owned(),
            timezone: self.timezone.name().to_owned(),
            fallbacks: self.fallbacks.iter().map(ToString::to_string).collect(),
        }
    }
}

fn parse_fallbacks(raw: &[String]) -> Result<Vec<TerritoryCode>, String> {
    let mut out: Vec<TerritoryCode> = Vec::with_capacity(raw.len());
    for r in raw {
        let code = TerritoryCode::parse(r)?;
        if out.contains(&code) {
            return Err(format!("`{code}` is listed twice"));
        }
        out.push(code);
    }
    if out.len() > 10 {
        return Err("at most 10 fallback territories".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(
            TerritoryCode::parse(" CPTS-Etang ").unwrap().as_str(),
            "cpts-etang"
        );
        assert!(TerritoryCode::parse("").is_err());
        assert!(TerritoryCode::parse("-13").is_err());
        assert!(TerritoryCode::parse("13 nord").is_err());
    }

    #[test]
    fn timezones() {
        assert_eq!(
            Timezone::parse("Europe/Paris").unwrap().name(),
            "Europe/Paris"
        );
        assert!(Timezone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn a_territory_is_not_its_own_fallback() {
        let req = wire::CreateTerritory {
            code: "13".into(),
            name: "Bouches-du-Rhône".into(),
            timezone: None,
            fallbacks: vec!["84".into(), "13".into()],
        };
        let err = Territory::parse(&req).unwrap_err().into_fields();
        assert_eq!(err[0].field, "fallbacks");
    }
}
