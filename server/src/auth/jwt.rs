//! Access tokens: HS256 JWTs with issuer, audience, expiry and not-before all required and checked.
//!
//! jsonwebtoken's `Validation` accepts a token without `aud`, with any `iss`, and ignores `nbf`
//! unless told otherwise: every one of those is set explicitly below.

use chrono::{DateTime, Duration, TimeZone, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    config::AuthSettings,
    domain::{Clock, Role, SystemClock, UserId},
};

const ALGORITHM: Algorithm = Algorithm::HS256;
/// Clock skew tolerated between instances.
const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
}

#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl TokenIssuer {
    pub fn new(key: &[u8], settings: &AuthSettings) -> TokenIssuer {
        super::hs256::install();
        let mut validation = Validation::new(ALGORITHM);
        validation.algorithms = vec![ALGORITHM];
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        TokenIssuer {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl: Duration::seconds(i64::try_from(settings.token_ttl_secs).unwrap_or(3600)),
        }
    }

    /// A token for the user, and when it expires.
    pub fn issue(&self, user: UserId, role: Role) -> anyhow::Result<(String, DateTime<Utc>)> {
        // Real time, not the application's clock (which tests and the demo move): jsonwebtoken
        // checks `exp` and `nbf` against the system time.
        let now = SystemClock.now().timestamp();
        let exp = now + self.ttl.num_seconds();
        let claims = Claims {
            sub: user.as_uuid(),
            role,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            nbf: now,
            exp,
            jti: Uuid::new_v4(),
        };
        let token = encode(&Header::new(ALGORITHM), &claims, &self.encoding)?;
        let expires_at = Utc
            .timestamp_opt(exp, 0)
            .single()
            .ok_or_else(|| anyhow::anyhow!("expiry out of range"))?;
        Ok((token, expires_at))
    }

    /// The claims of a valid token; `None` for any invalid one (the reason is not shown to clients).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        match decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Some(data.claims),
            Err(e) => {
                tracing::debug!(reason = ?e.kind(), "token refused");
                None
            }
        }
    }
}
