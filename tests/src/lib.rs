//! Test support: `spawn_app()` runs the real server on port 0 with a fresh database of its own
//! (a temporary SQLite file, or a fresh PostgreSQL database when `TELEDERM_TEST_DATABASE_URL`
//! names a server), seeded with the demo territories, users and rota. `browser` and `pages`
//! drive the server's pages in headless Chromium; `smtp` runs a real SMTP server to send mail to.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod browser;
pub mod db;
pub mod fixtures;
pub mod optional;
pub mod pages;
pub mod s3;
pub mod smtp;
pub mod stall;
pub mod store;
mod story;
pub mod webhook;

use std::{path::PathBuf, sync::Arc};

use base64::Engine;
use reqwest::{Response, StatusCode};
use secrecy::SecretString;
use serde::Serialize;
use telederm_schemas::{AuditVerification, Problem, TokenResponse, User};
use telederm_server::{
    config::{Overrides, Settings},
    demo,
    domain::{Clock, ManualClock},
    http::AppState,
    startup::{open_database, open_store, Application},
    store::BlobStore,
};

/// The signing key of every test server, so tests can forge tokens signed with it.
pub const TEST_SIGNING_KEY: [u8; 32] = [42u8; 32];
pub const DEMO_PASSWORD: &str = demo::PASSWORD;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub settings: Settings,
    /// The server's time: tests move it forward instead of sleeping.
    pub clock: Arc<ManualClock>,
    /// The state the handlers share, to drive the workers (escalations, deliveries) by hand.
    pub state: Arc<AppState>,
    /// The bucket that holds the photos of an app on S3 (`spawn_app_on_s3`).
    pub bucket: Option<s3::Bucket>,
    // Kept so the SQLite file lives as long as the app.
    _data_dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}, |store| store).await
}

/// The server with its photos in a bucket of its own on the test S3 server (moto) instead of a
/// folder; `None`: skip the test (no S3 server here).
pub async fn spawn_app_on_s3() -> Option<TestApp> {
    let bucket = s3::Bucket::create().await?;
    let mut app = spawn_app_with(|s| bucket.use_in(s), |store| store).await;
    app.bucket = Some(bucket);
    Some(app)
}

/// `configure` adjusts the settings; `wrap_store` may wrap the blob store (to inject failures).
pub async fn spawn_app_with(
    configure: impl FnOnce(&mut Settings),
    wrap_store: impl FnOnce(Arc<dyn BlobStore>) -> Arc<dyn BlobStore>,
) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::load(
        None,
        &Overrides {
            bind: Some("127.0.0.1:0".into()),
            data_dir: Some(data_dir.path().to_path_buf()),
        },
    )
    .unwrap();
    settings.http.workers = Some(1);
    settings.auth.signing_key = Some(SecretString::from(
        base64::engine::general_purpose::STANDARD.encode(TEST_SIGNING_KEY),
    ));
    settings.database.url = db::fresh_database_url().await;
    settings.database.max_connections = 5;
    // The tests drive the escalation and delivery workers themselves.
    settings.sla.check_secs = 0;
    settings.notifications.poll_secs = 0;
    settings.audit.seal_ms = 0;
    // Test receivers listen on loopback; the tests of the guard turn this off again.
    settings.notifications.allow_private_targets = true;
    // Leases are expired by the tests that need it, at the server clock's time.
    settings.queue.lease_check_secs = 86_400;
    configure(&mut settings);

    let repo = open_database(&settings).await.unwrap();
    let store = wrap_store(open_store(&settings).unwrap());
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let app = Application::build_with_clock(&settings, repo, store, clock.clone())
        .await
        .unwrap();
    let state = app.state();
    // The demo users are made as `serve --demo` makes them: at the real time, before the server's
    // (manual) clock starts.
    let accounts = telederm_server::accounts::AccountService::new(
        app.repo(),
        Some(state.keys.clone()),
        telederm_server::notify::target::TargetPolicy::from_settings(&settings),
        Arc::new(telederm_server::domain::SystemClock),
        telederm_server::auth::LoginThrottle::new(&settings.auth),
    );
    demo::seed(
        app.repo().as_ref(),
        &accounts,
        telederm_server::domain::now(),
    )
    .await
    .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        settings,
        clock,
        state,
        bucket: None,
        _data_dir: data_dir,
    }
}

