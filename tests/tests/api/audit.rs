//! The audit trail: every read and change, logins, who sees which lines, and tampering detected.
//! Lines are written unlinked and sealed in order a moment later (`app.seal_audit()` here):
//! `audit_seal` covers the sealing itself.

use serde_json::json;
use telederm_schemas::{AuditEntry, AuditPage};
use telederm_tests::{assert_problem, case_json, db::tamper_with_audit_log, spawn_app, TestApp};

use crate::web_browser::Browser;

async fn audit(app: &TestApp, token: &str, query: &str) -> Vec<AuditEntry> {
    let res = app
        .get(&format!("/api/v1/audit?{query}"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.json::<AuditPage>().await.unwrap().entries
}

#[tokio::test]
async fn reads_transitions_logins_and_rota_changes_are_recorded() {
    let app = spawn_app().await;
    let gp13 = app.user("gp13").await;
    assert_eq!(
        app.login_response("gp13@demo.test", "wrong password")
            .await
            .status(),
        401
    );
    assert_eq!(
        app.login_response("nobody@demo.test", "wrong password")
            .await
            .status(),
        401
    );
    let (gp, derm, coord, admin) = (
        app.token("gp13").await,
        app.token("derm1").await,
        app.token("coord").await,
        app.token("admin").await,
    );
    let case = app.submit_small(&gp, "urgent").await;
    app.claim_ok(&derm, case.id).await;
    app.case(&derm, case.id).await;
    let photo = case.photos[0].id;
    let res = app
        .get(
            &format!("/api/v1/cases/{}/photos/{photo}", case.id),
            Some(&derm),
        )
        .await;
    assert_eq!(res.status(), 200);
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    app.answer_ok(&derm, case.id).await;

    let mut lines = audit(&app, &admin, &format!("case={}", case.id)).await;
    lines.reverse();
    let derm_id = app.user("derm1").await.id;
    let seen: Vec<_> = lines
        .iter()
        .map(|l| (l.action.as_str(), l.actor_id))
        .collect();
    assert_eq!(
        seen,
        [
            ("case.submitted", Some(gp13.id)),
            ("case.claimed", Some(derm_id)),
            ("case.read", Some(derm_id)),
            ("photo.read", Some(derm_id)),
            ("case.answered", Some(derm_id)),
        ]
    );
    assert!(lines
        .iter()
        .all(|l| l.territory.as_deref() == Some("13") && l.request_id.is_some()));
    assert_eq!(lines[3].request_id.as_deref(), Some(request_id.as_str()));
    assert_eq!(lines[3].target_id, Some(photo.to_string()));
    assert!(lines.windows(2).all(|w| w[0].seq < w[1].seq));

    let failed = audit(&app, &admin, "action=auth.login_failed").await;
    let actors: Vec<_> = failed.iter().map(|l| l.actor_id).collect();
    assert_eq!(
        actors,
        [None, Some(gp13.id)],
        "the unknown email is not recorded"
    );
    assert!(!audit(
        &app,
        &admin,
        &format!("action=auth.login&actor={}", gp13.id)
    )
    .await
    .is_empty());

    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &json!({"dermatologist_id": derm_id, "territory": "84",
              "starts_at": app.now(), "ends_at": app.now() + chrono::Duration::hours(8)}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let shift_lines = audit(&app, &coord, "action=shift.created").await;
    assert_eq!(shift_lines.len(), 1);
    assert_eq!(shift_lines[0].territory.as_deref(), Some("84"));

    // Nothing clinical in the trail.
    let everything = app
        .get("/api/v1/audit?limit=500", Some(&admin))
        .await
        .text()
        .await
        .unwrap();
    for field in ["patient_ref", "question", "body_site"] {
        assert!(!everything.contains(case_json()[field].as_str().unwrap()));
    }
}

#[tokio::test]
async fn coordinators_read_the_lines_of_their_territories_only() {
    let app = spawn_app().await;
    let (coord, admin) = (app.token("coord").await, app.token("admin").await);
    let res = app
        .post(
            "/api/v1/territories",
            Some(&admin),
            &json!({"code": "06", "name": "Alpes-Maritimes"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "routine").await;

    let admin_sees = audit(&app, &admin, "action=territory.created").await;
    assert_eq!(admin_sees.len(), 1);
    assert!(audit(&app, &coord, "action=territory.created")
        .await
        .is_empty());
    let mine = audit(&app, &coord, "limit=500").await;
    assert!(!mine.is_empty());
    assert!(mine
        .iter()
        .all(|l| matches!(l.territory.as_deref(), Some("13" | "84"))));
    assert_problem(
        app.get("/api/v1/audit?territory=06", Some(&coord)).await,
        403,
        "forbidden",
    )
    .await;
    for role in ["gp13", "derm1"] {
        let token = app.token(role).await;
        assert_problem(
            app.get("/api/v1/audit", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get("/api/v1/audit/verify", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
    }
    assert_problem(
        app.get("/api/v1/audit?limit=0", Some(&admin)).await,
        422,
        "validation_failed",
    )
    .await;

    // Paging backwards.
    let page: AuditPage = app
        .get("/api/v1/audit?limit=2", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let next: AuditPage = app
        .get(
            &format!("/api/v1/audit?limit=2&before={}", page.next_before.unwrap()),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next.entries[0].seq, page.entries[1].seq - 1);
}

#[tokio::test]
async fn an_altered_line_is_detected() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "routine").await;
    app.seal_audit().await;
    let intact = app.verify_audit(&admin).await;
    assert!(intact.intact && intact.first_broken_seq.is_none());
    assert!(intact.lines_checked >= 3);

    let line = audit(&app, &admin, "action=case.submitted").await.remove(0);
    tamper_with_audit_log(
        &app.settings,
        &format!(
            "UPDATE audit_log SET action = 'case.cancelled' WHERE seq = {}",
            line.seq
        ),
    )
    .await;
    let broken = app.verify_audit(&admin).await;
    assert!(!broken.intact);
    assert_eq!(broken.first_broken_seq, Some(line.seq));
    assert_eq!(broken.lines_checked, line.seq as u64 - 1);
    assert_eq!(
        broken.reason.as_deref(),
        Some("its content does not match its hash")
    );
}

#[tokio::test]
async fn a_deleted_line_is_detected() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "routine").await;
    app.submit_small(&gp, "routine").await;
    app.seal_audit().await;
    let lines = audit(&app, &admin, "action=case.submitted").await;
    let first = lines.last().unwrap().seq;
    tamper_with_audit_log(
        &app.settings,
        &format!("DELETE FROM audit_log WHERE seq = {first}"),
    )
    .await;
    let broken = app.verify_audit(&admin).await;
    assert!(!broken.intact);
    assert_eq!(broken.first_broken_seq, Some(first));
    assert!(broken.reason.unwrap().contains("is missing"));
}

#[tokio::test]
async fn the_database_refuses_to_change_the_log() {
    let app = spawn_app().await;
    app.submit_small(&app.token("gp13").await, "routine").await;
    // The repo has no way to change a line; straight SQL is refused by a trigger.
    let err = telederm_tests::db::execute(&app.settings, "UPDATE audit_log SET action = 'x'").await;
    assert!(err.unwrap_err().contains("append-only"));
    let err = telederm_tests::db::execute(&app.settings, "DELETE FROM audit_log").await;
    assert!(err.unwrap_err().contains("append-only"));
    // Sealed, a line's links cannot be rewritten either.
    app.seal_audit().await;
    let err = telederm_tests::db::execute(
        &app.settings,
        "UPDATE audit_log SET prev_hash = hash, hash = prev_hash WHERE seq = 1",
    )
    .await;
    assert!(err.unwrap_err().contains("append-only"));
    assert!(app.verify_audit(&app.token("admin").await).await.intact);
}

#[tokio::test]
async fn lines_are_sealed_in_order_and_verification_counts_those_awaiting() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let gp = app.token("gp13").await;
    let mut coord = Browser::new(&app);
    coord.accept_language = Some("en");
    coord.sign_in("coord", "/dashboard").await;
    app.seal_audit().await;
    let before = app.verify_audit(&admin).await;
    assert_eq!(before.lines_pending, 0);
    app.submit_small(&gp, "urgent").await;
    app.submit_small(&gp, "routine").await;

    // Written and listed at once, not linked yet: verification checks the sealed part only.
    let waiting = app.verify_audit(&admin).await;
    assert!(waiting.intact);
    assert_eq!(waiting.lines_checked, before.lines_checked);
    assert_eq!(waiting.head_hash, before.head_hash);
    assert_eq!(waiting.lines_pending, 2, "{waiting:?}");
    let submitted = audit(&app, &admin, "action=case.submitted").await;
    assert_eq!(submitted.len(), 2);
    assert!(submitted.iter().all(|l| l.hash.is_empty()));
    let page = coord.page("/audit?verify=1", 200).await;
    assert!(
        page.contains("2 newer lines await their seal (within a second)"),
        "{page}"
    );

    assert_eq!(app.seal_audit().await.sealed, waiting.lines_pending);
    let sealed = app.verify_audit(&admin).await;
    assert!(sealed.intact);
    assert_eq!(sealed.lines_pending, 0);
    assert_eq!(
        sealed.lines_checked,
        before.lines_checked + waiting.lines_pending
    );
    assert_ne!(sealed.head_hash, before.head_hash);
    let line = audit(&app, &admin, "action=case.submitted").await.remove(0);
    assert_eq!(line.hash.len(), 64);
    let page = coord.page("/audit?verify=1", 200).await;
    assert!(page.contains("Chain intact") && !page.contains("await their seal"));
    assert_eq!(app.seal_audit().await.sealed, 0, "nothing left");
}

/// PostgreSQL hands out numbers before their transaction ends: a line numbered before others may
/// commit after them, or never. Sealing waits for the first and fills the second's number. On
/// SQLite the one writer numbers lines as they commit: neither can happen.
#[tokio::test]
async fn a_line_committed_late_is_sealed_in_its_place_and_a_rolled_back_number_is_filled() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let gp = app.token("gp13").await;
    app.seal_audit().await;
    let postgres = telederm_tests::db::backend() == "postgres";
    if postgres {
        use secrecy::ExposeSecret;
        use sqlx::{Connection, Executor};
        let insert = "INSERT INTO audit_log (at, action, target_type) \
                      VALUES (CURRENT_TIMESTAMP, 'test.late', 'test')";
        let url = app.settings.database_url();
        let mut late = sqlx::PgConnection::connect(url.expose_secret())
            .await
            .unwrap();
        late.execute("BEGIN").await.unwrap();
        late.execute(insert).await.unwrap();
        app.submit_small(&gp, "routine").await;
        // Sealed up to the line still in flight, not past it.
        app.seal_audit().await;
        let held = app.verify_audit(&admin).await;
        assert!(held.intact && held.lines_pending == 1, "{held:?}");
        let waiting = audit(&app, &admin, "action=case.submitted").await;
        assert_eq!(waiting[0].hash, "", "the submission waits behind it");
        late.execute("COMMIT").await.unwrap();

        late.execute("BEGIN").await.unwrap();
        late.execute(insert).await.unwrap();
        late.execute("ROLLBACK").await.unwrap();
    }
    app.submit_small(&gp, "routine").await;
    let stats = app.seal_audit().await;
    let gaps_expected = u64::from(postgres);
    assert_eq!(stats.gaps_filled, gaps_expected);
    let done = app.verify_audit(&admin).await;
    assert!(done.intact && done.lines_pending == 0, "{done:?}");

    let all = audit(&app, &admin, "limit=500").await;
    let mut seqs: Vec<i64> = all.iter().map(|l| l.seq).collect();
    seqs.reverse();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no hole");
    let late: Vec<_> = all.iter().filter(|l| l.action == "test.late").collect();
    let gaps: Vec<_> = all.iter().filter(|l| l.action == "audit.gap").collect();
    assert_eq!(late.len() as u64, gaps_expected);
    assert_eq!(gaps.len() as u64, gaps_expected);
    if let (Some(late), Some(gap)) = (late.first(), gaps.first()) {
        let submitted = audit(&app, &admin, "action=case.submitted").await;
        let first_submitted = submitted.last().unwrap().seq;
        assert!(
            late.seq < first_submitted,
            "numbered before, sealed in its place"
        );
        assert!(gap.seq > first_submitted && gap.territory.is_none());
    }
}
