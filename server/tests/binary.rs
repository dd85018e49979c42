//! The `telederm-server` binary as an operator runs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// Beside this file, out of `tests/`' top level where Cargo would build each as its own binary.
#[path = "binary/audit.rs"]
mod audit;
#[path = "binary/backup.rs"]
mod backup;
#[path = "binary/cluster.rs"]
mod cluster;
#[path = "binary/credentials.rs"]
mod credentials;
#[path = "binary/instances.rs"]
mod instances;
#[path = "binary/purge.rs"]
mod purge;
#[path = "binary/shutdown.rs"]
mod shutdown;
#[path = "binary/signing_keys.rs"]
mod signing_keys;
#[path = "binary/source_constants.rs"]
mod source_constants;

use std::{
    io::{BufRead, BufReader, Write},
    path::Path,
    process::{Child, Command, Output, Stdio},
    sync::mpsc,
    time::Duration,
};

const BIN: &str = env!("CARGO_BIN_EXE_telederm-server");
const PASSWORD: &str = "operator-chosen-password";

fn server(data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(data_dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("TELEDERM") {
            cmd.env_remove(key);
        }
    }
    cmd.env("RUST_LOG", "debug");
    cmd
}

fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A running server and every line it logged so far.
struct Running {
    child: Child,
    port: u16,
    /// Lines logged up to the one with the port.
    startup: Vec<String>,
    lines: mpsc::Receiver<String>,
}

fn start(data_dir: &Path) -> Running {
    let mut cmd = server(data_dir);
    cmd.args(["serve", "--bind", "127.0.0.1:0"]);
    start_command(cmd)
}

/// Runs `cmd` (a `serve`) until it logs its port.
fn start_command(mut cmd: Command) -> Running {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The log line that announces the bound port (a bounded wait for start-up, not a sleep).
    let mut startup = Vec::new();
    let port = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server start");
        let port = listening_port(&line);
        startup.push(line);
        if let Some(port) = port {
            break port;
        }
    };
    Running {
        child,
        port,
        startup,
        lines: rx,
    }
}

/// The port of the "listening" log line, in the development (text) or production (JSON) format.
fn listening_port(line: &str) -> Option<u16> {
    if let Some(rest) = line.split(" listening port=").nth(1) {
        return rest.split_whitespace().next()?.parse().ok();
    }
    let json: serde_json::Value = serde_json::from_str(line).ok()?;
    if json["message"] != "listening" {
        return None;
    }
    json["port"].as_u64()?.try_into().ok()
}

impl Running {
    /// SIGTERM, then the whole log; panics unless the process exits cleanly.
    fn stop(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "graceful shutdown exits 0, got {exit:?}");
        let mut log = std::mem::take(&mut self.startup);
        log.extend(self.lines.try_iter());
        log.join("\n")
    }
}

/// A server its test did not stop (a failed assertion, or instances left to the end of a test)
/// is killed with it, not left running after the suite: killing one already stopped is a no-op.
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `server(data_dir)` in production, with its master key file in `keys_dir` (outside the data).
fn production(data_dir: &Path, keys_dir: &Path) -> Command {
    let mut cmd = server(data_dir);
    cmd.env("TELEDERM__ENVIRONMENT", "production")
        .env(
            "TELEDERM__STORAGE__KEY_FILE",
            keys_dir.join("master-keys.json"),
        )
        .env(
            "TELEDERM__NOTIFICATIONS__PUBLIC_URL",
            "https://telederm.example.fr",
        );
    cmd
}

#[test]
fn production_refuses_development_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let out = server(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("TELEDERM__ENVIRONMENT", "production")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("master key file") && stderr.contains("inside the data folder"),
        "{stderr}"
    );

    let keys = tempfile::tempdir().unwrap();
    let out = production(dir.path(), keys.path())
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env(
            "TELEDERM__AUTH__SIGNING_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo mode is refused in production"));
}

