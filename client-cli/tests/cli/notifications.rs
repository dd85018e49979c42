//! `notifications show` and `notifications set` from the terminal: against the real server
//! (golden files), a refusal's field errors, and bad arguments refused before any request.

use telederm_schemas::{Channels, EventKind, Language, NotificationSettings};
use telederm_tests::spawn_app;

use crate::{
    story::{golden, User},
    support::{closed_port_url, telederm},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gp_sets_and_shows_its_language_and_channels() {
    let app = spawn_app().await;
    let gp = User::login(&app, "gp13@demo.test").await;
    let shown = gp
        .run(&["notifications", "show", "--output", "table"], "")
        .await;
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    golden("notifications-show.txt", &shown.stdout);
    assert!(
        shown.stderr.contains("This server sends no e-mail"),
        "{}",
        shown.stderr
    );
    assert!(shown.stderr.contains("no webhook URL"), "{}", shown.stderr);

    let set = gp
        .run(
            &[
                "notifications",
                "set",
                "--language",
                "en",
                "case.answered=email",
                "sla.breached=none",
                "--output",
                "table",
            ],
            "",
        )
        .await;
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(set.stderr.starts_with("Saved.\n"), "{}", set.stderr);
    golden("notifications-set.txt", &set.stdout);

    // The server keeps it: its own API, and the CLI's JSON, say so.
    let token = app.token("gp13").await;
    let told: NotificationSettings = app
        .get("/api/v1/me/notifications", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let json = gp.ok(&["notifications", "show", "--output", "json"]).await;
    let shown: NotificationSettings = serde_json::from_str(&json).unwrap();
    assert_eq!(shown, told);
    assert_eq!(told.language, Language::En);
    let channels = |kind| {
        told.choices
            .iter()
            .find(|c| c.kind == kind)
            .unwrap()
            .channels
    };
    assert_eq!(channels(EventKind::CaseAnswered), Channels::Email);
    assert_eq!(channels(EventKind::SlaBreached), Channels::None);
    assert_eq!(channels(EventKind::InfoRequested), Channels::Both);

    // A kind a GP is not told of: the server's 422, field by field, and nothing changes.
    let refused = gp
        .run(
            &[
                "notifications",
                "set",
                "case.answered=none",
                "case.queued=email",
            ],
            "",
        )
        .await;
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("(validation_failed"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("\n  channels.case.queued: a GP is not told of case.queued\n"),
        "{}",
        refused.stderr
    );
    let after = gp.ok(&["notifications", "show", "--output", "json"]).await;
    let after: NotificationSettings = serde_json::from_str(&after).unwrap();
    assert_eq!(after, told);
}

#[test]
fn bad_arguments_are_usage_errors_before_any_request() {
    // Nothing listens there: an error from a request would be 1 with a connection hint.
    let url = closed_port_url();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--server", url.as_str(), "notifications", "set"];
        all.extend_from_slice(args);
        telederm(dir.path(), &all, "")
    };
    for (args, said) in [
        (&["case.answered"][..], "KIND=CHANNELS"),
        (&["case.lost=email"][..], "is not a kind of event"),
        (&["case.answered=pigeon"][..], "email, webhook, both, none"),
        (&["--language", "de"][..], "not one of the accepted values"),
        (&[][..], "required"),
    ] {
        let refused = run(args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains(said),
            "{args:?}: {}",
            refused.stderr
        );
    }
    let twice = run(&["case.answered=email", "case.answered=none"]);
    assert_eq!(twice.code, 1);
    assert_eq!(twice.stderr, "error: case.answered is given twice\n");
}
