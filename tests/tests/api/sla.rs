//! Response-time policies and the due time of a case: computed at submission, on the policy's
//! clock, and moved later by the time the case waits on the GP.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc, Weekday};
use serde_json::json;
use telederm_schemas::{CaseStatus, SlaClock, SlaPolicy};
use telederm_tests::{assert_problem, fields, spawn_app, TestApp, DEMO_PASSWORD};

async fn policies(app: &TestApp, token: &str, territory: &str) -> Vec<SlaPolicy> {
    let res = app
        .get(&format!("/api/v1/territories/{territory}/sla"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn set(app: &TestApp, token: &str, path: &str, body: serde_json::Value) -> reqwest::Response {
    app.send(
        reqwest::Method::PUT,
        &format!("/api/v1/territories/{path}"),
        Some(token),
        Some(&body),
    )
    .await
}

#[tokio::test]
async fn coordinators_read_and_set_the_targets_of_their_territories() {
    let app = spawn_app().await;
    let (coord, admin) = (app.token("coord").await, app.token("admin").await);

    let defaults = policies(&app, &coord, "13").await;
    let shown: Vec<_> = defaults
        .iter()
        .map(|p| (p.priority.as_str(), p.target_hours, p.clock, p.default))
        .collect();
    assert_eq!(
        shown,
        [
            ("urgent", 48.0, SlaClock::Calendar, true),
            ("routine", 168.0, SlaClock::Calendar, true)
        ]
    );

    let res = set(
        &app,
        &coord,
        "13/sla/urgent",
        json!({"target_hours": 24, "clock": "business"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let now: Vec<SlaPolicy> = res.json().await.unwrap();
    assert_eq!(
        (now[0].target_hours, now[0].clock, now[0].default),
        (24.0, SlaClock::Business, false)
    );
    assert_eq!(now[0].updated_by, Some(app.user("coord").await.id));
    assert_eq!(
        now[1].target_hours, 168.0,
        "the other priority is untouched"
    );
    assert_eq!(policies(&app, &admin, "13").await, now);

    // Another territory, not the coordinator's.
    let res = app
        .post(
            "/api/v1/territories",
            Some(&admin),
            &json!({"code": "06", "name": "Alpes-Maritimes"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_problem(
        set(&app, &coord, "06/sla/urgent", json!({"target_hours": 12})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.get("/api/v1/territories/06/sla", Some(&coord)).await,
        403,
        "forbidden",
    )
    .await;
    for role in ["gp13", "derm1"] {
        let token = app.token(role).await;
        assert_problem(
            app.get("/api/v1/territories/13/sla", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            set(&app, &token, "13/sla/urgent", json!({"target_hours": 1})).await,
            403,
            "forbidden",
        )
        .await;
    }

    for bad in [
        json!({"target_hours": 0}),
        json!({"target_hours": 100000}),
        json!({"target_hours": -2}),
    ] {
        let p = assert_problem(
            set(&app, &coord, "13/sla/routine", bad).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&p), ["target_hours"]);
    }
    assert_problem(
        set(
            &app,
            &admin,
            "nowhere/sla/urgent",
            json!({"target_hours": 2}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert!(
        policies(&app, &coord, "13").await[1].default,
        "refused changes change nothing"
    );
}

/// The next `weekday` at `hour`:00 UTC after `after`.
fn next(after: DateTime<Utc>, weekday: Weekday, hour: u32) -> DateTime<Utc> {
    let mut day = after.date_naive() + Duration::days(1);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
}

#[tokio::test]
async fn the_due_time_follows_the_policy_clock_working_hours_and_holidays() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let friday = next(app.now(), Weekday::Fri, 17);
    let monday = (friday + Duration::days(3)).date_naive();
    // A territory on UTC, so the expected instants are plain; its Monday is a holiday.
    let res = app
        .post(
            "/api/v1/territories",
            Some(&admin),
            &json!({"code": "99", "name": "Test territory", "timezone": "UTC",
                    "holidays": [monday.to_string()]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let territory: telederm_schemas::Territory = res.json().await.unwrap();
    assert_eq!(
        territory.working_hours.days,
        ["mon", "tue", "wed", "thu", "fri"]
    );
    assert_eq!(
        (
            territory.working_hours.start.as_str(),
            territory.working_hours.end.as_str()
        ),
        ("08:00", "19:00")
    );
    app.create_user(
        json!({"email": "gp99@demo.test", "display_name": "Dr GP 99", "role": "gp",
                           "password": DEMO_PASSWORD, "home_territory": "99"}),
    )
    .await;
    let gp = app.token_for("gp99@demo.test").await;
    let res = set(
        &app,
        &admin,
        "99/sla/routine",
        json!({"target_hours": 11, "clock": "business"}),
    )
    .await;
    assert_eq!(res.status(), 200);

    app.clock.set(friday);
    // Business: 2 h on Friday (17:00-19:00), Monday off, 9 h on Tuesday (08:00-17:00).
    let routine = app.submit_small(&gp, "routine").await;
    assert_eq!(routine.submitted_at, friday);
    assert_eq!(routine.due_at, Some(friday + Duration::days(4)));
    // Calendar (the urgent default): every hour counts.
    let urgent = app.submit_small(&gp, "urgent").await;
    assert_eq!(urgent.due_at, Some(friday + Duration::hours(48)));
    // The due time is what the GP reads back, and what orders the queue.
    assert_eq!(app.case(&gp, routine.id).await.due_at, routine.due_at);

    // A later change of policy does not move a submitted case.
    set(&app, &admin, "99/sla/routine", json!({"target_hours": 1})).await;
    assert_eq!(app.case(&gp, routine.id).await.due_at, routine.due_at);
}

#[tokio::test]
async fn the_clock_stops_while_the_case_waits_on_the_gp() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let case = app.submit_small(&gp, "urgent").await;
    let t0 = case.submitted_at;
    assert_eq!(case.due_at, Some(t0 + Duration::hours(48)));
    app.claim_ok(&derm, case.id).await;
    app.advance(Duration::hours(10));
    app.request_info_ok(&derm, case.id, false).await;
    app.advance(Duration::hours(20));
    // Waiting on the GP past what would have been 50 % and 80 %: no step is taken.
    app.advance(Duration::hours(30));
    assert_eq!(app.escalate().await, Default::default());
    let back = app.reply_ok(&gp, case.id).await;
    assert_eq!(back.status, CaseStatus::Claimed);
    assert_eq!(
        back.due_at,
        Some(t0 + Duration::hours(48 + 50)),
        "50 h of waiting on the GP do not count"
    );
}
