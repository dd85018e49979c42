use std::sync::Arc;

use crate::{
    accounts::{AccountService, SessionService},
    admin::AdminService,
    auth::TokenIssuer,
    cases::CaseService,
    config::TrustedProxies,
    db::Repo,
    domain::Clock,
    http::upload::UploadGate,
    keys::KeyService,
    notify::{deliver::Deliverer, Notifier},
    reports::ReportService,
    rota::RotaService,
    store::BlobStore,
    telemetry::Metrics,
};

/// Shared by every request handler through `web::Data`.
pub struct AppState {
    pub repo: Arc<dyn Repo>,
    pub store: Arc<dyn BlobStore>,
    pub keys: Arc<KeyService>,
    /// Every use case of a case.
    pub cases: CaseService,
    /// Territories, shifts, response-time targets.
    pub rota: RotaService,
    /// Users and their webhooks.
    pub accounts: Arc<AccountService>,
    /// Browser sessions (the pages' sign-in).
    pub sessions: SessionService,
    /// Coordinators' figures and the audit trail.
    pub reports: ReportService,
    /// Parked notifications, key status.
    pub admin: AdminService,
    pub tokens: TokenIssuer,
    /// Peers whose `Forwarded` / `X-Forwarded-For` name the client (login throttling, audit).
    pub trusted_proxies: TrustedProxies,
    pub metrics: Metrics,
    /// Uploads per user, the memory their bodies hold, their idle timeout and deadline.
    pub uploads: UploadGate,
    /// Every service asks it the time (tests move it forward).
    pub clock: Arc<dyn Clock>,
    /// Base of the links in notifications; the pages' own origin.
    pub public_url: String,
    /// Production: cookies are `Secure`.
    pub production: bool,
    pub deliverer: Deliverer,
    /// Channels and links of notifications; the coordinators' digests.
    pub notifier: Notifier,
}
