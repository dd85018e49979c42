//! Routing to the on-call dermatologists, queue order, exclusive claims, release and leases.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use serde_json::json;
use telederm_schemas::{Case, CaseStatus, QueueItem, Shift};
use telederm_tests::{assert_problem, case_json, fixtures, spawn_app, TestApp};

fn tiny_photo() -> Vec<(&'static str, Vec<u8>)> {
    vec![("overview", fixtures::jpeg(&fixtures::lesion(16, 16)))]
}

async fn submit(app: &TestApp, gp: &str, priority: &str) -> Case {
    let mut case = case_json();
    case["priority"] = json!(priority);
    let res = app.submit_case(gp, &case, &tiny_photo()).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn queue(app: &TestApp, derm: &str) -> Vec<QueueItem> {
    let res = app.get("/api/v1/queue", Some(derm)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn claim(app: &TestApp, derm: &str, case: uuid::Uuid) -> reqwest::Response {
    app.post(&format!("/api/v1/cases/{case}/claim"), Some(derm), &())
        .await
}

#[tokio::test]
async fn a_case_reaches_the_dermatologist_on_call_for_its_territory_in_order() {
    let app = spawn_app().await;
    let (gp13, gp84) = (app.token("gp13").await, app.token("gp84").await);
    let (derm1, derm2) = (app.token("derm1").await, app.token("derm2").await);
    let routine = submit(&app, &gp13, "routine").await;
    let urgent = submit(&app, &gp13, "urgent").await;
    app.advance(Duration::seconds(1));
    let later_urgent = submit(&app, &gp13, "urgent").await;
    let other = submit(&app, &gp84, "urgent").await;

    let items = queue(&app, &derm1).await;
    let ids: Vec<_> = items.iter().map(|i| i.id).collect();
    assert_eq!(ids, [urgent.id, later_urgent.id, routine.id]);
    let first = serde_json::to_value(&items[0]).unwrap();
    assert_eq!(first["body_site"], "left forearm");
    assert_eq!(first["photo_kinds"], json!(["overview"]));
    for hidden in ["question", "patient_ref", "history"] {
        assert!(first.get(hidden).is_none(), "the queue shows {hidden}");
    }
    assert_eq!(
        queue(&app, &derm2)
            .await
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>(),
        [other.id]
    );
    for role in ["gp13", "coord", "admin"] {
        let token = app.token(role).await;
        assert_problem(
            app.get("/api/v1/queue", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
    }
}

#[tokio::test]
async fn the_queue_lists_its_head_fifty_cases_unless_asked_for_more_up_to_two_hundred() {
    let app = spawn_app().await;
    let (gp13, derm1) = (app.token("gp13").await, app.token("derm1").await);
    let mut submitted = Vec::new();
    for _ in 0..51 {
        submitted.push(submit(&app, &gp13, "routine").await.id);
        app.advance(Duration::seconds(1));
    }
    let listed = |items: Vec<QueueItem>| items.into_iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(listed(queue(&app, &derm1).await), submitted[..50]);
    let get = |q: &'static str| {
        let (app, derm1) = (&app, &derm1);
        async move { app.get(&format!("/api/v1/queue?{q}"), Some(derm1)).await }
    };
    let res = get("limit=2").await;
    assert_eq!(res.status(), 200);
    assert_eq!(listed(res.json().await.unwrap()), submitted[..2]);
    let res = get("limit=200").await;
    assert_eq!(res.status(), 200);
    assert_eq!(listed(res.json().await.unwrap()), submitted);
    for bad in ["limit=0", "limit=201", "limit=-1"] {
        let problem = assert_problem(get(bad).await, 422, "validation_failed").await;
        assert!(
            format!("{problem:?}").contains("limit"),
            "{bad}: {problem:?}"
        );
    }
    assert_problem(get("limit=many").await, 400, "bad_request").await;
}

#[tokio::test]
async fn a_territory_with_nobody_on_call_falls_back() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let (derm1, derm2) = (app.token("derm1").await, app.token("derm2").await);
    let coord = app.token("coord").await;
    let case = submit(&app, &gp13, "urgent").await;
    assert!(queue(&app, &derm2).await.is_empty());

    // Nobody on call for 13 any more: its fallback 84's dermatologist takes its cases.
    let shifts: Vec<Shift> = app
        .get("/api/v1/shifts?territory=13", Some(&coord))
        .await
        .json()
        .await
        .unwrap();
    for s in shifts {
        let res = app
            .delete(&format!("/api/v1/shifts/{}", s.id), Some(&coord))
            .await;
        assert_eq!(res.status(), 204);
    }
    assert_eq!(
        queue(&app, &derm2)
            .await
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>(),
        [case.id]
    );
    assert!(
        queue(&app, &derm1).await.is_empty(),
        "off call, derm1 sees nothing"
    );
    assert_problem(claim(&app, &derm1, case.id).await, 404, "not_found").await;
    assert_eq!(claim(&app, &derm2, case.id).await.status(), 200);
}

#[tokio::test]
async fn a_claim_is_exclusive_and_opens_the_case() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let derm1 = app.token("derm1").await;
    let me = app.user("derm1").await;
    let case = submit(&app, &gp13, "urgent").await;

    let before = app
        .get(&format!("/api/v1/cases/{}", case.id), Some(&derm1))
        .await;
    assert_problem(before, 404, "not_found").await;
    let res = claim(&app, &derm1, case.id).await;
    assert_eq!(res.status(), 200);
    let opened: Case = res.json().await.unwrap();
    assert_eq!(opened.status, CaseStatus::Claimed);
    assert_eq!(opened.claimed_by, Some(me.id));
    assert_eq!(opened.question, case.question);
    let kinds: Vec<_> = opened.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["submitted", "claimed"]);
    assert_eq!(opened.events[1].actor_id, Some(me.id));
    let photo = &opened.photos[0];
    let res = app
        .get(
            &format!("/api/v1/cases/{}/photos/{}", case.id, photo.id),
            Some(&derm1),
        )
        .await;
    assert_eq!(res.status(), 200);

    assert_problem(claim(&app, &derm1, case.id).await, 409, "conflict").await;
    assert!(queue(&app, &derm1).await.is_empty());
    // The GP sees the claim in its history.
    let seen: Case = app
        .get(&format!("/api/v1/cases/{}", case.id), Some(&gp13))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen.status, CaseStatus::Claimed);
    assert_eq!(seen.events.len(), 2);
}

