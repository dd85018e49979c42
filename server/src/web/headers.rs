//! Security headers on every response, pages and API alike, errors included: a strict Content
//! Security Policy (our own files only: no inline script or style, no plug-ins, no framing),
//! no MIME sniffing, no referrer, no framing for older browsers, and nothing cached unless the
//! response says otherwise (the hashed assets do).

use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
    Error,
};

/// `img-src blob: data:`: the preview of a photo being checked is a `blob:` URL made by the
/// page's own script; `data:` lets the stylesheet carry small icons.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' blob: data:; \
     style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

const HEADERS: [(header::HeaderName, &str); 5] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CACHE_CONTROL, "no-store"),
];

/// The outermost middleware. Handlers' and extractors' errors reach it as responses; only a
/// middleware's own error would pass as an error (none of ours returns one).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    for (name, value) in HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_inline_code() {
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
        assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'self';"));
        assert!(CONTENT_SECURITY_POLICY.ends_with("frame-ancestors 'none'"));
        assert!(!CONTENT_SECURITY_POLICY.contains("  "));
    }
}
