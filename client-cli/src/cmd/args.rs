//! Value parsers shared by the subcommands: the wire enums by their API spelling, `KIND:PATH`
//! photos, dates.

use std::path::PathBuf;

use serde::de::DeserializeOwned;

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

/// `2026-11-01` (midnight UTC) or a full RFC 3339 time.
pub fn instant(raw: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw.trim()) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    date(raw)
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        .map_err(|_| format!("`{raw}` is not a date (YYYY-MM-DD) or an RFC 3339 time"))
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
        assert_eq!(
            instant("2026-11-01").unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
    }
}
