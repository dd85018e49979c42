//! The token signing key: none is built in; development keeps a generated one in an owner-only
//! file; production refuses to start without one, with a short one, or with keys in the data folder.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use super::{create_user, production, start, start_command, PASSWORD};

fn serve_output(mut cmd: std::process::Command) -> Output {
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap()
}

fn refused_with(out: &Output, expected: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started: {stderr}");
    for text in expected {
        assert!(stderr.contains(text), "no {text:?} in: {stderr}");
    }
}

fn keys_init(data: &Path, keys: &Path) {
    let out = production(data, keys)
        .args(["keys", "init"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn login(port: u16, email: &str) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let res = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json::<serde_json::Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    })
}

fn me_status(port: u16, token: &str) -> u16 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/api/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

#[test]
fn production_needs_a_signing_key_file_and_starts_with_both_keys_outside_the_data() {
    let data = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    keys_init(data.path(), keys.path());
    let key_file = keys.path().join("signing-key");

    let out = serve_output(production(data.path(), keys.path()));
    refused_with(
        &out,
        &[
            "signing key file",
            "does not exist",
            "keys signing-key --write",
        ],
    );
    assert!(!key_file.exists(), "production never makes one up");

    // The operator's step: it lands beside the master key file, owner-only, never replaced.
    let mut write = production(data.path(), keys.path());
    write.args(["keys", "signing-key", "--write"]);
    let out = write.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&key_file), 0o600);
    let written = std::fs::read(&key_file).unwrap();
    let mut again = production(data.path(), keys.path());
    let out = again
        .args(["keys", "signing-key", "--write"])
        .output()
        .unwrap();
    refused_with(&out, &["already exists"]);
    assert_eq!(std::fs::read(&key_file).unwrap(), written);

    create_user(data.path(), "chief@example.fr");
    let mut serve = production(data.path(), keys.path());
    serve.args(["serve", "--bind", "127.0.0.1:0"]);
    let running = start_command(serve);
    let token = login(running.port, "chief@example.fr");
    assert_eq!(me_status(running.port, &token), 200);
    running.stop();
}

#[test]
fn production_refuses_a_short_signing_key() {
    let data = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    keys_init(data.path(), keys.path());
    // 31 bytes, in a file made owner-only like a real one.
    let key_file = keys.path().join("signing-key");
    std::fs::write(&key_file, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n").unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = serve_output(production(data.path(), keys.path()));
    refused_with(&out, &["signing key file", "at least 32 bytes"]);

    // Inline, too.
    std::fs::remove_file(&key_file).unwrap();
    let mut inline = production(data.path(), keys.path());
    inline.env("TELEDERM__AUTH__SIGNING_KEY", "c2hvcnQ=");
    refused_with(
        &serve_output(inline),
        &["auth.signing_key", "at least 32 bytes"],
    );
}

#[test]
fn production_refuses_keys_inside_the_data_folder() {
    let data = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();

    // The master key file in the data folder (its default place), the signing key outside.
    let mut master_inside = production(data.path(), keys.path());
    master_inside
        .env(
            "TELEDERM__STORAGE__KEY_FILE",
            data.path().join("master-keys.json"),
        )
        .env(
            "TELEDERM__AUTH__SIGNING_KEY_FILE",
            keys.path().join("signing-key"),
        );
    refused_with(
        &serve_output(master_inside),
        &["master key file", "inside the data folder", "/etc/telederm"],
    );

    // The signing key file in it, reached through `..` so that only a resolved path shows it.
    keys_init(data.path(), keys.path());
    let sneaky = keys
        .path()
        .join("..")
        .join(data.path().file_name().unwrap())
        .join("signing-key");
    let mut signing_inside = production(data.path(), keys.path());
    signing_inside.env("TELEDERM__AUTH__SIGNING_KEY_FILE", &sneaky);
    refused_with(
        &serve_output(signing_inside),
        &["signing key file", "inside the data folder", "credential"],
    );
    assert!(!data.path().join("signing-key").exists());
    assert!(
        !data.path().join("telederm.db").exists(),
        "refused before touching the data"
    );
}

#[test]
fn development_makes_a_private_signing_key_file_once_and_tokens_outlive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let key_file = data.path().join("signing-key");
    create_user(data.path(), "chief@example.fr");
    assert!(!key_file.exists());

    let running = start(data.path());
    assert_eq!(mode(&key_file), 0o600);
    let key = std::fs::read(&key_file).unwrap();
    let token = login(running.port, "chief@example.fr");
    assert_eq!(me_status(running.port, &token), 200);
    let log = running.stop();
    assert!(log.contains("created a token signing key file"), "{log}");
    let key_text = String::from_utf8(key.clone()).unwrap();
    assert!(!log.contains(key_text.trim()), "the key reached the log");

    let running = start(data.path());
    assert_eq!(
        me_status(running.port, &token),
        200,
        "the same key after a restart"
    );
    running.stop();
    assert_eq!(std::fs::read(&key_file).unwrap(), key);
}

#[test]
fn keys_signing_key_prints_a_fresh_32_byte_key_each_time() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let print = || {
        let out = super::server(dir.path())
            .args(["keys", "signing-key"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .unwrap()
    };
    let (a, b) = (print(), print());
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
}