#[tokio::test]
async fn release_and_lease_expiry_return_the_case_to_the_queue() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let (derm1, derm2) = (app.token("derm1").await, app.token("derm2").await);
    let case = submit(&app, &gp13, "urgent").await;
    let release = |token: String| {
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/cases/{}/release", case.id),
                Some(&token),
                &(),
            )
            .await
        }
    };

    assert_problem(release(derm1.clone()).await, 409, "invalid_state").await;
    assert_eq!(claim(&app, &derm1, case.id).await.status(), 200);
    // derm2 (on call for 84) does not know the case; derm1's claim is not its business.
    assert_problem(release(derm2.clone()).await, 404, "not_found").await;
    assert_eq!(release(derm1.clone()).await.status(), 204);
    assert_eq!(queue(&app, &derm1).await.len(), 1);

    assert_eq!(claim(&app, &derm1, case.id).await.status(), 200);
    // Nothing expires before the lease ends...
    app.advance(Duration::minutes(119));
    let moved = app.state.cases.expire_leases().await.unwrap();
    assert_eq!(moved, 0);
    // ...and the claim returns to the queue once it has.
    app.advance(Duration::minutes(61));
    let moved = app.state.cases.expire_leases().await.unwrap();
    assert_eq!(moved, 1);
    let seen: Case = app
        .get(&format!("/api/v1/cases/{}", case.id), Some(&gp13))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen.status, CaseStatus::Queued);
    let kinds: Vec<_> = seen.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "submitted",
            "claimed",
            "released",
            "claimed",
            "lease_expired"
        ]
    );
    assert_eq!(seen.events[4].actor_id, None);
    assert_problem(
        app.get(&format!("/api/v1/cases/{}", case.id), Some(&derm1))
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn claim_next_takes_the_top_of_the_queue() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let derm1 = app.token("derm1").await;
    let routine = submit(&app, &gp13, "routine").await;
    let urgent = submit(&app, &gp13, "urgent").await;
    let next = |_: ()| app.post("/api/v1/queue/claim-next", Some(&derm1), &());
    let first: Case = next(()).await.json().await.unwrap();
    assert_eq!(first.id, urgent.id);
    let second: Case = next(()).await.json().await.unwrap();
    assert_eq!(second.id, routine.id);
    assert_eq!(next(()).await.status(), 204);
}

