use std::sync::Arc;

use crate::{
    accounts::AccountService,
    auth::LoginThrottle,
    config::{Environment, Settings},
    demo,
    domain::{Clock, OffsetClock},
    keys::KeyService,
    notify::target::TargetPolicy,
    startup::{open_database, open_store, Application},
    telemetry,
};

pub async fn run(mut settings: Settings, demo_mode: bool) -> anyhow::Result<()> {
    telemetry::init(settings.environment == Environment::Production);
    if demo_mode && settings.environment == Environment::Production {
        anyhow::bail!("demo mode is refused in production");
    }
    let n = &mut settings.notifications;
    if demo_mode && n.smtp.is_none() && n.mail_dir.is_none() {
        // The demo's e-mails are files to open, not messages to real people.
        n.mail_dir = Some(settings.data_dir.join("outbox"));
    }
    let repo = open_database(&settings).await?;
    let clock = Arc::new(OffsetClock::default());
    if demo_mode {
        // Demo mode is never production: the key file is made when missing.
        let keys = Arc::new(KeyService::open(
            &settings.key_file(),
            settings.credentials_dir.as_deref(),
            true,
            clock.now(),
        )?);
        let accounts = AccountService::new(
            repo.clone(),
            Some(keys),
            TargetPolicy::from_settings(&settings),
            clock.clone(),
            LoginThrottle::new(&settings.auth),
        );
        demo::seed(repo.as_ref(), &accounts, clock.now()).await?;
    }
    let store = open_store(&settings)?;
    let app = Application::build_with_clock(&settings, repo, store, clock.clone()).await?;
    if demo_mode {
        demo::seed_cases(&app.state(), &|by| clock.set_offset(by)).await?;
        let host = settings
            .http
            .bind
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or("127.0.0.1");
        // Printed, not logged: it is for the person at the terminal.
        let outbox = settings.notifications.mail_dir.as_deref();
        println!(
            "{}",
            demo::banner(&format!("http://{host}:{}", app.port()), outbox)
        );
    }
    app.run_until_stopped().await?;
    Ok(())
}
