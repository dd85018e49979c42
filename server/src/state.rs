use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::{
    auth::{LoginThrottle, TokenIssuer},
    cases::upload::UploadGate,
    db::Repo,
    domain::Clock,
    http::client_addr::TrustedProxies,
    keys::KeyService,
    memory::MemoryBudget,
    notify::{deliver::Deliverer, target::TargetPolicy},
    photos::{inspect::PhotoLimits, quality::QualityThresholds},
    store::BlobStore,
    telemetry::Metrics,
};

/// Shared by every request handler through `web::Data`.
pub struct AppState {
    pub repo: Arc<dyn Repo>,
    pub store: Arc<dyn BlobStore>,
    pub keys: KeyService,
    pub tokens: TokenIssuer,
    pub throttle: LoginThrottle,
    /// Peers whose `Forwarded` / `X-Forwarded-For` name the client (login throttling, audit).
    pub trusted_proxies: TrustedProxies,
    pub metrics: Metrics,
    /// Bounds how many photos are decoded at once (CPU).
    pub photo_permits: Arc<Semaphore>,
    /// Bytes that decoding photos holds at once, shared by every decode (memory).
    pub decode_memory: MemoryBudget,
    /// How long a received photo waits for room in that budget before `503 busy`.
    pub decode_wait: std::time::Duration,
    /// Bounds how many password checks run at once (argon2: CPU and memory).
    pub password_permits: Arc<Semaphore>,
    pub photo_limits: PhotoLimits,
    pub quality: QualityThresholds,
    /// Uploads per user, the memory their bodies hold, their idle timeout and deadline.
    pub uploads: UploadGate,
    /// How long a claim lasts.
    pub lease: chrono::Duration,
    /// Every service asks it the time (tests move it forward).
    pub clock: Arc<dyn Clock>,
    /// Base of the links in notifications.
    pub public_url: String,
    pub deliverer: Deliverer,
    /// Where webhook URLs may point (checked when one is saved).
    pub webhook_targets: TargetPolicy,
}
