//! `backup` of a running server with cases in every state, a wiped data folder, `restore`, and
//! the server started again: every case and photo opens with the same bytes, through the API,
//! with the key files that were kept apart; the audit chain verifies. On PostgreSQL when
//! `TELEDERM_TEST_DATABASE_URL` names a server (`ops/test.sh` does), else on SQLite.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    os::unix::fs::PermissionsExt,
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use serde_json::{json, Value};

use super::{server, Running};

/// A fresh PostgreSQL database on the test server, or `None` for SQLite.
pub(super) fn fresh_database() -> Option<String> {
    let admin = std::env::var("TELEDERM_TEST_DATABASE_URL").ok()?;
    let name = format!("telederm_backup_{}", uuid::Uuid::new_v4().simple());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .unwrap();
    });
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    Some(url.to_string())
}

/// The operator's setup: data in `data`, key files in `keys` (apart), the database at `db`.
pub(super) fn operator(data: &Path, keys: &Path, db: Option<&str>) -> Command {
    let mut cmd = server(data);
    cmd.env("TELEDERM__STORAGE__KEY_FILE", keys.join("master-keys.json"));
    if let Some(url) = db {
        cmd.env("TELEDERM__DATABASE__URL", url);
    }
    cmd
}

/// `serve --demo` until its demo cases are seeded (the banner comes after them).
pub(super) fn start_demo(mut cmd: Command) -> Running {
    cmd.args(["serve", "--demo", "--bind", "127.0.0.1:0"]);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let (tx, banner) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let port = loop {
        let line = banner
            .recv_timeout(Duration::from_secs(120))
            .expect("demo banner");
        if let Some(url) = line.strip_prefix("telederm demo at http://127.0.0.1:") {
            break url.trim().parse().unwrap();
        }
    };
    Running {
        child,
        port,
        startup: Vec::new(),
        lines,
    }
}

pub(super) fn run_ok(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    format!("{}{stderr}", String::from_utf8_lossy(&out.stdout))
}

