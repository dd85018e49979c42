//! Request bodies read field by field, so that a body with several missing or invalid fields
//! reports all of them at once: serde's derived `Deserialize` stops at the first.
//!
//! A request type declares `#[serde(try_from = "JsonObject")]` and lists its fields with
//! [`read_fields!`]. serde carries only text back to whoever deserialised, so the errors travel
//! as the message of its error, in a form [`FieldErrors::from_message`] reads back.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::FieldError;

/// A request body before its fields are read: it must at least be a JSON object.
pub type JsonObject = Map<String, Value>;

/// Every missing or invalid field of one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

const MARKER: &str = "invalid fields: ";

/// `invalid fields: [{"field":...,"message":...}, ...]`: readable, and read back by
/// [`FieldErrors::from_message`].
impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let json = serde_json::to_string(&self.0).map_err(|_| std::fmt::Error)?;
        write!(f, "{MARKER}{json}")
    }
}

impl FieldErrors {
    /// The errors inside a deserialisation error's message, if it carries them. serde_json
    /// appends ` at line 1 column 42`, hence reading only the first JSON value.
    pub fn from_message(message: &str) -> Option<FieldErrors> {
        let json = message.strip_prefix(MARKER)?;
        let mut values = serde_json::Deserializer::from_str(json).into_iter::<Vec<FieldError>>();
        values.next()?.ok().map(FieldErrors)
    }
}

/// Reads the fields of one object, collecting the error of each one that fails.
pub struct FieldReader {
    object: JsonObject,
    errors: Vec<FieldError>,
}

impl FieldReader {
    pub fn new(object: JsonObject) -> Self {
        Self {
            object,
            errors: Vec::new(),
        }
    }

    /// A field as its type reads it. Absent or `null` reads as `null`: an `Option` field
    /// becomes `None`, any other is reported as required.
    pub fn field<T: DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        match self.object.remove(name).filter(|v| !v.is_null()) {
            Some(value) => self.parse(name, value),
            None => match serde_json::from_value(Value::Null) {
                Ok(v) => Some(v),
                Err(_) => self.fail(name, "is required".into()),
            },
        }
    }

    /// A field that takes `default()` when absent or `null`.
    pub fn field_or<T: DeserializeOwned>(
        &mut self,
        name: &str,
        default: impl FnOnce() -> T,
    ) -> Option<T> {
        match self.object.remove(name).filter(|v| !v.is_null()) {
            Some(value) => self.parse(name, value),
            None => Some(default()),
        }
    }

    pub fn into_errors(self) -> FieldErrors {
        FieldErrors(self.errors)
    }

    fn parse<T: DeserializeOwned>(&mut self, name: &str, value: Value) -> Option<T> {
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => self.fail(name, e.to_string()),
        }
    }

    fn fail<T>(&mut self, name: &str, message: String) -> Option<T> {
        self.errors.push(FieldError {
            field: name.to_owned(),
            message,
        });
        None
    }
}

/// `impl TryFrom<JsonObject>` for a request type: every field is read, and the value is built
/// only when none failed. `field = default_fn` gives an optional field its default.
#[macro_export]
macro_rules! read_fields {
    ($t:ident { $($field:ident $(= $default:expr)?),+ $(,)? }) => {
        impl TryFrom<$crate::fields::JsonObject> for $t {
            type Error = $crate::fields::FieldErrors;

            fn try_from(object: $crate::fields::JsonObject) -> Result<Self, Self::Error> {
                let mut reader = $crate::fields::FieldReader::new(object);
                $( let $field = $crate::read_fields!(@one reader, $field $(, $default)?); )+
                match ($($field,)+) {
                    ($(Some($field),)+) => Ok($t { $($field),+ }),
                    _ => Err(reader.into_errors()),
                }
            }
        }
    };
    (@one $reader:ident, $field:ident) => {
        $reader.field(stringify!($field))
    };
    (@one $reader:ident, $field:ident, $default:expr) => {
        $reader.field_or(stringify!($field), $default)
    };
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(try_from = "JsonObject")]
    struct Sample {
        name: String,
        age: u16,
        note: Option<String>,
        tags: Vec<String>,
    }
    read_fields!(Sample {
        name,
        age,
        note,
        tags = Vec::new
    });

    fn errors_of(body: &str) -> Vec<(String, String)> {
        let err = serde_json::from_str::<Sample>(body).unwrap_err();
        FieldErrors::from_message(&err.to_string())
            .unwrap()
            .0
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn every_missing_and_invalid_field_is_reported() {
        assert_eq!(
            errors_of(r#"{"age": "old", "tags": 3}"#),
            [
                ("name".to_owned(), "is required".to_owned()),
                (
                    "age".to_owned(),
                    r#"invalid type: string "old", expected u16"#.to_owned()
                ),
                (
                    "tags".to_owned(),
                    "invalid type: integer `3`, expected a sequence".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn optional_fields_may_be_absent_or_null() {
        let s: Sample = serde_json::from_str(r#"{"name": "a", "age": 3, "note": null}"#).unwrap();
        assert_eq!(
            s,
            Sample {
                name: "a".into(),
                age: 3,
                note: None,
                tags: vec![]
            }
        );
    }

    #[test]
    fn other_errors_are_not_mistaken_for_field_lists() {
        let err = serde_json::from_str::<Sample>("[1]").unwrap_err();
        assert!(FieldErrors::from_message(&err.to_string()).is_none());
        assert!(FieldErrors::from_message("invalid fields: not json").is_none());
    }
}
