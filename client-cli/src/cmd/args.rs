//! Value parsers shared by the subcommands: the wire enums by their API spelling, `KIND:PATH`
//! photos, dates and times, users.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// Any wire enum by its API name (`urgent`, `in_person_consult`, ...).
pub fn wire_enum<T: DeserializeOwned>(raw: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(raw.trim().to_lowercase()))
        .map_err(|_| format!("`{raw}` is not one of the accepted values"))
}

/// `--photo overview:arm.jpg`: the kind, then the file.
#[derive(Debug, Clone)]
pub struct PhotoArg {
    pub kind: telederm_schemas::PhotoKind,
    pub path: PathBuf,
}

pub fn photo(raw: &str) -> Result<PhotoArg, String> {
    let (kind, path) = raw
        .split_once(':')
        .ok_or_else(|| format!("`{raw}`: write KIND:FILE, e.g. overview:arm.jpg"))?;
    let kind = wire_enum(kind)
        .map_err(|_| format!("`{kind}` is not a photo kind (overview, closeup, dermoscopy)"))?;
    if path.is_empty() {
        return Err(format!("`{raw}`: the file is missing after `:`"));
    }
    Ok(PhotoArg {
        kind,
        path: PathBuf::from(path),
    })
}

pub fn date(raw: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{raw}` is not a date (YYYY-MM-DD)"))
}

/// A moment as people type it: `2026-11-01` (midnight) or `"2026-11-01 14:30"` in the local time
/// zone (the one tables are printed in), or a full RFC 3339 time.
pub fn instant(raw: &str) -> Result<DateTime<Utc>, String> {
    instant_in(raw, &chrono::Local)
}

fn instant_in<Tz: TimeZone>(raw: &str, zone: &Tz) -> Result<DateTime<Utc>, String> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| date(raw).ok().map(|d| d.and_time(NaiveTime::MIN)))
        .ok_or_else(|| {
            format!("`{raw}` is not a date (YYYY-MM-DD), a local time (\"YYYY-MM-DD HH:MM\") or an RFC 3339 time")
        })?;
    // A time repeated when the clocks go back is taken at its first occurrence.
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("`{raw}` does not exist in your time zone (the clocks skip it)"))
}

/// A user named by e-mail or by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(Uuid),
    Email(String),
}

pub fn user_ref(raw: &str) -> Result<UserRef, String> {
    let raw = raw.trim();
    if let Ok(id) = Uuid::parse_str(raw) {
        return Ok(UserRef::Id(id));
    }
    if raw.contains('@') {
        return Ok(UserRef::Email(raw.to_owned()));
    }
    Err(format!("`{raw}` is neither an e-mail nor a user id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use telederm_schemas::{PhotoKind, Priority};

    #[test]
    fn photos_and_enums() {
        let p = photo("dermoscopy:mole.jpg").unwrap();
        assert_eq!(p.kind, PhotoKind::Dermoscopy);
        assert_eq!(p.path, PathBuf::from("mole.jpg"));
        assert!(photo("mole.jpg").is_err());
        assert!(photo("selfie:mole.jpg").is_err());
        assert_eq!(wire_enum::<Priority>("Urgent").unwrap(), Priority::Urgent);
        assert!(wire_enum::<Priority>("soon").is_err());
    }

    #[test]
    fn instants_are_read_in_the_local_zone_unless_they_carry_an_offset() {
        let paris_winter = chrono::FixedOffset::east_opt(3600).unwrap();
        let utc = |raw: &str| instant_in(raw, &paris_winter).unwrap().to_rfc3339();
        assert_eq!(utc("2026-11-01"), "2026-10-31T23:00:00+00:00");
        assert_eq!(utc(" 2026-12-08 16:37 "), "2026-12-08T15:37:00+00:00");
        assert_eq!(utc("2026-12-08T16:37:00Z"), "2026-12-08T16:37:00+00:00");
        assert!(instant_in("next monday", &paris_winter).is_err());
    }

    #[test]
    fn users_by_email_or_id() {
        let id = Uuid::new_v4();
        assert_eq!(user_ref(&id.to_string()).unwrap(), UserRef::Id(id));
        assert_eq!(
            user_ref("derm1@demo.test").unwrap(),
            UserRef::Email("derm1@demo.test".into())
        );
        assert!(user_ref("derm1").is_err());
    }
}
