//! `telederm-server cases purge` erases closed cases past their retention period (or closed
//! before a date): their blobs leave the store, the audit chain still verifies. On PostgreSQL
//! when `TELEDERM_TEST_DATABASE_URL` names a server, like `backup`.

use std::process::Command;

use super::backup::{every_state, fresh_database, operator, run_ok, start_demo, Api};

fn purge(cmd: Command, args: &[&str]) -> (i32, String, String) {
    let mut cmd = cmd;
    cmd.args(["cases", "purge"]).args(args);
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The cases with photos in the local store (an emptied folder waits for the tidy-up).
fn stored_cases(data: &std::path::Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(data.join("blobs/photos"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|dir| std::fs::read_dir(dir).unwrap().next().is_some())
        .map(|dir| dir.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn an_operator_purges_closed_cases_from_the_shell() {
    let root = tempfile::tempdir().unwrap();
    let (data, keys) = (root.path().join("data"), root.path().join("keys"));
    std::fs::create_dir(&keys).unwrap();
    let db = fresh_database();
    let cmd = || operator(&data, &keys, db.as_deref());
    let running = start_demo(cmd());
    let api = Api {
        base: format!("http://127.0.0.1:{}", running.port),
        client: reqwest::Client::new(),
    };
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(every_state(&api));
    running.stop();
    let before = stored_cases(&data);

    let (code, _, stderr) = purge(cmd(), &["--closed-before", "last week"]);
    assert_eq!(code, 2, "a usage error");
    assert!(
        stderr.contains("neither YYYY-MM-DD nor an RFC 3339 time"),
        "{stderr}"
    );

    // Closed minutes ago: well within the 10 years.
    let (code, stdout, stderr) = purge(cmd(), &[]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert!(stderr.contains("erased 0 closed cases"), "{stderr}");

    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let (code, stdout, stderr) = purge(cmd(), &["--closed-before", &tomorrow]);
    assert_eq!(code, 0, "{stderr}");
    let erased: Vec<&str> = stdout.lines().collect();
    assert_eq!(erased.len(), 1, "the one closed case: {stdout}");
    assert!(stderr.contains("erased 1 closed cases"), "{stderr}");
    let after = stored_cases(&data);
    assert!(before.iter().any(|c| c == erased[0]));
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.iter().any(|c| c == erased[0]), "its blobs are gone");

    let mut seal = cmd();
    seal.args(["audit", "seal"]);
    run_ok(seal);
    let mut verify = cmd();
    verify.args(["audit", "verify"]);
    assert!(run_ok(verify).starts_with("intact: "));
}
