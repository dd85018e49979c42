//! Keys given to the service as systemd credentials (`LoadCredential=`): newer systemd grants
//! the service read access by a POSIX ACL, which `stat` shows as mode 0440. Production accepts
//! them in `$CREDENTIALS_DIRECTORY` only.

use std::{fs, os::unix::fs::PermissionsExt, path::Path};

use super::{production, start_command};

fn run_ok(mut cmd: std::process::Command, args: &[&str]) {
    let out = cmd.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn production_reads_0440_keys_in_the_credentials_directory_only() {
    let data = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let credentials = root.path().join("credentials");
    fs::create_dir(&credentials).unwrap();
    run_ok(production(data.path(), &credentials), &["keys", "init"]);
    run_ok(
        production(data.path(), &credentials),
        &["keys", "signing-key", "--write"],
    );
    // As systemd leaves them when it grants access by an ACL (the mask shows as group bits).
    chmod(&credentials.join("master-keys.json"), 0o440);
    chmod(&credentials.join("signing-key"), 0o440);
    chmod(&credentials, 0o550);

    let out = production(data.path(), &credentials)
        .env_remove("CREDENTIALS_DIRECTORY")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has mode 0440, wider than 0600"),
        "{stderr}"
    );

    let mut serve = production(data.path(), &credentials);
    serve
        .env("CREDENTIALS_DIRECTORY", &credentials)
        .args(["serve", "--bind", "127.0.0.1:0"]);
    start_command(serve).stop();
    chmod(&credentials, 0o700);
}