#[tokio::test]
async fn fifty_concurrent_claims_of_one_case_give_exactly_one_success() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let derm1 = app.token("derm1").await;
    let case = submit(&app, &gp13, "urgent").await;
    let attempts = (0..50).map(|_| claim(&app, &derm1, case.id));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn twenty_dermatologists_claim_two_hundred_cases_each_exactly_once() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let admin = app.token("admin").await;
    let mut submitted = HashSet::new();
    for i in 0..200 {
        submitted.insert(
            submit(&app, &gp13, if i % 3 == 0 { "urgent" } else { "routine" })
                .await
                .id,
        );
    }
    let mut tokens = Vec::new();
    for i in 0..20 {
        let email = format!("derm-extra-{i}@example.fr");
        let user = json!({"email": email, "display_name": format!("Derm {i}"),
                          "role": "dermatologist", "password": "a-long-enough-password"});
        let created: telederm_schemas::User = app
            .post("/api/v1/users", Some(&admin), &user)
            .await
            .json()
            .await
            .unwrap();
        let shift = json!({"dermatologist_id": created.id, "territory": "13",
                           "starts_at": Utc::now() - Duration::hours(1),
                           "ends_at": Utc::now() + Duration::hours(8)});
        assert_eq!(
            app.post("/api/v1/shifts", Some(&admin), &shift)
                .await
                .status(),
            201
        );
        let token = app
            .login_response(&email, "a-long-enough-password")
            .await
            .json::<telederm_schemas::TokenResponse>()
            .await
            .unwrap()
            .access_token;
        tokens.push(token);
    }
    let workers = tokens.iter().map(|token| async {
        let mut mine = Vec::new();
        loop {
            let res = app.post("/api/v1/queue/claim-next", Some(token), &()).await;
            match res.status().as_u16() {
                200 => mine.push(res.json::<Case>().await.unwrap().id),
                204 => return mine,
                other => panic!("claim-next answered {other}"),
            }
        }
    });
    let claimed: Vec<uuid::Uuid> = futures_util::future::join_all(workers).await.concat();
    assert_eq!(claimed.len(), 200, "every case claimed once");
    let unique: HashSet<_> = claimed.iter().copied().collect();
    assert_eq!(unique, submitted, "no case claimed twice, none lost");
}

#[tokio::test]
async fn on_call_dermatologists_may_see_the_photos_of_a_queued_case() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let (derm1, derm2) = (app.token("derm1").await, app.token("derm2").await);
    let case = submit(&app, &gp13, "urgent").await;
    let url = format!("/api/v1/cases/{}/photos/{}", case.id, case.photos[0].id);
    assert_eq!(app.get(&url, Some(&derm1)).await.status(), 200);
    assert_problem(app.get(&url, Some(&derm2)).await, 404, "not_found").await;
    // Not the full case before a claim.
    assert_problem(
        app.get(&format!("/api/v1/cases/{}", case.id), Some(&derm1))
            .await,
        404,
        "not_found",
    )
    .await;
    // Coordinators never receive photos.
    assert_eq!(claim(&app, &derm1, case.id).await.status(), 200);
    let coord = app.token("coord").await;
    assert_problem(app.get(&url, Some(&coord)).await, 403, "forbidden").await;
}

#[tokio::test]
async fn the_demo_seeds_cases_in_several_states_once() {
    let app = spawn_app().await;
    let repo = telederm_server::startup::open_database(&app.settings)
        .await
        .unwrap();
    let store = telederm_server::startup::open_store(&app.settings).unwrap();
    let clock = std::sync::Arc::new(telederm_server::domain::OffsetClock::default());
    let second = telederm_server::startup::Application::build_with_clock(
        &app.settings,
        repo,
        store,
        clock.clone(),
    )
    .await
    .unwrap();
    telederm_server::demo::seed_cases(&second.state(), &|by| clock.set_offset(by))
        .await
        .unwrap();
    telederm_server::demo::seed_cases(&second.state(), &|by| clock.set_offset(by))
        .await
        .unwrap();

    let gp = app.token("gp13").await;
    let cases: Vec<telederm_schemas::CaseSummary> = app
        .get("/api/v1/cases", Some(&gp))
        .await
        .json()
        .await
        .unwrap();
    let mut statuses: Vec<_> = cases.iter().map(|c| c.status.as_str()).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        ["answered", "claimed", "info_requested", "queued", "queued"]
    );
    let derm1 = app.token("derm1").await;
    assert_eq!(queue(&app, &derm1).await.len(), 2);
    // 84's own case, and 13's two cases past 80 % offered to their fallback.
    let derm2 = app.token("derm2").await;
    assert_eq!(queue(&app, &derm2).await.len(), 3);

    // Something for the coordinator to see: one breach, two at risk, one answered in 3 h.
    let coord = app.token("coord").await;
    let from = (Utc::now() - Duration::days(10))
        .to_rfc3339()
        .replace('+', "%2B");
    let to = (Utc::now() + Duration::days(1))
        .to_rfc3339()
        .replace('+', "%2B");
    let report: telederm_schemas::SlaReport = app
        .get(
            &format!("/api/v1/reports/sla?from={from}&to={to}&territory=13"),
            Some(&coord),
        )
        .await
        .json()
        .await
        .unwrap();
    let t = &report.total;
    assert_eq!(
        (t.cases, t.answered, t.breaches, t.at_risk, t.open),
        (5, 1, 1, 2, 4)
    );
    assert_eq!(
        t.first_response.max_secs,
        Some(6 * 3600),
        "the information request at 6 h"
    );
    assert_eq!(t.first_response.median_secs, Some(3 * 3600));
}
