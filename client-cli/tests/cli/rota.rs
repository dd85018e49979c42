//! The rota and reports as a coordinator types them: dermatologists by e-mail, local times
//! (the tests run in a fixed UTC+1 zone, see `support::telederm`), default periods.

use telederm_tests::spawn_app;

use crate::story::User;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_puts_a_dermatologist_on_call_by_email_in_local_time() {
    let app = spawn_app().await;
    let coord = User::login(&app, "coord@demo.test").await;
    let add = |to: &'static str| {
        [
            "shifts",
            "add",
            "--dermatologist",
            "DERM2@demo.test",
            "--territory",
            "13",
            "--from",
            "2030-01-07 08:00",
            "--to",
            to,
        ]
    };

    let mut args = add("2030-01-07 20:00").to_vec();
    args.extend(["--output", "json"]);
    let shift: serde_json::Value = serde_json::from_str(&coord.ok(&args).await).unwrap();
    assert_eq!(shift[0]["starts_at"], "2030-01-07T07:00:00Z");
    assert_eq!(shift[0]["ends_at"], "2030-01-07T19:00:00Z");
    let derm2 = app.user("derm2").await;
    assert_eq!(shift[0]["dermatologist_id"], derm2.id.to_string());

    let listed = coord
        .ok(&[
            "shifts",
            "list",
            "--territory",
            "13",
            "--from",
            "2030-01-07",
            "--to",
            "2030-01-08",
            "--output",
            "table",
        ])
        .await;
    // The table names the dermatologist (the JSON above keeps its id).
    let row = format!(
        "{}  13         {}  2030-01-07 08:00 +01:00  2030-01-07 20:00 +01:00\n",
        shift[0]["id"].as_str().unwrap(),
        derm2.display_name.as_str()
    );
    assert!(listed.ends_with(&row), "{listed}");

    let overlapping = coord.run(&add("2030-01-08"), "").await;
    assert_eq!(overlapping.code, 1);
    assert!(
        overlapping.stderr.starts_with(
            "error: this dermatologist is already on call for 13 from 2030-01-07T07:00:00Z to \
             2030-01-07T19:00:00Z (shift "
        ),
        "{}",
        overlapping.stderr
    );
    assert!(
        overlapping.stderr.contains("(conflict, request "),
        "{}",
        overlapping.stderr
    );

    let mut unknown = add("2030-01-08").to_vec();
    unknown[3] = "nobody@demo.test";
    let run = coord.run(&unknown, "").await;
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: no dermatologist has the e-mail nobody@demo.test\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_without_dates_covers_the_last_30_days() {
    let app = spawn_app().await;
    let coord = User::login(&app, "coord@demo.test").await;
    let run = coord
        .run(
            &["report", "sla", "--territory", "13", "--output", "table"],
            "",
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let now = app.now();
    let local = |t: chrono::DateTime<chrono::Utc>| {
        (t + chrono::Duration::hours(1))
            .format("%Y-%m-%d %H:%M +01:00")
            .to_string()
    };
    assert_eq!(
        run.stderr,
        format!(
            "Cases submitted from {} to {}\n",
            local(now - chrono::Duration::days(30)),
            local(now)
        )
    );
    assert!(run.stdout.starts_with("GROUP "), "{}", run.stdout);
}
