//! Coordinators' and admins' commands against the real server, compared with golden files.

use telederm_tests::spawn_app;

use crate::story::{golden, User};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinators_and_admins_do_their_work_from_the_terminal() {
    let app = spawn_app().await;
    let admin = User::login(&app, "admin@demo.test").await;
    let coord = User::login(&app, "coord@demo.test").await;

    let run = admin
        .run(
            &[
                "users",
                "add",
                "--email",
                "derm3@demo.test",
                "--name",
                "Dr Nina Roche",
                "--role",
                "dermatologist",
                "--password-stdin",
                "--output",
                "json",
            ],
            "a-long-enough-password\n",
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let created: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let derm3 = created[0]["id"].as_str().unwrap().to_owned();
    golden(
        "users-list.txt",
        &admin
            .ok(&[
                "users",
                "list",
                "--role",
                "dermatologist",
                "--output",
                "table",
            ])
            .await,
    );
    golden(
        "territories-add.txt",
        &admin
            .ok(&[
                "territories",
                "add",
                "--code",
                "06",
                "--name",
                "Alpes-Maritimes",
                "--fallback",
                "13",
                "--holiday",
                "2026-12-25",
                "--output",
                "table",
            ])
            .await,
    );
    golden(
        "territories-set.txt",
        &admin
            .ok(&[
                "territories",
                "set",
                "06",
                "--name",
                "Alpes-Maritimes (06)",
                "--output",
                "table",
            ])
            .await,
    );
    // The retention period: set by the admin, read by the coordinator.
    assert_eq!(
        admin
            .ok(&["territories", "retention", "13", "--days", "365"])
            .await,
        "13\t365 days\n"
    );
    assert_eq!(
        coord.ok(&["territories", "retention", "13"]).await,
        "13\t365 days\n"
    );
    golden(
        "keys-status.txt",
        &admin.ok(&["keys", "status", "--output", "table"]).await,
    );

    let from = app.now().to_rfc3339();
    let to = (app.now() + chrono::Duration::hours(8)).to_rfc3339();
    let added = coord
        .ok(&[
            "shifts",
            "add",
            "--dermatologist",
            &derm3,
            "--territory",
            "13",
            "--from",
            &from,
            "--to",
            &to,
            "--output",
            "json",
        ])
        .await;
    let shift: serde_json::Value = serde_json::from_str(&added).unwrap();
    let shift_id = shift[0]["id"].as_str().unwrap().to_owned();
    let listed = coord
        .ok(&["shifts", "list", "--territory", "13", "--output", "json"])
        .await;
    assert!(listed.contains(&shift_id));
    coord.ok(&["shifts", "rm", &shift_id]).await;
    let listed = coord
        .ok(&["shifts", "list", "--territory", "13", "--output", "json"])
        .await;
    assert!(!listed.contains(&shift_id));

    golden(
        "sla-set.txt",
        &coord
            .ok(&[
                "sla",
                "set",
                "--territory",
                "13",
                "--priority",
                "routine",
                "--hours",
                "72",
                "--clock",
                "business",
                "--output",
                "table",
            ])
            .await,
    );
    let refused = coord.run(&["sla", "show", "--territory", "06"], "").await;
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("(forbidden, request "),
        "{}",
        refused.stderr
    );
    golden(
        "report-outcomes.txt",
        &coord
            .ok(&[
                "report",
                "outcomes",
                "--territory",
                "13",
                "--from",
                &from,
                "--to",
                &to,
                "--output",
                "table",
            ])
            .await,
    );
    let disabled = admin
        .ok(&["users", "disable", &derm3, "--output", "json"])
        .await;
    assert!(disabled.contains("\"disabled\": true"), "{disabled}");
    let lines = coord
        .ok(&[
            "audit",
            "list",
            "--action",
            "shift.deleted",
            "--output",
            "json",
        ])
        .await;
    assert!(lines.contains(&shift_id));
}
