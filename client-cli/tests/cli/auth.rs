use serde_json::json;

use crate::support::{credentials_path, problem, serve, telederm, FakeServer, Reply, Request};

const TOKEN: &str = "tok-secret-123";
const PASSWORD: &str = "correct horse ";

fn user() -> serde_json::Value {
    json!({
        "id": "7f0c3a52-3b1e-4f51-9a59-1f1d2b3c4d5e",
        "email": "gp13@demo.test",
        "display_name": "Dr GP",
        "role": "gp",
        "home_territory": "13",
        "territories": [],
        "rpps": null,
        "webhook_url": null,
        "disabled": false,
        "created_at": "2026-01-01T00:00:00Z"
    })
}

/// A server that accepts PASSWORD and then TOKEN, like the real one.
fn fake_api() -> FakeServer {
    serve(
        |req: &Request| match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/api/v1/auth/login") => {
                let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
                if body["password"] == PASSWORD {
                    Reply::json(
                        200,
                        json!({"access_token": TOKEN, "token_type": "Bearer",
                           "expires_at": "2030-01-01T00:00:00Z"}),
                    )
                } else {
                    problem(401, "unauthenticated", "wrong email or password")
                }
            }
            ("GET", "/api/v1/me")
                if req.authorization.as_deref() == Some("Bearer tok-secret-123") =>
            {
                Reply::json(200, user())
            }
            ("GET", "/api/v1/me") => problem(401, "unauthenticated", "the token has expired"),
            _ => problem(404, "not_found", "no such route"),
        },
    )
}

fn login(dir: &std::path::Path, server: &str, password: &str) -> crate::support::Run {
    let args = [
        "--server",
        server,
        "login",
        "--email",
        "gp13@demo.test",
        "--password-stdin",
    ];
    telederm(dir, &args, &format!("{password}\n"))
}

#[test]
fn login_whoami_logout() {
    let dir = tempfile::tempdir().unwrap();
    let api = fake_api();

    let run = login(dir.path(), &api.url, PASSWORD);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "Logged in as gp13@demo.test (gp) until 2030-01-01 01:00 +01:00\n"
    );
    assert_eq!(run.stdout, "");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(credentials_path(dir.path())).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    let run = telederm(
        dir.path(),
        &["--server", &api.url, "--output", "json", "whoami"],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(shown["email"], "gp13@demo.test");
    assert_eq!(shown["role"], "gp");

    let run = telederm(
        dir.path(),
        &["--server", &api.url, "--output", "table", "whoami"],
        "",
    );
    assert!(
        run.stdout.contains("\nrole            gp\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\nrpps            -\n"),
        "{}",
        run.stdout
    );

    let run = telederm(dir.path(), &["logout"], "");
    assert_eq!(run.code, 0);
    assert!(!credentials_path(dir.path()).exists());
    assert_eq!(
        telederm(dir.path(), &["--server", &api.url, "whoami"], "").code,
        1
    );
}

#[test]
fn wrong_password_fails_without_expiry_hint_or_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let api = fake_api();
    let run = login(dir.path(), &api.url, "wrong-password");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: wrong email or password (unauthenticated, request req-42)\n"
    );
    assert!(!credentials_path(dir.path()).exists());
}

#[test]
fn expired_token_gets_the_login_hint() {
    let dir = tempfile::tempdir().unwrap();
    let api = fake_api();
    assert_eq!(login(dir.path(), &api.url, PASSWORD).code, 0);
    // Swap the saved token for one the server rejects.
    let path = credentials_path(dir.path());
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(TOKEN, "tok-stale");
    std::fs::write(&path, text).unwrap();

    let run = telederm(dir.path(), &["--server", &api.url, "whoami"], "");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: the token has expired (unauthenticated, request req-42)\n\
         hint: your login has expired or was revoked; run `telederm login --email ...`\n"
    );
    assert!(!run.stderr.contains("tok-stale"));
}

#[test]
fn rate_limited_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let api = serve(|_: &Request| problem(429, "rate_limited", "too many attempts"));
    let run = login(dir.path(), &api.url, PASSWORD);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .ends_with("hint: too many failed attempts; wait and retry\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(PASSWORD.trim()));
}

#[test]
fn token_is_not_sent_to_another_server() {
    let dir = tempfile::tempdir().unwrap();
    let api = fake_api();
    assert_eq!(login(dir.path(), &api.url, PASSWORD).code, 0);
    let other = fake_api();

    let run = telederm(dir.path(), &["--server", &other.url, "whoami"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("error: not logged in; run"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains(&format!("hint: your saved login is for {}/", api.url)));
    assert!(other.requests.lock().unwrap().is_empty());
}

#[cfg(unix)]
#[test]
fn readable_credentials_file_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let api = fake_api();
    assert_eq!(login(dir.path(), &api.url, PASSWORD).code, 0);
    let path = credentials_path(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let run = telederm(dir.path(), &["--server", &api.url, "whoami"], "");
    assert_eq!(run.code, 0);
    assert!(run.stderr.starts_with("warning: "), "{}", run.stderr);
    assert!(run.stderr.contains("mode 644"), "{}", run.stderr);
}
