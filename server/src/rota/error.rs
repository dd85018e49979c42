use crate::{db::RepoError, domain::ValidationErrors};

/// What a rota use case may answer instead of its result.
#[derive(Debug, thiserror::Error)]
pub enum RotaError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("your role may not do this")]
    Forbidden,
    #[error("the request has invalid fields")]
    Validation(ValidationErrors),
    /// A uniqueness rule (a territory code taken, overlapping shifts of one dermatologist).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<ValidationErrors> for RotaError {
    fn from(e: ValidationErrors) -> Self {
        RotaError::Validation(e)
    }
}

impl From<RepoError> for RotaError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Conflict(what) => RotaError::Conflict(what),
            RepoError::Other(e) => RotaError::Internal(e),
        }
    }
}

impl RotaError {
    pub(super) fn invalid(field: &str, message: impl Into<String>) -> RotaError {
        let mut e = ValidationErrors::default();
        e.add(field, message);
        RotaError::Validation(e)
    }
}
