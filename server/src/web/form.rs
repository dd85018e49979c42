//! What a refused form shows: one message per field, in the page's language, next to the field
//! and in the summary at the top. The services' validation messages are written for API clients
//! (in English); a page shows its own words for the field instead (`invalid-<field>`).

use actix_web::HttpRequest;
use fluent_templates::fluent_bundle::FluentValue;
use serde::de::DeserializeOwned;

use super::{errors::WebError, i18n::Lang};
use crate::error::ApiError;

/// A page's query (`?page=2`): what cannot be read is ignored, as a person would expect of a
/// hand-edited address (the API's extractors answer JSON problems instead).
pub fn query<T: DeserializeOwned + Default>(req: &HttpRequest) -> T {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

/// An urlencoded form our pages send; anything else is an invalid form, told as a page.
pub fn urlencoded<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_urlencoded::from_bytes(body).map_err(|_| WebError::Invalid)
}

#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// `field`'s own message (`invalid-<field>`, `_` spelled `-`).
    pub fn invalid(&mut self, lang: Lang, field: &str) {
        self.invalid_as(lang, "invalid-", field, "invalid-field");
    }

    /// `field`'s message under a page's own keys (`<prefix><field>`), else `fallback`'s; once
    /// per field.
    pub fn invalid_as(&mut self, lang: Lang, prefix: &str, field: &str, fallback: &str) {
        if self.get(field).is_none() {
            let message = lang
                .find(&format!("{prefix}{}", field.replace('_', "-")))
                .unwrap_or_else(|| lang.t(fallback));
            self.0.push((field.to_owned(), message));
        }
    }

    pub fn add(&mut self, field: &str, message: String) {
        self.0.push((field.to_owned(), message));
    }

    /// The message shown next to `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (field, message), in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }

    /// A service's refusal in the page's words: field by field, or the photo that could not be
    /// taken and what to do.
    pub fn from_api(lang: Lang, e: &ApiError) -> FieldErrors {
        let mut errors = FieldErrors::default();
        match e {
            ApiError::Validation(fields) => {
                for f in fields {
                    errors.invalid(lang, &f.field);
                }
            }
            ApiError::UnsupportedFormat(_)
            | ApiError::ImageTooLarge(_)
            | ApiError::ImageCorrupt(_)
            | ApiError::PayloadTooLarge(_)
            | ApiError::Busy { .. }
            | ApiError::TooManyUploads { .. }
            | ApiError::RequestTimeout(_) => {
                let refusal = photo_refusal(lang, e);
                let message = match photo_number(&e.to_string()) {
                    Some(n) => lang.t_with(
                        "photo-numbered",
                        [
                            ("number", FluentValue::from(n)),
                            ("message", FluentValue::from(refusal)),
                        ],
                    ),
                    None => refusal,
                };
                errors.add("photos", message);
            }
            // Not a form the page sent (not multipart, malformed...).
            _ => errors.add("form", lang.t("error-invalid")),
        }
        errors
    }
}

/// Why a photo cannot be taken, and what to do, in the page's language.
pub fn photo_refusal(lang: Lang, e: &ApiError) -> String {
    match e {
        ApiError::UnsupportedFormat(what) => lang.t_with(
            "refused-unsupported",
            [("what", FluentValue::from(format_named(what)))],
        ),
        ApiError::ImageTooLarge(_) | ApiError::PayloadTooLarge(_) => lang.t("refused-too-large"),
        ApiError::Busy { .. } | ApiError::TooManyUploads { .. } | ApiError::RequestTimeout(_) => {
            lang.t("refused-busy")
        }
        _ => lang.t("refused-corrupt"),
    }
}

/// "HEIC" out of "photo 1 (overview) is HEIC: ...": the format the server recognised.
fn format_named(message: &str) -> String {
    message
        .split(" is ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap_or("?")
        .to_uppercase()
}

/// 2 out of "photo 2 (closeup) is ...".
fn photo_number(message: &str) -> Option<usize> {
    let rest = message.strip_prefix("photo ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_photo_is_named_by_its_number_and_format() {
        let e = ApiError::UnsupportedFormat("photo 2 (closeup) is HEIC: send JPEG".into());
        let errors = FieldErrors::from_api(Lang::En, &e);
        let message = errors.get("photos").unwrap();
        assert!(message.contains('2'), "{message}");
        assert!(message.contains("HEIC"), "{message}");
        assert!(message.contains("iPhone"), "{message}");
    }

    #[test]
    fn a_validation_error_is_told_in_the_page_language() {
        let e = ApiError::validation("age", "must be between 0 and 130 years");
        let errors = FieldErrors::from_api(Lang::Fr, &e);
        assert!(errors.get("age").unwrap().contains("âge"));
    }
}