impl TestApp {
    /// Move the server's clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today in the demo territories' zone (Paris), as the server dates their cases: in UTC it
    /// is still the day before for an hour or two after local midnight.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now()
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive()
    }

    /// One pass of the escalation worker.
    pub async fn escalate(&self) -> telederm_server::cases::escalate::EscalationStats {
        self.state.cases.escalate_due().await.unwrap()
    }

    /// One pass of the audit chain's sealer: the lines written so far are linked.
    pub async fn seal_audit(&self) -> telederm_server::audit::SealStats {
        telederm_server::audit::seal(self.state.repo.as_ref(), self.clock.now())
            .await
            .unwrap()
    }

    /// `GET /api/v1/audit/verify` as `token`: 200, and what it answered.
    pub async fn verify_audit(&self, token: &str) -> AuditVerification {
        let res = self.get("/api/v1/audit/verify", Some(token)).await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// One pass of the delivery worker.
    pub async fn deliver(&self) -> telederm_server::notify::deliver::DeliveryStats {
        self.state
            .deliverer
            .deliver_due(
                self.state.repo.as_ref(),
                &self.state.keys,
                self.state.clock.as_ref(),
            )
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn login_response(&self, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// A token for a demo user (`gp13`, `derm1`, `coord`, `admin`, ...).
    pub async fn token(&self, demo_user: &str) -> String {
        let email = format!("{demo_user}@demo.test");
        let res = self.login_response(&email, DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "login of {email}");
        res.json::<TokenResponse>().await.unwrap().access_token
    }

    pub async fn me(&self, token: &str) -> Response {
        self.get("/api/v1/me", Some(token)).await
    }

    pub async fn user(&self, demo_user: &str) -> User {
        let token = self.token(demo_user).await;
        self.me(&token).await.json().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send(reqwest::Method::GET, path, token, None::<&()>)
            .await
    }

    pub async fn post<B: Serialize + ?Sized>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Response {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn put<B: Serialize + ?Sized>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Response {
        self.send(reqwest::Method::PUT, path, token, Some(body))
            .await
    }

    pub async fn patch<B: Serialize + ?Sized>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Response {
        self.send(reqwest::Method::PATCH, path, token, Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.send(reqwest::Method::DELETE, path, token, None::<&()>)
            .await
    }

    /// `POST /api/v1/cases` with the `case` JSON part and photo parts `(kind, bytes)`.
    pub async fn submit_case(
        &self,
        token: &str,
        case: &serde_json::Value,
        photos: &[(&str, Vec<u8>)],
    ) -> Response {
        let mut form = reqwest::multipart::Form::new().part(
            "case",
            reqwest::multipart::Part::text(case.to_string())
                .mime_str("application/json")
                .unwrap(),
        );
        for (i, (kind, bytes)) in photos.iter().enumerate() {
            let part =
                reqwest::multipart::Part::bytes(bytes.clone()).file_name(format!("photo{i}.jpg"));
            form = form.part(kind.to_string(), part);
        }
        self.client
            .post(self.url("/api/v1/cases"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// `POST /api/v1/photos/check` with one photo part named `kind`.
    pub async fn check_photo(&self, token: &str, kind: &str, bytes: Vec<u8>) -> Response {
        let form = reqwest::multipart::Form::new().part(
            kind.to_owned(),
            reqwest::multipart::Part::bytes(bytes).file_name("photo.jpg"),
        );
        self.client
            .post(self.url("/api/v1/photos/check"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// `POST /api/v1/cases/{id}/reply` as multipart: the `reply` JSON part and photo parts.
    pub async fn reply_with_photos(
        &self,
        token: &str,
        case_id: uuid::Uuid,
        message: &str,
        photos: &[(&str, Vec<u8>)],
    ) -> Response {
        let reply = serde_json::json!({ "message": message }).to_string();
        let mut form = reqwest::multipart::Form::new().part(
            "reply",
            reqwest::multipart::Part::text(reply)
                .mime_str("application/json")
                .unwrap(),
        );
        for (kind, bytes) in photos {
            form = form.part(
                kind.to_string(),
                reqwest::multipart::Part::bytes(bytes.clone()).file_name("p.jpg"),
            );
        }
        self.client
            .post(self.url(&format!("/api/v1/cases/{case_id}/reply")))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Every file under the blob store folder.
    pub fn blob_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        walk(&p, out);
                    } else {
                        out.push(p);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.settings.blobs_dir(), &mut out);
        out
    }

    /// Every byte of every file in the data folder (database, WAL, key file, blobs).
    pub fn data_folder_bytes(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut stack = vec![self.settings.data_dir.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
                }
            }
        }
        files
    }

    /// A POST with a raw body and content type, for malformed requests.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: String) -> Response {
        self.client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn send<B: Serialize + ?Sized>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&B>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.unwrap()
    }
}

/// Assert a problem+json error with this status and code, and return it.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Problem {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let header_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let problem: Problem = res.json().await.unwrap();
    assert_eq!(problem.code, code, "code in {problem:?}");
    assert_eq!(problem.status, status);
    assert_eq!(
        problem.request_id, header_id,
        "problem request_id matches the header"
    );
    problem
}

/// The fields named in a `validation_failed` problem.
pub fn fields(problem: &Problem) -> Vec<&str> {
    problem.errors.iter().map(|e| e.field.as_str()).collect()
}

/// A valid `case` JSON part.
pub fn case_json() -> serde_json::Value {
    serde_json::json!({
        "priority": "urgent", "patient_ref": "P-0042", "age": 54, "sex": "female",
        "body_site": "left forearm",
        "question": "Asymmetric pigmented lesion that grew in three months: melanoma?",
        "consent": true, "phototype": 2, "history": "father treated for melanoma",
    })
}
