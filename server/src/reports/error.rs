use crate::{db::RepoError, domain::ValidationErrors};

/// What a report may answer instead of its figures.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("your role may not do this")]
    Forbidden,
    #[error("the request has invalid fields")]
    Validation(ValidationErrors),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ReportError {
    pub(super) fn invalid(field: &str, message: impl Into<String>) -> ReportError {
        let mut e = ValidationErrors::default();
        e.add(field, message);
        ReportError::Validation(e)
    }
}

impl From<ValidationErrors> for ReportError {
    fn from(e: ValidationErrors) -> Self {
        ReportError::Validation(e)
    }
}

impl From<RepoError> for ReportError {
    fn from(e: RepoError) -> Self {
        ReportError::Internal(e.into())
    }
}
