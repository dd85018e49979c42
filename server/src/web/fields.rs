//! A URL-encoded form read as its pairs, repeated names kept (checkboxes: `days=mon&days=tue`),
//! which `serde_urlencoded` cannot put in a `Vec`.

use super::errors::WebError;

#[derive(Debug, Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The form's pairs; a body that is not UTF-8 is not a form of ours.
    pub fn parse(body: &[u8]) -> Result<Fields, WebError> {
        std::str::from_utf8(body).map_err(|_| WebError::Invalid)?;
        Ok(Fields(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name`, trimmed, blanks left out.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// Whether `name` was sent with this value (a ticked checkbox, a chosen option).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.all(name).contains(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_are_kept() {
        let f = Fields::parse(b"days=mon&days=tue&start=+08%3A00+&empty=").unwrap();
        assert_eq!(f.all("days"), ["mon", "tue"]);
        assert_eq!(f.get("start"), "08:00");
        assert_eq!(f.get("missing"), "");
        assert!(f.all("empty").is_empty());
        assert!(f.has("days", "tue"));
    }
}