#[test]
fn production_refuses_to_start_without_a_master_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("master-keys.json");
    let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let out = production(dir.path(), keys.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("TELEDERM__AUTH__SIGNING_KEY", key)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("master key file") && stderr.contains("keys init"),
        "{stderr}"
    );
    assert!(!key_file.exists());

    // `keys init` creates it owner-only; a second init refuses to replace it.
    let out = production(dir.path(), keys.path())
        .args(["keys", "init"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let out = production(dir.path(), keys.path())
        .args(["keys", "init"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn a_short_signing_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = server(dir.path())
        .arg("migrate")
        .env("TELEDERM__AUTH__SIGNING_KEY", "c2hvcnQ=")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 32 bytes"));
}

#[test]
fn migrate_creates_a_private_data_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = server(&data).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("telederm.db")), 0o600);
}

#[test]
fn the_first_admin_is_created_from_the_shell_and_no_secret_reaches_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut create = server(dir.path());
    create.args([
        "admin",
        "create-user",
        "--email",
        "chief@example.fr",
        "--name",
        "Chief",
        "--role",
        "admin",
        "--password-stdin",
    ]);
    let out = run_with_stdin(create, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap();
    assert!(uuid::Uuid::parse_str(id.trim()).is_ok());

    // A second one with the same email is refused, with the reason.
    let mut again = server(dir.path());
    again.args([
        "admin",
        "create-user",
        "--email",
        "CHIEF@example.fr",
        "--name",
        "Chief",
        "--role",
        "admin",
        "--password-stdin",
    ]);
    let out = run_with_stdin(again, &format!("{PASSWORD}\n"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    let running = start(dir.path());
    let base = format!("http://127.0.0.1:{}", running.port);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (token, webhook_secret) = rt.block_on(async {
        let client = reqwest::Client::new();
        let bad = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": "chief@example.fr", "password": "wrong-guess-123"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 401);
        let res = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": "chief@example.fr", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let token = res.json::<serde_json::Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let me = client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        let hooked = client
            .post(format!("{base}/api/v1/users"))
            .bearer_auth(&token)
            .json(
                &serde_json::json!({"email": "hook@example.fr", "display_name": "Hook",
                  "role": "dermatologist", "password": PASSWORD,
                  "webhook_url": "https://93.184.215.14/hook"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(hooked.status(), 201);
        let webhook_secret = hooked.json::<serde_json::Value>().await.unwrap()["webhook_secret"]
            .as_str()
            .unwrap()
            .to_owned();
        (token, webhook_secret)
    });
    let log = running.stop();
    assert!(log.contains("request completed"), "the log is captured");
    for secret in [
        PASSWORD,
        "wrong-guess-123",
        token.as_str(),
        "$argon2",
        webhook_secret.as_str(),
    ] {
        assert!(!log.contains(secret), "the log holds a secret: {secret}");
    }
    // Signature part of the token alone, in case it were logged split.
    let signature = token.rsplit('.').next().unwrap();
    assert!(!log.contains(signature));
}

#[test]
fn an_operator_creates_a_user_with_a_webhook_and_gets_its_secret_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut create = server(dir.path());
    create.args([
        "admin",
        "create-user",
        "--email",
        "hook@example.fr",
        "--name",
        "Hook",
        "--role",
        "dermatologist",
        "--webhook-url",
        "https://93.184.215.14/hook",
        "--password-stdin",
    ]);
    let out = run_with_stdin(create, &format!("{PASSWORD}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(uuid::Uuid::parse_str(lines[0]).is_ok(), "{stdout}");
    assert!(lines[1].starts_with("whsec_"), "{stdout}");
    assert!(!stderr.contains(lines[1]), "the secret reached the log");

    // An address inside the network is refused, with the reason.
    let mut inside = server(dir.path());
    inside.args([
        "admin",
        "create-user",
        "--email",
        "inside@example.fr",
        "--name",
        "Inside",
        "--role",
        "dermatologist",
        "--webhook-url",
        "http://169.254.169.254/latest/meta-data/",
        "--password-stdin",
    ]);
    let out = run_with_stdin(inside, &format!("{PASSWORD}\n"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("webhook_url: must point to a public address"));
}

fn create_user(data_dir: &Path, email: &str) {
    let mut create = server(data_dir);
    create.args([
        "admin",
        "create-user",
        "--email",
        email,
        "--name",
        "Someone",
        "--role",
        "admin",
        "--password-stdin",
    ]);
    let out = run_with_stdin(create, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
