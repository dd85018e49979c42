use secrecy::{ExposeSecret, SecretString};

/// A password chosen for a new account: long enough to resist guessing.
pub struct NewPassword(SecretString);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: String) -> Result<NewPassword, String> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(format!("must have at least {} characters", Self::MIN_CHARS));
        }
        if n > Self::MAX_CHARS {
            return Err(format!("must have at most {} characters", Self::MAX_CHARS));
        }
        Ok(NewPassword(SecretString::from(raw)))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::NewPassword;

    #[test]
    fn length_bounds() {
        assert!(NewPassword::parse("short".into()).is_err());
        assert!(NewPassword::parse("x".repeat(129)).is_err());
        assert!(NewPassword::parse("demo-password".into()).is_ok());
    }
}
