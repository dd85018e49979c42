use crate::support::{closed_port_url, telederm};

#[test]
fn bad_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(telederm(dir.path(), &[], "").code, 2);
    let run = telederm(
        dir.path(),
        &["login", "--email", "a@b.test", "--password", "x"],
        "",
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        telederm(dir.path(), &["--server", "ftp://x", "whoami"], "").code,
        2
    );
    assert_eq!(
        telederm(dir.path(), &["--output", "yaml", "whoami"], "").code,
        2
    );
}

#[test]
fn help_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let run = telederm(dir.path(), &["--help"], "");
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("whoami"), "{}", run.stdout);
}

#[test]
fn whoami_without_login_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let run = telederm(dir.path(), &["whoami"], "");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: not logged in; run `telederm login --email ...`\n"
    );
}

#[test]
fn unreachable_server_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let url = closed_port_url();
    let run = telederm(
        dir.path(),
        &[
            "--server",
            &url,
            "login",
            "--email",
            "a@b.test",
            "--password-stdin",
        ],
        "pw\n",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "hint: is the server running at {url}? set --server or TELEDERM_SERVER"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn server_from_config_file_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let url = closed_port_url();
    std::fs::write(
        dir.path().join("config.toml"),
        format!("server = \"{url}\"\n"),
    )
    .unwrap();
    let run = telederm(
        dir.path(),
        &["login", "--email", "a@b.test", "--password-stdin"],
        "pw\n",
    );
    assert!(
        run.stderr.contains(&format!("running at {url}?")),
        "{}",
        run.stderr
    );
}
