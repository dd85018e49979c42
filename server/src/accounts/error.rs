use crate::{db::RepoError, domain::ValidationErrors};

/// What an accounts use case may answer instead of its result.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("your role may not do this")]
    Forbidden,
    #[error("the request has invalid fields")]
    Validation(ValidationErrors),
    /// An email already in use; disabling one's own account.
    #[error("{0}")]
    Conflict(String),
    /// The account is not in a state that allows it (e.g. no webhook URL to rotate a secret of).
    #[error("{0}")]
    NotNow(&'static str),
    #[error("invalid email or password")]
    BadCredentials,
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<ValidationErrors> for AccountError {
    fn from(e: ValidationErrors) -> Self {
        AccountError::Validation(e)
    }
}

impl From<RepoError> for AccountError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Conflict(what) => AccountError::Conflict(what),
            RepoError::Other(e) => AccountError::Internal(e),
        }
    }
}
