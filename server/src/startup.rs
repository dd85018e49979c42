//! Build the application from settings, bind it, and run it until stopped.

use std::{net::TcpListener, sync::Arc};

use actix_web::{
    dev::Server,
    middleware::{from_fn, Compress},
    web, App, HttpServer,
};

use tokio::sync::Semaphore;
use utoipa_actix_web::AppExt;

mod every;
mod mail;
mod stop;

pub use crate::store::open as open_store;

use every::every;
use mail::{open_mail, public_url};

use crate::{
    accounts::{AccountService, SessionService, SessionSettings},
    admin::AdminService,
    auth::{LoginThrottle, TokenIssuer},
    cases::{sweep::sweep_orphans, CaseService, CaseSettings},
    config::{Environment, Settings},
    db::{self, Repo},
    domain::{Clock, SystemClock},
    error::{self, ApiError},
    http::{
        upload::{UploadGate, UploadLimits},
        AppState,
    },
    keys::KeyService,
    memory::MemoryBudget,
    notify::{deliver::Deliverer, target::TargetPolicy, Notifier},
    openapi,
    photos::{
        checked::CheckedPhotos, inspect::PhotoLimits, intake::PhotoIntake,
        quality::QualityThresholds,
    },
    reports::ReportService,
    rota::RotaService,
    routes,
    store::BlobStore,
    telemetry::{self, Metrics},
};

pub struct Application {
    port: u16,
    server: Server,
    lease_check: std::time::Duration,
    sla_check: Option<std::time::Duration>,
    audit_seal: Option<std::time::Duration>,
    notification_poll: Option<std::time::Duration>,
    orphan_sweep: Option<std::time::Duration>,
    orphan_grace: std::time::Duration,
    repo: Arc<dyn Repo>,
    store: Arc<dyn BlobStore>,
    state: web::Data<AppState>,
}

