//! What a case use case may answer instead of its result. The HTTP layer maps each variant to a
//! status and a stable code in one place (`error.rs`); the web pages will map them to messages.

use crate::{
    db::RepoError,
    domain::{
        lifecycle::{next, InvalidTransition, Transition},
        CaseStatus, ValidationErrors,
    },
    photos::intake::PhotoError,
};

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No such case (or photo), or none of the caller's business: the caller learns nothing more.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller knows the case but may not do this to it (or its role may not at all).
    #[error("your role may not do this")]
    Forbidden,
    /// The case's status does not allow the action.
    #[error("{}", InvalidTransition { from: *from, transition: *action })]
    InvalidState {
        from: CaseStatus,
        action: Transition,
    },
    /// Refused for a reason the lifecycle does not name (e.g. outcomes before an answer).
    #[error("{0}")]
    NotNow(&'static str),
    /// Someone changed the case at the same moment (e.g. another dermatologist claimed it).
    #[error("{0}")]
    Conflict(&'static str),
    #[error("the request has invalid fields")]
    Validation(ValidationErrors),
    /// The case was erased: its data key is destroyed, nothing clinical of it remains.
    #[error("this case was erased (retention period over, or erased by an administrator)")]
    Erased,
    #[error(transparent)]
    Photo(#[from] PhotoError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl CaseError {
    /// Why `action` did not apply to a case now in status `from`: the lifecycle refuses it, or
    /// (when it allows it) someone changed the case meanwhile.
    pub fn refused(from: CaseStatus, action: Transition) -> CaseError {
        match next(from, action) {
            Err(_) => CaseError::InvalidState { from, action },
            Ok(_) => CaseError::Conflict("the case changed meanwhile; reload it"),
        }
    }
}

impl From<ValidationErrors> for CaseError {
    fn from(e: ValidationErrors) -> Self {
        CaseError::Validation(e)
    }
}

impl From<RepoError> for CaseError {
    fn from(e: RepoError) -> Self {
        CaseError::Internal(e.into())
    }
}
