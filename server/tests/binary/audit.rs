//! `telederm-server audit verify` finds the first altered or missing sealed line of the chain;
//! `audit seal` seals the lines written while no server ran.

use std::path::Path;

use super::{create_user, server};

/// What someone with write access to the database file could do, triggers dropped first.
fn tamper(data_dir: &Path, sql: &str) {
    let url = format!("sqlite://{}", data_dir.join("telederm.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        conn.execute("DROP TRIGGER audit_log_no_update")
            .await
            .unwrap();
        conn.execute("DROP TRIGGER audit_log_no_delete")
            .await
            .unwrap();
        conn.execute(sql).await.unwrap();
    });
}

fn verify(data_dir: &Path) -> (bool, String) {
    let out = server(data_dir).args(["audit", "verify"]).output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

fn seal(data_dir: &Path) -> String {
    let out = server(data_dir).args(["audit", "seal"]).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Three operators' commands recorded, then sealed.
fn three_users_sealed(data_dir: &Path) {
    for n in 1..=3 {
        create_user(data_dir, &format!("admin{n}@example.fr"));
    }
    assert_eq!(seal(data_dir).trim(), "sealed 3 lines");
}

#[test]
fn audit_verify_reports_the_first_altered_or_missing_line() {
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=3 {
        create_user(dir.path(), &format!("admin{n}@example.fr"));
    }
    // Written by commands while no server ran: not sealed yet, not checked yet.
    let (ok, out) = verify(dir.path());
    assert!(ok, "{out}");
    assert!(out.starts_with("intact: 0 lines, head 000"), "{out}");
    assert!(out.trim_end().ends_with("; 3 awaiting their seal"), "{out}");
    assert_eq!(seal(dir.path()).trim(), "sealed 3 lines");
    let (ok, out) = verify(dir.path());
    assert!(ok && out.starts_with("intact: 3 lines, head "), "{out}");
    assert!(out.trim_end().ends_with("; 0 awaiting their seal"), "{out}");

    tamper(
        dir.path(),
        "UPDATE audit_log SET detail = '{\"role\":\"gp\"}' WHERE seq = 2",
    );
    let (ok, out) = verify(dir.path());
    assert!(!ok);
    assert_eq!(
        out.trim(),
        "BROKEN at line 2: its content does not match its hash (1 lines before it are intact)"
    );

    let dir = tempfile::tempdir().unwrap();
    three_users_sealed(dir.path());
    tamper(dir.path(), "DELETE FROM audit_log WHERE seq = 2");
    let (ok, out) = verify(dir.path());
    assert!(!ok);
    assert!(
        out.starts_with("BROKEN at line 2: line 2 is missing"),
        "{out}"
    );

    // Cutting the end off is caught by the head.
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=2 {
        create_user(dir.path(), &format!("admin{n}@example.fr"));
    }
    assert_eq!(seal(dir.path()).trim(), "sealed 2 lines");
    tamper(dir.path(), "DELETE FROM audit_log WHERE seq = 2");
    let (ok, out) = verify(dir.path());
    assert!(
        !ok && out.contains("the chain ends at line 1 but its head names line 2"),
        "{out}"
    );
}
