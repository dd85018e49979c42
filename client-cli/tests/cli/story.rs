//! The whole story through the real binary against a real server (the `tests` crate's
//! in-process server, on SQLite or PostgreSQL): a GP submits a JPEG carrying GPS, a
//! dermatologist claims it and asks for new photos, the GP replies with one, the dermatologist
//! answers, the GP records a biopsy, the coordinator's report counts the case and the audit
//! trail verifies. Outputs are compared with golden files, ids and times scrubbed
//! (`TELEDERM_BLESS=1` rewrites them).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use telederm_tests::{fixtures, spawn_app, TestApp, DEMO_PASSWORD};

use crate::support::{telederm, Run};

pub struct User {
    dir: tempfile::TempDir,
    server: String,
}

impl User {
    pub async fn login(app: &TestApp, email: &str) -> User {
        let user = User {
            dir: tempfile::tempdir().unwrap(),
            server: app.address.clone(),
        };
        let run = user
            .run(
                &["login", "--email", email, "--password-stdin"],
                &format!("{DEMO_PASSWORD}\n"),
            )
            .await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        user
    }

    /// The binary in a blocking thread, so the in-process server keeps serving.
    pub async fn run(&self, args: &[&str], stdin: &str) -> Run {
        let mut all: Vec<String> = vec!["--server".into(), self.server.clone()];
        all.extend(args.iter().map(|a| a.to_string()));
        let (dir, stdin) = (self.dir.path().to_path_buf(), stdin.to_owned());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = all.iter().map(String::as_str).collect();
            telederm(&dir, &args, &stdin)
        })
        .await
        .unwrap()
    }

    pub async fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args, "").await;
        assert_eq!(run.code, 0, "telederm {args:?}: {}", run.stderr);
        run.stdout
    }
}

/// Ids, times, hashes and durations vary from run to run; the rest must not.
fn scrub(text: &str) -> String {
    let rules = [
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<id>",
        ),
        (r"[0-9a-f]{64}", "<hash>"),
        (
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|\+00:00)?",
            "<time>",
        ),
        (r"\d{4}-\d{2}-\d{2}", "<date>"),
        (r"mk-\d{8}-[0-9a-f]{6}", "<key>"),
    ];
    let mut out = text.to_owned();
    for (pattern, with) in rules {
        out = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&out, with)
            .into_owned();
    }
    out
}

pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let actual = scrub(actual);
    if std::env::var("TELEDERM_BLESS").is_ok() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with TELEDERM_BLESS=1", path.display()));
    assert_eq!(actual, expected, "{name} differs from its golden file");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_from_submission_to_biopsy_through_the_cli() {
    let app = spawn_app().await;
    let gp = User::login(&app, "gp13@demo.test").await;
    let derm = User::login(&app, "derm1@demo.test").await;
    let coord = User::login(&app, "coord@demo.test").await;
    let files = tempfile::tempdir().unwrap();
    let arm = write(files.path(), "arm.jpg", &fixtures::lesion_gps_jpeg(1));
    let closer = write(
        files.path(),
        "closer.jpg",
        &fixtures::jpeg(&fixtures::lesion(640, 480)),
    );
    let (arm, closer) = (arm.to_str().unwrap(), closer.to_str().unwrap());

    let submitted = gp
        .ok(&[
            "case",
            "submit",
            "--priority",
            "urgent",
            "--site",
            "left forearm",
            "--age",
            "54",
            "--sex",
            "female",
            "--patient-ref",
            "P-0042",
            "--question",
            "Asymmetric lesion, grew in 3 months: melanoma?",
            "--consent",
            "--photo",
            &format!("overview:{arm}"),
            "--output",
            "table",
        ])
        .await;
    golden(
        "submit.txt",
        &submitted.replace(files.path().to_str().unwrap(), "<dir>"),
    );
    let listed = gp.ok(&["case", "list", "--output", "json"]).await;
    let cases: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let id = cases[0]["id"].as_str().unwrap().to_owned();

    golden("queue.txt", &derm.ok(&["queue", "--output", "table"]).await);
    let head: serde_json::Value = serde_json::from_str(
        &derm
            .ok(&["queue", "--limit", "1", "--output", "json"])
            .await,
    )
    .unwrap();
    assert_eq!(head.as_array().map(Vec::len), Some(1), "{head}");
    assert_eq!(derm.run(&["queue", "--limit", "201"], "").await.code, 2);
    golden(
        "queue-next.txt",
        &derm.ok(&["queue", "next", "--output", "table"]).await,
    );
    // The server's clock moves only when told: 90 minutes to the first response.
    app.advance(chrono::Duration::minutes(90));
    derm.ok(&[
        "case",
        "request-info",
        &id,
        "--message",
        "A closer photo, please.",
        "--new-photos",
    ])
    .await;
    let replied = gp
        .ok(&[
            "case",
            "reply",
            &id,
            "--message",
            "Here it is.",
            "--photo",
            &format!("closeup:{closer}"),
            "--output",
            "table",
        ])
        .await;
    golden("reply.txt", &replied);
    derm.ok(&[
        "case",
        "answer",
        &id,
        "--diagnosis",
        "Dysplastic naevus",
        "--management",
        "urgent_biopsy_or_excision",
        "--delay-days",
        "14",
        "--report",
        "Excision biopsy within two weeks.",
    ])
    .await;
    let photo_id = {
        let case: serde_json::Value =
            serde_json::from_str(&derm.ok(&["case", "show", &id, "--output", "json"]).await)
                .unwrap();
        case["photos"][0]["id"].as_str().unwrap().to_owned()
    };
    // An older file at that name, readable by all: the photo replaces it, for its owner only.
    let downloaded = write(files.path(), "downloaded.jpg", b"old");
    std::fs::set_permissions(&downloaded, std::fs::Permissions::from_mode(0o644)).unwrap();
    derm.ok(&[
        "photo",
        "get",
        &id,
        &photo_id,
        "-o",
        downloaded.to_str().unwrap(),
    ])
    .await;
    let mode = std::fs::metadata(&downloaded).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "a downloaded photo is private");
    let bytes = std::fs::read(&downloaded).unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "the photo itself");
    assert!(
        !bytes.windows(4).any(|w| w == b"GPS\0"),
        "the downloaded photo has no GPS block"
    );

    let today = app.now().date_naive().to_string();
    let shown = gp
        .ok(&[
            "case",
            "outcome",
            &id,
            "--biopsy-date",
            &today,
            "--histology",
            "Compound naevus",
            "--output",
            "table",
        ])
        .await;
    golden("outcome.txt", &shown);

    let from = (app.now() - chrono::Duration::days(1)).to_rfc3339();
    let to = (app.now() + chrono::Duration::days(1)).to_rfc3339();
    let csv = coord
        .ok(&[
            "report",
            "sla",
            "--territory",
            "13",
            "--from",
            &from,
            "--to",
            &to,
            "--by",
            "dermatologist",
            "--format",
            "csv",
        ])
        .await;
    golden("report.csv", &csv);
    // The trail names its actors.
    golden(
        "audit-list.txt",
        &coord
            .ok(&[
                "audit",
                "list",
                "--case",
                &id,
                "--action",
                "case.answered",
                "--output",
                "table",
            ])
            .await,
    );
    // Sealed in the background a moment after they are written; here, by hand.
    app.seal_audit().await;
    golden(
        "audit-verify.txt",
        &coord.ok(&["audit", "verify", "--output", "table"]).await,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_lists_as_many_cases_as_asked() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    for _ in 0..3 {
        let photos = [("overview", fixtures::jpeg(&fixtures::lesion(16, 16)))];
        let res = app
            .submit_case(&gp, &telederm_tests::case_json(), &photos)
            .await;
        assert_eq!(res.status(), 201);
    }
    let derm = User::login(&app, "derm1@demo.test").await;
    let listed = |out: String| {
        let items: serde_json::Value = serde_json::from_str(&out).unwrap();
        items.as_array().map(Vec::len)
    };
    assert_eq!(
        listed(derm.ok(&["queue", "--output", "json"]).await),
        Some(3)
    );
    assert_eq!(
        listed(
            derm.ok(&["queue", "--limit", "2", "--output", "json"])
                .await
        ),
        Some(2)
    );
    assert_eq!(derm.run(&["queue", "--limit", "201"], "").await.code, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_show_their_code_and_a_hint() {
    let app = spawn_app().await;
    let gp = User::login(&app, "gp13@demo.test").await;
    let run = gp.run(&["queue"], "").await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error: your role may not do this (forbidden, request "),
        "{}",
        run.stderr
    );
    let run = gp.run(&["case", "submit", "--priority", "soon"], "").await;
    assert_eq!(run.code, 2, "usage error");
    let run = gp
        .run(
            &[
                "case",
                "submit",
                "--priority",
                "urgent",
                "--site",
                "arm",
                "--age",
                "54",
                "--sex",
                "female",
                "--patient-ref",
                "P-1",
                "--question",
                "?",
                "--photo",
                "overview:/nonexistent.jpg",
            ],
            "",
        )
        .await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cannot read /nonexistent.jpg"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_submission_lists_every_invalid_field() {
    let app = spawn_app().await;
    let gp = User::login(&app, "gp13@demo.test").await;
    let files = tempfile::tempdir().unwrap();
    let photo = write(files.path(), "arm.jpg", &fixtures::lesion_gps_jpeg(1));
    let run = gp
        .run(
            &[
                "case",
                "submit",
                "--priority",
                "urgent",
                "--site",
                "arm",
                "--age",
                "150",
                "--sex",
                "female",
                "--patient-ref",
                "P-1",
                "--question",
                " ",
                "--photo",
                &format!("overview:{}", photo.display()),
            ],
            "",
        )
        .await;
    assert_eq!(run.code, 1);
    let first_line = "error: the request has invalid fields (validation_failed, request ";
    assert!(run.stderr.starts_with(first_line), "{}", run.stderr);
    assert!(
        run.stderr.ends_with(
            ")\n  question: must not be empty\n  age: must be between 0 and 130 years\n  \
             consent: the patient's consent is required\n"
        ),
        "{}",
        run.stderr
    );
}
