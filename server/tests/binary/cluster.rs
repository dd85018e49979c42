//! Several `telederm-server` processes as a deployment behind a load balancer runs them: one
//! PostgreSQL database, one S3 bucket (the test S3 server), one SMTP relay (the test sink), the
//! same key files, each process with a data folder of its own. Settings go in the environment,
//! as an operator's unit file would set them.
//!
//! PostgreSQL is the test script's cluster (`TELEDERM_TEST_DATABASE_URL`, set in its PostgreSQL
//! phase): without it these tests skip, unless `TELEDERM_REQUIRE_POSTGRES=1` outside the
//! script's SQLite phase, where they fail.

use std::process::Command;

use secrecy::ExposeSecret;
use sqlx::PgPool;
use telederm_tests::{
    s3::Bucket,
    smtp::{Behaviour, SmtpSink},
};

use super::{server, start_command, Running};

/// The signing key every instance shares (tokens minted by one are good on the others).
const SIGNING_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// The bucket's credentials, looked for in the logs (they must never be there).
pub const ACCESS_KEY_ID: &str = "cluster-key-id-7f3a";
pub const SECRET_ACCESS_KEY: &str = "cluster-secret-9c1e-never-logged";

pub struct Cluster {
    pub database_url: String,
    pub bucket: Bucket,
    pub sink: SmtpSink,
    keys: tempfile::TempDir,
    data_dirs: Vec<tempfile::TempDir>,
}

/// One running instance and a client for its API.
pub struct Instance {
    pub running: Running,
    pub api: Api,
}

impl Cluster {
    /// A fresh database, bucket and relay; `None`: skip the test (one of them is not here).
    pub async fn new() -> Option<Cluster> {
        if std::env::var(telederm_tests::db::TEST_DATABASE_URL).is_err() {
            let in_sqlite_phase = std::env::var("TELEDERM_TEST_PHASE").is_ok_and(|p| p == "sqlite");
            let required = std::env::var("TELEDERM_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
            assert!(
                !required || in_sqlite_phase,
                "TELEDERM_REQUIRE_POSTGRES=1 but TELEDERM_TEST_DATABASE_URL is not set: the \
                 several-instances tests need PostgreSQL (ops/test.sh runs them in its PostgreSQL phase)"
            );
            eprintln!("SKIPPED (several-instances test): no TELEDERM_TEST_DATABASE_URL; ops/test.sh runs it in its PostgreSQL phase");
            return None;
        }
        let database_url = telederm_tests::db::fresh_database_url().await?;
        let bucket = Bucket::create().await?;
        let sink = SmtpSink::start(Behaviour::default())?;
        Some(Cluster {
            database_url: database_url.expose_secret().to_owned(),
            bucket,
            sink,
            keys: tempfile::tempdir().unwrap(),
            data_dirs: Vec::new(),
        })
    }

    /// Start one more instance and wait until it listens; the first one (`demo`) seeds the
    /// demo territories, users and rota, and makes the master key file the others read.
    pub fn start(&mut self, demo: bool) -> Instance {
        let data_dir = tempfile::tempdir().unwrap();
        let mut cmd = self.command(data_dir.path());
        cmd.arg("serve");
        if demo {
            cmd.arg("--demo");
        }
        cmd.args(["--bind", "127.0.0.1:0"]);
        self.data_dirs.push(data_dir);
        let running = start_command(cmd);
        let api = Api::new(running.port);
        Instance { running, api }
    }

    fn command(&self, data_dir: &std::path::Path) -> Command {
        let mut cmd = server(data_dir);
        let smtp_port = self.sink.port().to_string();
        for (key, value) in [
            ("DATABASE__URL", self.database_url.as_str()),
            ("AUTH__SIGNING_KEY", SIGNING_KEY),
            ("STORAGE__KIND", "s3"),
            ("STORAGE__S3__ENDPOINT", &self.bucket.endpoint),
            ("STORAGE__S3__REGION", "us-east-1"),
            ("STORAGE__S3__BUCKET", &self.bucket.name),
            ("STORAGE__S3__PATH_STYLE", "true"),
            ("STORAGE__S3__ALLOW_HTTP", "true"),
            ("STORAGE__S3__ACCESS_KEY_ID", ACCESS_KEY_ID),
            ("STORAGE__S3__SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
            // Every instance runs every worker, often.
            ("SLA__CHECK_SECS", "1"),
            ("NOTIFICATIONS__POLL_SECS", "1"),
            ("NOTIFICATIONS__PUBLIC_URL", "http://telederm.test"),
            ("NOTIFICATIONS__SMTP__HOST", "127.0.0.1"),
            ("NOTIFICATIONS__SMTP__PORT", &smtp_port),
            ("NOTIFICATIONS__SMTP__TLS", "none"),
            (
                "NOTIFICATIONS__SMTP__SENDER",
                "telederm <ne-pas-repondre@telederm.test>",
            ),
        ] {
            cmd.env(format!("TELEDERM__{key}"), value);
        }
        cmd.env(
            "TELEDERM__STORAGE__KEY_FILE",
            self.keys.path().join("master-keys.json"),
        );
        cmd
    }

    pub async fn db(&self) -> PgPool {
        PgPool::connect(&self.database_url).await.unwrap()
    }
}

impl Instance {
    /// SIGKILL: no graceful shutdown, in-flight requests cut wherever they are.
    pub fn kill(mut self) {
        self.running.child.kill().unwrap();
        self.running.child.wait().unwrap();
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        let mut log = self.running.startup.clone();
        log.extend(self.running.lines.try_iter());
        log.join("\n")
    }
}

#[derive(Clone)]
pub struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    fn new(port: u16) -> Api {
        Api {
            base: format!("http://127.0.0.1:{port}/api/v1"),
            client: reqwest::Client::new(),
        }
    }

    pub async fn token(&self, demo_user: &str) -> String {
        let body = serde_json::json!({
            "email": format!("{demo_user}@demo.test"),
            "password": telederm_server::demo::PASSWORD,
        });
        let res = self.post("/auth/login", None, &body).await;
        assert_eq!(res.status(), 200, "login of {demo_user}");
        let token: telederm_schemas::TokenResponse = res.json().await.unwrap();
        token.access_token
    }

    /// `POST /cases` with the test case and these photos; an error when the connection broke.
    pub async fn submit(
        &self,
        token: &str,
        case: &serde_json::Value,
        photos: &[Vec<u8>],
    ) -> reqwest::Result<reqwest::Response> {
        let json = reqwest::multipart::Part::text(case.to_string())
            .mime_str("application/json")
            .unwrap();
        let mut form = reqwest::multipart::Form::new().part("case", json);
        for (i, bytes) in photos.iter().enumerate() {
            let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(format!("{i}.jpg"));
            form = form.part("overview", part);
        }
        self.client
            .post(format!("{}/cases", self.base))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.unwrap()
    }
}

/// Wait for `condition` to hold, looking every 100 ms, failing after `deadline`.
pub async fn until<F, Fut>(what: &str, deadline: std::time::Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = tokio::time::Instant::now() + deadline;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < end,
            "{what}: not within {deadline:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
