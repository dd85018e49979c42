use telederm_schemas::FieldError;

/// Collects every field error of a request so the client sees them all at once.
#[derive(Debug, Default)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// Keep the value, or record the error against `field`.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Whether `field` already has an error.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|f| f.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_fields(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was recorded and every part parsed.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, ValidationErrors> {
        match value {
            Some(v) if self.is_empty() => Ok(v),
            _ => Err(self),
        }
    }
}
