use std::sync::Arc;

use crate::{
    auth::{LoginThrottle, TokenIssuer},
    db::Repo,
    telemetry::Metrics,
};

/// Shared by every request handler through `web::Data`.
pub struct AppState {
    pub repo: Arc<dyn Repo>,
    pub tokens: TokenIssuer,
    pub throttle: LoginThrottle,
    pub metrics: Metrics,
}
