//! The escalation ladder: 50 % remind if unclaimed, 80 % offer to the fallbacks and warn, 100 %
//! breach. Each step once, recorded as an event, also with two server instances.

use chrono::Duration;
use telederm_schemas::{Case, CaseStatus, QueueItem};
use telederm_tests::{spawn_app, spawn_app_with, TestApp};

fn kinds(case: &Case) -> Vec<&str> {
    case.events.iter().map(|e| e.kind.as_str()).collect()
}

async fn queue_ids(app: &TestApp, derm: &str) -> Vec<uuid::Uuid> {
    let res = app.get("/api/v1/queue", Some(derm)).await;
    assert_eq!(res.status(), 200);
    res.json::<Vec<QueueItem>>()
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect()
}

#[tokio::test]
async fn each_step_falls_at_its_share_of_the_target_once() {
    let app = spawn_app().await;
    let (gp, derm1, derm2) = (
        app.token("gp13").await,
        app.token("derm1").await,
        app.token("derm2").await,
    );
    // Urgent: 48 h. Territory 13 falls back to 84, where derm2 is on call.
    let case = app.submit_small(&gp, "urgent").await;
    let start = app.now();

    app.clock
        .set(start + Duration::hours(24) - Duration::seconds(1));
    assert_eq!(app.escalate().await.reminded, 0, "not before 50 %");
    app.clock.set(start + Duration::hours(24));
    assert_eq!(app.escalate().await.reminded, 1);
    assert_eq!(app.escalate().await, Default::default(), "once");
    assert!(
        !queue_ids(&app, &derm2).await.contains(&case.id),
        "not offered yet"
    );

    app.clock.set(start + Duration::minutes(48 * 60 * 8 / 10));
    let stats = app.escalate().await;
    assert_eq!((stats.reminded, stats.offered, stats.breached), (0, 1, 0));
    assert!(
        queue_ids(&app, &derm2).await.contains(&case.id),
        "offered to the fallback's on-call dermatologist"
    );
    assert!(
        queue_ids(&app, &derm1).await.contains(&case.id),
        "and still in its own territory's queue"
    );

    app.clock.set(start + Duration::hours(48));
    assert_eq!(app.escalate().await.breached, 1);
    app.advance(Duration::days(3));
    assert_eq!(app.escalate().await, Default::default());

    let read = app.case(&gp, case.id).await;
    assert_eq!(
        kinds(&read),
        ["submitted", "sla_reminder", "sla_escalated", "sla_breached"]
    );
    assert_eq!(
        read.status,
        CaseStatus::Queued,
        "a step does not change the status"
    );
    let at: Vec<_> = read.events[1..].iter().map(|e| e.at - start).collect();
    assert_eq!(
        at,
        [
            Duration::hours(24),
            Duration::minutes(2304),
            Duration::hours(48)
        ]
    );
    assert!(
        read.events[1..].iter().all(|e| e.actor_id.is_none()),
        "taken by the system"
    );

    // The fallback dermatologist may take it now.
    let claimed = app.claim_ok(&derm2, case.id).await;
    assert_eq!(claimed.status, CaseStatus::Claimed);
}

#[tokio::test]
async fn a_case_answered_or_claimed_before_a_step_does_not_take_it() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let answered = app.submit_small(&gp, "urgent").await;
    let claimed = app.submit_small(&gp, "urgent").await;
    let start = app.now();
    app.claim_ok(&derm, answered.id).await;
    app.claim_ok(&derm, claimed.id).await;
    app.advance(Duration::hours(10));
    app.answer_ok(&derm, answered.id).await;

    // Claimed at 50 % (the tests run no lease worker, so the claim holds): no reminder.
    app.clock.set(start + Duration::hours(24));
    let stats = app.escalate().await;
    assert_eq!(
        stats,
        Default::default(),
        "answered: nothing; claimed: no reminder"
    );

    app.clock.set(start + Duration::hours(100));
    app.escalate().await;
    let answered = app.case(&gp, answered.id).await;
    assert!(
        kinds(&answered).iter().all(|k| !k.starts_with("sla_")),
        "{:?}",
        kinds(&answered)
    );
}

#[tokio::test]
async fn two_instances_take_each_step_exactly_once() {
    let a = spawn_app().await;
    // The same database: the SQLite file of `a`, or its PostgreSQL database.
    let url = a.settings.database_url();
    let b = spawn_app_with(move |s| s.database.url = Some(url), |store| store).await;
    let gp = a.token("gp13").await;
    let mut cases = Vec::new();
    for _ in 0..12 {
        cases.push(a.submit_small(&gp, "urgent").await.id);
    }
    let past_due = a.now() + Duration::hours(49);
    a.clock.set(past_due);
    b.clock.set(past_due);
    let (x, y) = tokio::join!(a.escalate(), b.escalate());
    let (x2, y2) = tokio::join!(a.escalate(), b.escalate());
    let total = |f: fn(&telederm_server::cases::escalate::EscalationStats) -> usize| {
        [x, y, x2, y2].iter().map(f).sum::<usize>()
    };
    assert_eq!(total(|s| s.reminded), 12);
    assert_eq!(total(|s| s.offered), 12);
    assert_eq!(total(|s| s.breached), 12);
    for id in cases {
        let case = a.case(&gp, id).await;
        assert_eq!(
            kinds(&case),
            ["submitted", "sla_reminder", "sla_escalated", "sla_breached"]
        );
    }
}
