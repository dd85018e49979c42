//! A typed HTTP client for `/api/v1`: one method per endpoint, problem+json turned into
//! [`ApiError`], transport failures into [`ClientError`].

use std::time::Duration;

use reqwest::{RequestBuilder, Response, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;
use telederm_schemas::{FieldError, LoginRequest, Problem, TokenResponse, User};

use crate::credentials::AccessToken;

/// An error the server reported, in the shape of its problem+json body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    /// Stable machine code, e.g. `unauthenticated`, `rate_limited`.
    pub code: String,
    pub detail: String,
    pub request_id: Option<String>,
    /// Per-field errors, for `validation_failed`.
    pub errors: Vec<FieldError>,
}

/// `detail (code, request id)`: the request id lets support find the server's log line.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}", self.detail, self.code)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request {id}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// Builds the error from a non-2xx response. Anything that is not a problem body (a proxy's
    /// HTML page, say) becomes `unexpected_response`, without echoing the body.
    pub fn from_response(status: u16, body: &[u8], request_id_header: Option<&str>) -> Self {
        match serde_json::from_slice::<Problem>(body) {
            Ok(p) => ApiError {
                status,
                code: p.code,
                detail: p.detail,
                request_id: Some(p.request_id)
                    .filter(|id| !id.is_empty())
                    .or_else(|| request_id_header.map(str::to_owned)),
                errors: p.errors,
            },
            Err(_) => ApiError {
                status,
                code: "unexpected_response".into(),
                detail: format!("the server answered HTTP {status} without an error description"),
                request_id: request_id_header.map(str::to_owned),
                errors: Vec::new(),
            },
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Nothing answered: the hint names the URL we tried.
    #[error("cannot connect to {url}: {cause}")]
    Connect { url: String, cause: String },
    #[error("request to {url} failed: {cause}")]
    Transport { url: String, cause: String },
    #[error("the server sent a response this client does not understand: {0}")]
    Decode(String),
}

pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<AccessToken>,
}

impl Client {
    /// `base` must end with `/` (see [`crate::cli::parse_server_url`]).
    pub fn new(base: Url, token: Option<AccessToken>) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("telederm-cli/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Self { http, base, token })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub async fn login(&self, request: &LoginRequest) -> Result<TokenResponse, ClientError> {
        self.post("api/v1/auth/login", request).await
    }

    pub async fn me(&self) -> Result<User, ClientError> {
        self.get("api/v1/me").await
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path)?;
        self.send(self.http.get(url)).await
    }

    /// GET with query parameters (a key may repeat).
    pub async fn get_query<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        self.send(self.http.get(url).query(query)).await
    }

    /// GET returning the raw body (CSV, photos).
    pub async fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<u8>, ClientError> {
        let url = self.url(path)?;
        let response = self.authorize(self.http.get(url).query(query)).send().await;
        let response = response.map_err(|e| self.transport_error(e))?;
        let response = check(response).await.map_err(|e| self.decoded(e))?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(e))?;
        Ok(bytes.to_vec())
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        self.send(self.http.post(url).json(body)).await
    }

    /// POST whose answer has no body (204), or whose body is not needed.
    pub async fn post_empty<B: Serialize>(&self, path: &str, body: &B) -> Result<(), ClientError> {
        let url = self.url(path)?;
        self.send_empty(self.http.post(url).json(body)).await
    }

    /// POST that may answer 204 No Content (`None`).
    pub async fn post_maybe<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<Option<T>, ClientError> {
        let url = self.url(path)?;
        let response = self.authorize(self.http.post(url).json(body)).send().await;
        let response = response.map_err(|e| self.transport_error(e))?;
        if response.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        decode(response)
            .await
            .map(Some)
            .map_err(|e| self.decoded(e))
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        self.send(self.http.put(url).json(body)).await
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        self.send(self.http.patch(url).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<(), ClientError> {
        let url = self.url(path)?;
        self.send_empty(self.http.delete(url)).await
    }

    /// A multipart POST (case submission, reply with photos). Uploads get no overall timeout:
    /// a large case on a slow practice connection must be allowed to finish.
    pub async fn post_multipart<T: DeserializeOwned>(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        self.send(
            self.http
                .post(url)
                .multipart(form)
                .timeout(Duration::from_secs(3600)),
        )
        .await
    }

    fn authorize(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token.expose()),
            None => request,
        }
    }

    fn decoded(&self, e: Decoded) -> ClientError {
        match e {
            Decoded::Api(api) => ClientError::Api(api),
            Decoded::Transport(e) => self.transport_error(e),
        }
    }

    async fn send_empty(&self, request: RequestBuilder) -> Result<(), ClientError> {
        let response = self.authorize(request).send().await;
        let response = response.map_err(|e| self.transport_error(e))?;
        check(response)
            .await
            .map(|_| ())
            .map_err(|e| self.decoded(e))
    }

    fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.base.join(path).map_err(|e| ClientError::Transport {
            url: format!("{}{path}", self.base),
            cause: e.to_string(),
        })
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ClientError> {
        let response = self.authorize(request).send().await;
        let response = response.map_err(|e| self.transport_error(e))?;
        decode(response).await.map_err(|e| self.decoded(e))
    }

    fn transport_error(&self, e: reqwest::Error) -> ClientError {
        let url = self.base.as_str().trim_end_matches('/').to_owned();
        let cause = root_cause(&e);
        if e.is_connect() {
            ClientError::Connect { url, cause }
        } else if e.is_decode() {
            ClientError::Decode(cause)
        } else {
            ClientError::Transport { url, cause }
        }
    }
}