impl Application {
    /// Connect and migrate the database, then bind the listener (port 0 picks a free port).
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        let repo = open_database(settings).await?;
        let store = open_store(settings)?;
        Self::build_with(settings, repo, store).await
    }

    /// Build on a given database and blob store (tests inject failing ones).
    pub async fn build_with(
        settings: &Settings,
        repo: Arc<dyn Repo>,
        store: Arc<dyn BlobStore>,
    ) -> anyhow::Result<Application> {
        Self::build_with_clock(settings, repo, store, Arc::new(SystemClock)).await
    }

    /// ... and a given clock (tests move time forward).
    pub async fn build_with_clock(
        settings: &Settings,
        repo: Arc<dyn Repo>,
        store: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        if settings.notifications.retired_signing_secret.is_some() {
            tracing::warn!("notifications.signing_secret is no longer used: each webhook recipient has its own secret (set its URL again, or rotate its secret)");
        }
        if settings.notifications.allow_private_targets {
            tracing::warn!("notifications.allow_private_targets is set: webhooks may reach loopback and private networks");
        }
        crate::telemetry::spawn_blocking_in_span(crate::auth::password::warm_up).await?;
        let signing_key = crate::auth::signing_key::load(settings)?;
        let keys = Arc::new(KeyService::open(
            &settings.key_file(),
            settings.credentials_dir.as_deref(),
            settings.environment != Environment::Production,
            clock.now(),
        )?);
        let orphan_grace = std::time::Duration::from_secs(settings.storage.orphan_grace_secs);
        sweep_orphans(repo.as_ref(), store.as_ref(), clock.now(), orphan_grace).await?;
        // Bound first: without a configured public URL, links lead to the address bound.
        let listener = TcpListener::bind(&settings.http.bind)?;
        let port = listener.local_addr()?.port();
        let public_url = public_url(settings, &listener)?;
        let mail = open_mail(settings, &public_url)?;
        let notifier = Notifier::new(
            &public_url,
            mail.is_some(),
            settings.notifications.digest_hour,
        );
        let photos = &settings.photos;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let webhook_targets = TargetPolicy::from_settings(settings);
        let accounts = Arc::new(AccountService::new(
            repo.clone(),
            Some(keys.clone()),
            webhook_targets,
            clock.clone(),
            LoginThrottle::new(&settings.auth),
        ));
        let sessions = SessionService::new(
            repo.clone(),
            accounts.clone(),
            clock.clone(),
            SessionSettings {
                idle: chrono::Duration::seconds(i64::try_from(settings.web.session_idle_secs)?),
                max: chrono::Duration::seconds(i64::try_from(settings.web.session_max_secs)?),
            },
        );
        let state = web::Data::new(AppState {
            repo: repo.clone(),
            store: store.clone(),
            cases: CaseService::new(
                repo.clone(),
                store.clone(),
                keys.clone(),
                clock.clone(),
                PhotoIntake {
                    limits: PhotoLimits {
                        max_side: photos.max_side,
                        max_megapixels: photos.max_megapixels,
                        max_decoded_bytes: photos.max_decoded_bytes,
                    },
                    thresholds: QualityThresholds::default(),
                    permits: Arc::new(Semaphore::new(photos.concurrency.unwrap_or(cores))),
                    decode_memory: MemoryBudget::new(photos.decode_budget_bytes),
                    decode_wait: std::time::Duration::from_millis(photos.decode_wait_ms),
                    checked: CheckedPhotos::default(),
                },
                CaseSettings {
                    lease: chrono::Duration::seconds(i64::try_from(settings.queue.lease_secs)?),
                    notifier: notifier.clone(),
                },
            ),
            rota: RotaService::new(repo.clone(), clock.clone()),
            reports: ReportService::new(repo.clone(), clock.clone()),
            admin: AdminService::new(repo.clone(), keys.clone(), clock.clone()),
            accounts,
            sessions,
            keys,
            tokens: TokenIssuer::new(signing_key.as_bytes(), &settings.auth),
            trusted_proxies: settings.http.trusted_proxies.clone(),
            metrics: Metrics::new()?,
            uploads: UploadGate::new(UploadLimits {
                max_photo_bytes: photos.max_photo_bytes,
                max_request_bytes: photos.max_request_bytes,
                max_photos: photos.max_photos,
                memory_bytes: photos.upload_budget_bytes,
                busy_wait: std::time::Duration::from_millis(photos.upload_busy_wait_ms),
                max_per_user: photos.max_uploads_per_user,
                idle_timeout: std::time::Duration::from_secs(photos.body_idle_timeout_secs),
                body_deadline: std::time::Duration::from_secs(photos.body_deadline_secs),
            }),
            clock,
            public_url,
            production: settings.environment == Environment::Production,
            deliverer: Deliverer::new(&settings.notifications, webhook_targets, mail)?,
            notifier,
        });
        let every = |secs: u64| (secs > 0).then(|| std::time::Duration::from_secs(secs));
        let lease_check = std::time::Duration::from_secs(settings.queue.lease_check_secs);
        let json_limit = settings.http.max_json_bytes;
        let app_state = state.clone();
        let document = web::Data::new(routes::OpenApiJson(openapi::document()));
        let metrics = web::Data::new(state.metrics.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::web::csrf::guard))
                .wrap(from_fn(crate::web::errors::error_pages))
                .wrap(Compress::default())
                .wrap(from_fn(telemetry::observe))
                .wrap(from_fn(crate::web::headers::security_headers))
                .app_data(state.clone())
                .app_data(document.clone())
                .app_data(metrics.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(json_limit)
                        .error_handler(error::json_error),
                )
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .into_utoipa_app()
                .configure(routes::configure)
                .into_app()
                .configure(crate::web::configure)
                .default_service(web::to(not_found))
        })
        .shutdown_timeout(settings.http.shutdown_grace_secs)
        .shutdown_signal(stop::stop_requested()?)
        .listen(listener)?;
        if let Some(workers) = settings.http.workers {
            server = server.workers(workers);
        }
        tracing::info!(
            port,
            backend = repo.backend(),
            production = settings.environment == Environment::Production,
            "listening"
        );
        Ok(Application {
            port,
            lease_check,
            sla_check: every(settings.sla.check_secs),
            audit_seal: (settings.audit.seal_ms > 0)
                .then(|| std::time::Duration::from_millis(settings.audit.seal_ms)),
            notification_poll: every(settings.notifications.poll_secs),
            orphan_sweep: every(settings.storage.sweep_secs),
            orphan_grace,
            server: server.run(),
            repo,
            store,
            state: app_state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn repo(&self) -> Arc<dyn Repo> {
        self.repo.clone()
    }

    pub fn store(&self) -> Arc<dyn BlobStore> {
        self.store.clone()
    }

    /// The state every handler shares (for seeding through the real services).
    pub fn state(&self) -> Arc<AppState> {
        self.state.clone().into_inner()
    }

    /// Serve until SIGINT or SIGTERM, then finish in-flight requests for up to
    /// `http.shutdown_grace_secs` (see `stop`).
    /// The workers (leases, escalations, audit seals, notifications) run alongside and stop with
    /// the server.
    /// Several instances may run them at once: each change they make is conditional and happens
    /// once.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let state = self.state();
        let mut workers = vec![every(self.lease_check, state.clone(), |s| async move {
            s.cases
                .expire_leases()
                .await
                .map(drop)
                .map_err(anyhow::Error::from)
        })];
        if let Some(period) = self.sla_check {
            workers.push(every(period, state.clone(), |s| async move {
                s.cases
                    .escalate_due()
                    .await
                    .map(drop)
                    .map_err(anyhow::Error::from)
            }));
        }
        if let Some(period) = self.audit_seal {
            workers.push(every(period, state.clone(), |s| async move {
                crate::audit::seal(s.repo.as_ref(), s.clock.now())
                    .await
                    .map(drop)
                    .map_err(anyhow::Error::from)
            }));
        }
        if let Some(period) = self.orphan_sweep {
            let grace = self.orphan_grace;
            workers.push(every(period, state.clone(), move |s| async move {
                s.cases.sweep_orphans(grace).await.map(drop)
            }));
        }
        if let Some(period) = self.notification_poll {
            // Digests are made once a day: looking every minute is plenty.
            workers.push(every(DIGEST_CHECK, state.clone(), |s| async move {
                s.notifier
                    .enqueue_digests(s.repo.as_ref(), s.clock.now())
                    .await
                    .map(drop)
                    .map_err(anyhow::Error::from)
            }));
            workers.push(every(period, state.clone(), |s| async move {
                s.deliverer
                    .deliver_due(s.repo.as_ref(), &s.keys, s.clock.as_ref())
                    .await
                    .map(drop)
                    .map_err(anyhow::Error::from)
            }));
        }
        let result = self.server.await;
        for w in workers {
            w.abort();
        }
        if self.audit_seal.is_some() {
            // The last requests' lines, rather than waiting for the next start.
            if let Err(error) = crate::audit::seal(state.repo.as_ref(), state.clock.now()).await {
                tracing::warn!(%error, "audit lines left unsealed until the next start");
            }
        }
        result
    }
}

const DIGEST_CHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// Create the data folder, connect to the configured database and bring its schema up to date.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Arc<dyn Repo>> {
    crate::crypto::private_file::create_private_dirs(&settings.data_dir)?;
    let repo = db::connect(&settings.database_url(), settings.database.max_connections).await?;
    repo.migrate().await?;
    Ok(repo)
}

async fn not_found(
    req: actix_web::HttpRequest,
) -> Result<actix_web::HttpResponse, actix_web::Error> {
    if !req.path().starts_with("/api/") && req.match_pattern().is_none() {
        return Err(crate::web::WebError::NotFound.into());
    }
    // A known path with another method is a 405, not a 404.
    Err(if req.match_pattern().is_some() {
        ApiError::MethodNotAllowed
    } else {
        ApiError::NotFound("route")
    }
    .into())
}
