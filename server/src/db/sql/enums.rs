//! How the domain's enums are stored: by name (`as_str`) on the way in, parsed on the way out,
//! so a record holds a `CaseStatus`, never a string. A name that no longer parses is a corrupt
//! row: decoding fails with the column and the value named.

use std::str::FromStr;

use super::{Arg, ToArg};
use crate::domain::{calendar::SlaClock, CaseStatus, Management, PhotoKind, Priority, Sex};

/// A column holding an enum's name (`#[sqlx(try_from = "Name")]` on the record's field).
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct Name(String);

/// The same, nullable (`#[sqlx(try_from = "OptName")]` on an `Option` field).
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct OptName(Option<String>);

/// Enum names joined by commas (`string_agg`), NULL for none
/// (`#[sqlx(try_from = "NameList")]` on a `Vec` field).
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct NameList(Option<String>);

fn parse<T: FromStr<Err = String>>(what: &str, raw: &str) -> Result<T, String> {
    raw.parse()
        .map_err(|e| format!("corrupt {what} in the database: {e}"))
}

impl TryFrom<Name> for CaseStatus {
    type Error = String;
    fn try_from(n: Name) -> Result<Self, String> {
        parse("case status", &n.0)
    }
}

impl TryFrom<OptName> for Option<CaseStatus> {
    type Error = String;
    fn try_from(n: OptName) -> Result<Self, String> {
        n.0.map(|s| parse("case status", &s)).transpose()
    }
}

impl TryFrom<Name> for telederm_schemas::Channel {
    type Error = String;
    fn try_from(n: Name) -> Result<Self, String> {
        match n.0.as_str() {
            "email" => Ok(telederm_schemas::Channel::Email),
            "webhook" => Ok(telederm_schemas::Channel::Webhook),
            other => Err(format!("corrupt channel in the database: `{other}`")),
        }
    }
}

impl TryFrom<Name> for Priority {
    type Error = String;
    fn try_from(n: Name) -> Result<Self, String> {
        parse("priority", &n.0)
    }
}

impl TryFrom<Name> for Sex {
    type Error = String;
    fn try_from(n: Name) -> Result<Self, String> {
        parse("sex", &n.0)
    }
}

impl TryFrom<NameList> for Vec<PhotoKind> {
    type Error = String;
    fn try_from(n: NameList) -> Result<Self, String> {
        n.0.iter()
            .flat_map(|list| list.split(','))
            .map(|kind| parse("photo kind", kind))
            .collect()
    }
}

impl TryFrom<Name> for PhotoKind {
    type Error = String;
    fn try_from(n: Name) -> Result<Self, String> {
        parse("photo kind", &n.0)
    }
}

impl TryFrom<Name> for Management {
    type Error = String;
    fn try_from(n: Name) -> Result<Self, String> {
        parse("management", &n.0)
    }
}

impl TryFrom<Name> for SlaClock {
    type Error = String;
    fn try_from(n: Name) -> Result<Self, String> {
        SlaClock::parse(&n.0).map_err(|e| format!("corrupt SLA clock in the database: {e}"))
    }
}

impl TryFrom<OptName> for Option<SlaClock> {
    type Error = String;
    fn try_from(n: OptName) -> Result<Self, String> {
        n.0.map(|s| SlaClock::try_from(Name(s))).transpose()
    }
}

impl ToArg for CaseStatus {
    fn to_arg(self) -> Arg {
        self.as_str().to_arg()
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for Priority {
    fn to_arg(self) -> Arg {
        self.as_str().to_arg()
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for Sex {
    fn to_arg(self) -> Arg {
        self.as_str().to_arg()
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for PhotoKind {
    fn to_arg(self) -> Arg {
        self.as_str().to_arg()
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for Management {
    fn to_arg(self) -> Arg {
        self.as_str().to_arg()
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

impl ToArg for SlaClock {
    fn to_arg(self) -> Arg {
        self.as_str().to_arg()
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        assert_eq!(
            CaseStatus::try_from(Name(CaseStatus::InfoRequested.as_str().into())),
            Ok(CaseStatus::InfoRequested)
        );
        assert_eq!(Option::<CaseStatus>::try_from(OptName(None)), Ok(None));
        assert_eq!(
            Option::<SlaClock>::try_from(OptName(Some("business".into()))),
            Ok(Some(SlaClock::Business))
        );
        assert_eq!(
            CaseStatus::Claimed.to_arg(),
            Arg::Text(Some(CaseStatus::Claimed.as_str().into()))
        );
        assert_eq!(None::<Priority>.to_arg(), Arg::Text(None));
    }

    #[test]
    fn an_unknown_name_is_a_corrupt_row_named_as_such() {
        let e = Priority::try_from(Name("soon".into())).unwrap_err();
        assert_eq!(e, "corrupt priority in the database: unknown value `soon`");
    }
}
