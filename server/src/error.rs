//! One error type for the HTTP layer, rendered as `application/problem+json` with a stable code.
//!
//! Unexpected errors become an opaque 500; their cause goes to the log, never to the client.

use actix_web::{
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::{header, StatusCode},
    HttpRequest, HttpResponse, ResponseError,
};
use telederm_schemas::{FieldError, FieldErrors, Problem};

use crate::{
    accounts::AccountError, admin::AdminError, cases::CaseError, db::RepoError,
    domain::ValidationErrors, photos::intake::PhotoError, reports::ReportError,
    retention::EraseError, rota::RotaError, telemetry::current_request_id,
};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("authentication required: log in and send `Authorization: Bearer <token>`")]
    Unauthenticated,
    #[error("invalid email or password")]
    BadCredentials,
    #[error("your role may not do this")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    InvalidState(String),
    /// The case was erased: 410, for good.
    #[error("{0}")]
    CaseErased(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    UnsupportedFormat(String),
    #[error("{0}")]
    ImageTooLarge(String),
    #[error("{0}")]
    ImageCorrupt(String),
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error(
        "you already have {limit} uploads in progress: wait for one to finish, then send this \
         one again"
    )]
    TooManyUploads { limit: usize, retry_after_secs: u64 },
    #[error("{0}")]
    RequestTimeout(String),
    #[error("the server is handling too many uploads right now; retry in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error("{0}")]
    NotReady(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The stable machine code and HTTP status of each variant.
    pub fn code_and_status(&self) -> (&'static str, StatusCode) {
        use ApiError::*;
        match self {
            BadRequest(_) => ("bad_request", StatusCode::BAD_REQUEST),
            Validation(_) => ("validation_failed", StatusCode::UNPROCESSABLE_ENTITY),
            Unauthenticated | BadCredentials => ("unauthenticated", StatusCode::UNAUTHORIZED),
            Forbidden => ("forbidden", StatusCode::FORBIDDEN),
            NotFound(_) => ("not_found", StatusCode::NOT_FOUND),
            MethodNotAllowed => ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
            Conflict(_) => ("conflict", StatusCode::CONFLICT),
            InvalidState(_) => ("invalid_state", StatusCode::CONFLICT),
            CaseErased(_) => ("case_erased", StatusCode::GONE),
            PayloadTooLarge(_) => ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            UnsupportedMediaType(_) => {
                ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE)
            }
            UnsupportedFormat(_) => ("unsupported_format", StatusCode::UNSUPPORTED_MEDIA_TYPE),
            ImageTooLarge(_) => ("image_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            ImageCorrupt(_) => ("image_corrupt", StatusCode::UNPROCESSABLE_ENTITY),
            RateLimited { .. } | TooManyUploads { .. } => {
                ("rate_limited", StatusCode::TOO_MANY_REQUESTS)
            }
            RequestTimeout(_) => ("request_timeout", StatusCode::REQUEST_TIMEOUT),
            Busy { .. } => ("busy", StatusCode::SERVICE_UNAVAILABLE),
            NotReady(_) => ("not_ready", StatusCode::SERVICE_UNAVAILABLE),
            Internal(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// A JSON document that parsed but does not fit its type: each field's error when the type
    /// reads its fields one by one (`telederm_schemas::read_fields!`), else one error for `whole`.
    pub fn invalid_json(whole: &str, e: &serde_json::Error) -> Self {
        let message = e.to_string();
        match FieldErrors::from_message(&message) {
            Some(FieldErrors(fields)) => ApiError::Validation(fields),
            None => ApiError::validation(whole, message),
        }
    }

    fn problem(&self) -> Problem {
        let (code, status) = self.code_and_status();
        Problem {
            kind: format!("https://telederm.fr/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code: code.to_owned(),
            detail: self.to_string(),
            request_id: current_request_id(),
            errors: match self {
                ApiError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code_and_status().1
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.content_type("application/problem+json");
        res.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::RateLimited { retry_after_secs }
            | ApiError::TooManyUploads {
                retry_after_secs, ..
            }
            | ApiError::Busy { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        res.json(self.problem())
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Conflict(what) => ApiError::Conflict(what),
            RepoError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::NotFound(what) => ApiError::NotFound(what),
            CaseError::Forbidden => ApiError::Forbidden,
            e @ (CaseError::InvalidState { .. } | CaseError::NotNow(_)) => {
                ApiError::InvalidState(e.to_string())
            }
            CaseError::Conflict(why) => ApiError::Conflict(why.to_owned()),
            CaseError::Validation(e) => e.into(),
            e @ CaseError::Erased => ApiError::CaseErased(e.to_string()),
            CaseError::Photo(e) => e.into(),
            CaseError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<EraseError> for ApiError {
    fn from(e: EraseError) -> Self {
        match e {
            EraseError::NotFound(what) => ApiError::NotFound(what),
            EraseError::Forbidden => ApiError::Forbidden,
            e @ EraseError::InProgress(_) => ApiError::InvalidState(e.to_string()),
            e @ EraseError::AlreadyErased => ApiError::CaseErased(e.to_string()),
            e @ EraseError::Conflict => ApiError::Conflict(e.to_string()),
            e @ EraseError::InvalidPeriod => ApiError::Validation(vec![FieldError {
                field: "retention_days".to_owned(),
                message: e.to_string(),
            }]),
            EraseError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<RotaError> for ApiError {
    fn from(e: RotaError) -> Self {
        match e {
            RotaError::NotFound(what) => ApiError::NotFound(what),
            RotaError::Forbidden => ApiError::Forbidden,
            RotaError::Validation(e) => e.into(),
            RotaError::Conflict(why) => ApiError::Conflict(why),
            RotaError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::NotFound(what) => ApiError::NotFound(what),
            AccountError::Forbidden => ApiError::Forbidden,
            AccountError::Validation(e) => e.into(),
            AccountError::Conflict(why) => ApiError::Conflict(why),
            AccountError::NotNow(why) => ApiError::InvalidState(why.to_owned()),
            AccountError::BadCredentials => ApiError::BadCredentials,
            AccountError::RateLimited { retry_after_secs } => {
                ApiError::RateLimited { retry_after_secs }
            }
            AccountError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Forbidden => ApiError::Forbidden,
            ReportError::Validation(e) => e.into(),
            ReportError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::NotFound(what) => ApiError::NotFound(what),
            AdminError::Forbidden => ApiError::Forbidden,
            AdminError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<PhotoError> for ApiError {
    fn from(e: PhotoError) -> Self {
        match e {
            PhotoError::Unsupported(why) => ApiError::UnsupportedFormat(why),
            PhotoError::TooLarge(why) => ApiError::ImageTooLarge(why),
            PhotoError::Corrupt(why) => ApiError::ImageCorrupt(why),
            PhotoError::Busy { retry_after_secs } => ApiError::Busy { retry_after_secs },
            PhotoError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError::Validation(e.into_fields())
    }
}

/// Extractor failures use the same problem format as handlers.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match err {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => {
            ApiError::PayloadTooLarge(format!("the JSON body is larger than {limit} bytes"))
        }
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("send the body as `application/json`".into())
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::invalid_json("body", &e),
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("malformed JSON: {e}")),
        other => ApiError::BadRequest(format!("unreadable body: {other}")),
    };
    api.into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid path: {err}")).into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid query string: {err}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let e = ApiError::Internal(anyhow::anyhow!("password=hunter2 in /etc/secret"));
        let p = e.problem();
        assert_eq!(p.status, 500);
        assert_eq!(p.code, "internal");
        assert!(!p.detail.contains("hunter2"));
    }

    #[test]
    fn unknown_users_and_bad_passwords_look_alike() {
        assert_eq!(
            ApiError::BadCredentials.code_and_status(),
            ApiError::Unauthenticated.code_and_status()
        );
    }
}