enum Decoded {
    Api(ApiError),
    Transport(reqwest::Error),
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Decoded> {
    check(response)
        .await?
        .json()
        .await
        .map_err(Decoded::Transport)
}

/// The response if it is a success, else the server's problem as an [`ApiError`].
async fn check(response: Response) -> Result<Response, Decoded> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.map_err(Decoded::Transport)?;
    Err(Decoded::Api(ApiError::from_response(
        status.as_u16(),
        &body,
        request_id.as_deref(),
    )))
}

/// reqwest's own message ("error sending request for url") says little; the innermost
/// cause ("Connection refused") is what the user needs.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_json_becomes_api_error() {
        let body = br#"{
            "type": "https://telederm.example/problems/unauthenticated",
            "title": "Unauthenticated",
            "status": 401,
            "code": "unauthenticated",
            "detail": "the token has expired",
            "request_id": "req-123"
        }"#;
        let err = ApiError::from_response(401, body, Some("hdr-id"));
        assert_eq!(
            err,
            ApiError {
                status: 401,
                code: "unauthenticated".into(),
                detail: "the token has expired".into(),
                request_id: Some("req-123".into()),
                errors: vec![],
            }
        );
        assert_eq!(
            err.to_string(),
            "the token has expired (unauthenticated, request req-123)"
        );
    }

    #[test]
    fn problem_with_field_errors_parses() {
        let body = br#"{"type":"about:blank","title":"Bad","status":422,
            "code":"validation_failed","detail":"invalid input","request_id":"r1",
            "errors":[{"field":"email","message":"is not a valid email address"}]}"#;
        let err = ApiError::from_response(422, body, None);
        assert_eq!(err.code, "validation_failed");
        assert_eq!(err.request_id.as_deref(), Some("r1"));
        assert_eq!(err.errors[0].field, "email");
        assert_eq!(err.errors[0].message, "is not a valid email address");
    }

    #[test]
    fn non_problem_body_is_unexpected_response_with_header_id() {
        let err = ApiError::from_response(502, b"<html>Bad Gateway</html>", Some("hdr-9"));
        assert_eq!(err.code, "unexpected_response");
        assert_eq!(err.status, 502);
        assert_eq!(err.request_id.as_deref(), Some("hdr-9"));
        assert!(!err.detail.contains("html"));

        let err = ApiError::from_response(500, b"", None);
        assert!(err.to_string().ends_with("(unexpected_response)"), "{err}");
    }
}
