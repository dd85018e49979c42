//! Short validated strings.

fn bounded(raw: &str, what: &str, max: usize) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if s.chars().count() > max {
        return Err(format!("{what} must have at most {max} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("{what} must not contain control characters"));
    }
    Ok(s.to_owned())
}

macro_rules! text_type {
    ($name:ident, $what:literal, $max:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, String> {
                bounded(raw, $what, $max).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

text_type!(DisplayName, "a name", 100);
text_type!(TerritoryName, "a territory name", 120);

/// A French RPPS professional number: 11 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rpps(String);

impl Rpps {
    pub fn parse(raw: &str) -> Result<Rpps, String> {
        let s = raw.trim();
        if s.len() == 11 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Rpps(s.to_owned()))
        } else {
            Err("an RPPS number has exactly 11 digits".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a user's notifications are POSTed: an absolute http(s) URL without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(raw: &str) -> Result<WebhookUrl, String> {
        let url = url::Url::parse(raw.trim()).map_err(|e| format!("not a valid URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("must be an http or https URL".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry credentials".into());
        }
        if url.host().is_none() {
            return Err("must name a host".into());
        }
        Ok(WebhookUrl(url.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Dr Martin ").unwrap().as_str(),
            "Dr Martin"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(101)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn rpps_is_eleven_digits() {
        assert!(Rpps::parse("10101010101").is_ok());
        assert!(Rpps::parse("1010101010").is_err());
        assert!(Rpps::parse("1010101010a").is_err());
    }

    #[test]
    fn webhook_urls() {
        assert!(WebhookUrl::parse("https://hooks.example.fr/telederm").is_ok());
        assert!(WebhookUrl::parse("ftp://x.fr").is_err());
        assert!(WebhookUrl::parse("https://user:pw@x.fr").is_err());
        assert!(WebhookUrl::parse("nonsense").is_err());
    }
}