fn run_refused(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert!(!out.status.success(), "should have been refused");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub(super) struct Api {
    pub(super) base: String,
    pub(super) client: reqwest::Client,
}

impl Api {
    async fn login(&self, who: &str) -> String {
        let res = self
            .client
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({"email": format!("{who}@demo.test"), "password": "demo-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        let res = self
            .client
            .get(format!("{}/api/v1{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "GET {path}");
        res
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> Value {
        let res = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "POST {path}: {}", res.status());
        res.json().await.unwrap()
    }

    /// Every case of the demo GPs as each reads it, and every photo's bytes.
    async fn everything(&self) -> BTreeMap<String, Value> {
        let mut seen = BTreeMap::new();
        for gp in ["gp13", "gp84"] {
            let token = self.login(gp).await;
            let list: Value = self.get(&token, "/cases").await.json().await.unwrap();
            for summary in list.as_array().unwrap() {
                let id = summary["id"].as_str().unwrap();
                let case: Value = self
                    .get(&token, &format!("/cases/{id}"))
                    .await
                    .json()
                    .await
                    .unwrap();
                for photo in case["photos"].as_array().unwrap() {
                    let pid = photo["id"].as_str().unwrap();
                    let bytes = self
                        .get(&token, &format!("/cases/{id}/photos/{pid}"))
                        .await
                        .bytes()
                        .await
                        .unwrap();
                    seen.insert(format!("photo {pid}"), json!(hex::encode(bytes)));
                }
                seen.insert(format!("case {id}"), case);
            }
        }
        seen
    }
}

/// One case answered and closed with its outcome, one more answered: with the demo's queued,
/// claimed and waiting cases, every state.
pub(super) async fn every_state(api: &Api) {
    let gp = api.login("gp13").await;
    let derm = api.login("derm1").await;
    let cases: Value = api.get(&gp, "/cases").await.json().await.unwrap();
    let answered = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "answered")
        .expect("the demo has an answered case")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = chrono::Utc::now().date_naive().to_string();
    api.post(
        &gp,
        &format!("/cases/{answered}/outcome"),
        json!({"biopsy_date": today, "histology_result": "naevus", "histology_date": today}),
    )
    .await;
    api.post(
        &gp,
        &format!("/cases/{answered}/close"),
        json!({"rating": 5}),
    )
    .await;
    let claimed = api.post(&derm, "/queue/claim-next", json!({})).await;
    let id = claimed["id"].as_str().unwrap();
    api.post(
        &derm,
        &format!("/cases/{id}/answer"),
        json!({"diagnosis": "Seborrhoeic keratosis", "management": "reassure", "report": "Benign."}),
    )
    .await;
    let statuses: Vec<String> = api
        .get(&gp, "/cases")
        .await
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap().to_owned())
        .collect();
    for status in ["queued", "claimed", "info_requested", "answered", "closed"] {
        assert!(
            statuses.iter().any(|s| s == status),
            "{status} in {statuses:?}"
        );
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file under `dir`, with its mode.
fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_eq!(mode(&path), 0o700, "{}", path.display());
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn a_running_server_is_backed_up_wiped_restored_and_every_case_and_photo_opens() {
    backed_up_wiped_and_restored(None);
}

/// The same with the photos in a bucket: the backup lists them (copied: false), the wipe leaves
/// the bucket as it is (the provider keeps it), and restore checks that it still holds them.
#[test]
fn a_server_on_s3_is_restored_against_its_bucket() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(bucket) = rt.block_on(telederm_tests::s3::Bucket::create()) else {
        return;
    };
    backed_up_wiped_and_restored(Some(&bucket));
}

/// The operator's command, on `bucket` when given.
fn with_store(mut cmd: Command, bucket: Option<&telederm_tests::s3::Bucket>) -> Command {
    if let Some(bucket) = bucket {
        cmd.env("TELEDERM__STORAGE__KIND", "s3")
            .env("TELEDERM__STORAGE__S3__ENDPOINT", &bucket.endpoint)
            .env("TELEDERM__STORAGE__S3__REGION", "us-east-1")
            .env("TELEDERM__STORAGE__S3__BUCKET", &bucket.name)
            .env("TELEDERM__STORAGE__S3__PATH_STYLE", "true")
            .env("TELEDERM__STORAGE__S3__ALLOW_HTTP", "true")
            .env("TELEDERM__STORAGE__S3__ACCESS_KEY_ID", "backup-test-key-id")
            .env(
                "TELEDERM__STORAGE__S3__SECRET_ACCESS_KEY",
                "backup-test-secret",
            );
    }
    cmd
}

fn backed_up_wiped_and_restored(bucket: Option<&telederm_tests::s3::Bucket>) {
    let root = tempfile::tempdir().unwrap();
    let (data, keys, backups) = (
        root.path().join("data"),
        root.path().join("keys"),
        root.path().join("backups"),
    );
    std::fs::create_dir(&keys).unwrap();
    let db = fresh_database();
    let cmd = || with_store(operator(&data, &keys, db.as_deref()), bucket);

    let running = start_demo(cmd());
    let api = Api {
        base: format!("http://127.0.0.1:{}", running.port),
        client: reqwest::Client::new(),
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(every_state(&api));
    let before = rt.block_on(api.everything());
    assert!(before.keys().filter(|k| k.starts_with("photo")).count() >= 6);

    // Never beside the data or the keys.
    for inside in [data.join("backup"), keys.join("backup")] {
        let mut backup = cmd();
        backup.arg("backup").arg("--to").arg(&inside);
        assert!(run_refused(backup).contains("refusing to back up into"));
    }
    // While it runs.
    let to = backups.join("monday");
    let mut backup = cmd();
    backup.arg("backup").arg("--to").arg(&to);
    let said = run_ok(backup);
    assert!(said.contains("the key files are not in it"), "{said}");
    rt.block_on(api.get(&rt.block_on(api.login("gp13")), "/cases"));
    running.stop();

    assert_eq!(mode(&to), 0o700);
    let mut files = Vec::new();
    walk(&to, &mut files);
    let master = std::fs::read_to_string(keys.join("master-keys.json")).unwrap();
    let master: Value = serde_json::from_str(&master).unwrap();
    let key_material = master.to_string();
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(!name.contains("key"), "a key file in the backup: {name}");
        let bytes = std::fs::read(file).unwrap();
        for secret in key_material.split('"').filter(|s| s.len() >= 40) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "key material in {}",
                file.display()
            );
        }
    }
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(to.join("manifest.json")).unwrap()).unwrap();
    let photos_before = before.keys().filter(|k| k.starts_with("photo")).count();
    assert_eq!(manifest["blobs"].as_array().unwrap().len(), photos_before);
    assert_eq!(manifest["store"]["blobs_copied"], bucket.is_none());
    assert!(manifest["database"]["migration_version"].as_i64().unwrap() >= 14);

    // Restore refuses a folder or database that is not empty.
    let mut restore = cmd();
    restore.arg("restore").arg("--from").arg(&to);
    assert!(run_refused(restore).contains("refusing to restore"));

    // The operator wipes the data (a new, empty database on PostgreSQL); the keys stay apart.
    std::fs::remove_dir_all(&data).unwrap();
    let db = db.map(|_| fresh_database().unwrap());
    let cmd = || with_store(operator(&data, &keys, db.as_deref()), bucket);
    let mut restore = cmd();
    restore.arg("restore").arg("--from").arg(&to);
    let said = run_ok(restore);
    assert!(
        said.contains(&format!("all {photos_before} present with their hashes")),
        "{said}"
    );

    let mut serve = cmd();
    serve.args(["serve", "--bind", "127.0.0.1:0"]);
    let running = super::start_command(serve);
    let api = Api {
        base: format!("http://127.0.0.1:{}", running.port),
        client: reqwest::Client::new(),
    };
    let after = rt.block_on(api.everything());
    assert_eq!(before.len(), after.len());
    for (what, value) in &before {
        assert_eq!(Some(value), after.get(what), "{what} changed");
    }
    running.stop();
    let mut verify = cmd();
    verify.args(["audit", "verify"]);
    let said = run_ok(verify);
    assert!(said.starts_with("intact: "), "{said}");
}
