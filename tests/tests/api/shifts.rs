use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use telederm_schemas::{Shift, User};
use telederm_tests::{assert_problem, fields, spawn_app, TestApp};

fn body(derm: &User, territory: &str, start: DateTime<Utc>, hours: i64) -> serde_json::Value {
    json!({"dermatologist_id": derm.id, "territory": territory,
           "starts_at": start, "ends_at": start + Duration::hours(hours)})
}

async fn list(app: &TestApp, token: &str, query: &str) -> Vec<Shift> {
    let res = app
        .get(&format!("/api/v1/shifts?{query}"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_demo_rota_covers_the_coming_week() {
    let app = spawn_app().await;
    let derm1 = app.token("derm1").await;
    let me = app.user("derm1").await;
    let shifts = list(&app, &derm1, "territory=13").await;
    let now = Utc::now();
    assert!(shifts.iter().any(|s| s.dermatologist_id == me.id
        && s.starts_at <= now
        && s.ends_at >= now + Duration::days(7)));
}

#[tokio::test]
async fn a_coordinator_manages_the_rota_of_its_territory() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let derm2 = app.user("derm2").await;
    let start = Utc::now() + Duration::days(10);

    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &body(&derm2, "13", start, 12),
        )
        .await;
    assert_eq!(res.status(), 201);
    let shift: Shift = res.json().await.unwrap();
    assert_eq!(shift.territory, "13");
    assert_eq!(shift.ends_at - shift.starts_at, Duration::hours(12));

    let window = format!(
        "territory=13&from={}&to={}",
        (start - Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (start + Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let found = list(&app, &coord, &window).await;
    assert_eq!(found, std::slice::from_ref(&shift));

    let res = app
        .delete(&format!("/api/v1/shifts/{}", shift.id), Some(&coord))
        .await;
    assert_eq!(res.status(), 204);
    assert!(list(&app, &coord, &window).await.is_empty());
    assert_problem(
        app.delete(&format!("/api/v1/shifts/{}", shift.id), Some(&coord))
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_coordinator_of_another_territory_is_refused() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let new = json!({"email": "coord84@example.fr", "display_name": "Coordinator 84",
                     "role": "coordinator", "password": "a-long-enough-password",
                     "territories": ["84"]});
    assert_eq!(
        app.post("/api/v1/users", Some(&admin), &new).await.status(),
        201
    );
    let coord84 = app
        .login_response("coord84@example.fr", "a-long-enough-password")
        .await
        .json::<telederm_schemas::TokenResponse>()
        .await
        .unwrap()
        .access_token;
    let derm1 = app.user("derm1").await;
    let start = Utc::now() + Duration::days(3);

    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord84),
            &body(&derm1, "13", start, 8),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    assert_problem(
        app.get("/api/v1/shifts?territory=13", Some(&coord84)).await,
        403,
        "forbidden",
    )
    .await;
    // derm1's demo rota covers 13 this week: that shift goes to derm2.
    let derm2 = app.user("derm2").await;
    let theirs: Shift = app
        .post(
            "/api/v1/shifts",
            Some(&admin),
            &body(&derm2, "13", start, 8),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .delete(&format!("/api/v1/shifts/{}", theirs.id), Some(&coord84))
        .await;
    assert_problem(res, 403, "forbidden").await;
    // Its own territory works.
    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord84),
            &body(&derm1, "84", start, 8),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn shifts_are_validated() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let derm1 = app.user("derm1").await;
    let gp = app.user("gp13").await;
    let start = Utc::now();

    let problem = assert_problem(
        app.post(
            "/api/v1/shifts",
            Some(&admin),
            &body(&derm1, "13", start, -2),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["ends_at"]);

    let problem = assert_problem(
        app.post("/api/v1/shifts", Some(&admin), &body(&gp, "13", start, 2))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["dermatologist_id"]);

    let problem = assert_problem(
        app.post(
            "/api/v1/shifts",
            Some(&admin),
            &body(&derm1, "99", start, 2),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["territory"]);

    let problem = assert_problem(
        app.get(
            "/api/v1/shifts?territory=13&from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z",
            Some(&admin),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["to"]);
    assert_problem(
        app.get("/api/v1/shifts?territory=13&from=yesterday", Some(&admin))
            .await,
        400,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn a_dermatologist_is_not_on_call_twice_at_once_in_one_territory() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let (derm1, derm2) = (app.user("derm1").await, app.user("derm2").await);
    let start = app.now() + Duration::days(20);
    let post = |body: serde_json::Value| {
        let (app, coord) = (&app, &coord);
        async move { app.post("/api/v1/shifts", Some(coord), &body).await }
    };
    let first: Shift = post(body(&derm2, "13", start, 12))
        .await
        .json()
        .await
        .unwrap();

    // Across its start, across its end, inside it, around it.
    for (from_hour, hours) in [(-2, 3), (11, 5), (2, 2), (-1, 14)] {
        let res = post(body(
            &derm2,
            "13",
            start + Duration::hours(from_hour),
            hours,
        ))
        .await;
        let problem = assert_problem(res, 409, "conflict").await;
        assert!(
            problem.detail.contains(&first.id.to_string()),
            "{}",
            problem.detail
        );
    }
    // Back to back, in another territory, or another dermatologist: fine.
    let end = start + Duration::hours(12);
    for ok in [
        body(&derm2, "13", end, 4),
        body(&derm2, "84", start, 12),
        body(&derm1, "13", start, 12),
    ] {
        assert_eq!(post(ok).await.status(), 201);
    }
    let window = format!(
        "territory=13&from={}&to={}",
        start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (end + Duration::hours(4)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    assert_eq!(list(&app, &coord, &window).await.len(), 3);
}

#[tokio::test]
async fn of_concurrent_overlapping_shifts_exactly_one_is_stored() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let derm2 = app.user("derm2").await;
    let start = app.now() + Duration::days(20);
    let attempts = (0..8).map(|i| {
        let shift = body(&derm2, "13", start + Duration::minutes(i), 6);
        let (app, coord) = (&app, &coord);
        async move { app.post("/api/v1/shifts", Some(coord), &shift).await }
    });
    let mut statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn the_demo_rota_tops_up_without_overlapping_itself() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let derm1 = app.user("derm1").await;
    let first = list(&app, &coord, "territory=13").await;
    // Nine days later the first week is nearly over: the top-up starts where it ends.
    let later = Utc::now() + Duration::days(9);
    telederm_server::demo::top_up_rota(app.state.repo.as_ref(), later)
        .await
        .unwrap();
    let window = format!(
        "territory=13&from={}&to={}",
        (later - Duration::days(20)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (later + Duration::days(20)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let mine: Vec<Shift> = list(&app, &coord, &window)
        .await
        .into_iter()
        .filter(|s| s.dermatologist_id == derm1.id)
        .collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_eq!(mine[0], first[0]);
    assert_eq!(mine[1].starts_at, mine[0].ends_at);
    assert!(mine[1].ends_at >= later + Duration::days(7));
}

#[tokio::test]
async fn the_default_listing_starts_at_the_server_clock() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let derm2 = app.user("derm2").await;
    // Far past the demo rota, so only this shift can be in the default window.
    let server_now = Utc::now() + Duration::days(60);
    app.clock.set(server_now);
    let start = server_now + Duration::days(2);
    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &body(&derm2, "13", start, 12),
        )
        .await;
    assert_eq!(res.status(), 201);
    let shift: Shift = res.json().await.unwrap();
    assert_eq!(
        list(&app, &coord, "territory=13").await,
        std::slice::from_ref(&shift)
    );
}

#[tokio::test]
async fn a_shift_is_moved_in_place_by_its_territorys_coordinator_only() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let derm2 = app.user("derm2").await;
    let start = Utc::now() + Duration::days(10);
    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &body(&derm2, "13", start, 12),
        )
        .await;
    let shift: Shift = res.json().await.unwrap();
    let later = serde_json::json!({"starts_at": start + Duration::hours(2),
                                   "ends_at": start + Duration::hours(10)});
    let path = format!("/api/v1/shifts/{}", shift.id);

    // Neither a dermatologist nor a GP.
    for who in ["derm1", "gp13"] {
        let token = app.token(who).await;
        assert_problem(
            app.patch(&path, Some(&token), &later).await,
            403,
            "forbidden",
        )
        .await;
    }
    let res = app.patch(&path, Some(&coord), &later).await;
    assert_eq!(res.status(), 200);
    let moved: Shift = res.json().await.unwrap();
    assert_eq!(moved.id, shift.id);
    assert_eq!(moved.dermatologist.name, shift.dermatologist.name);
    assert_eq!(moved.ends_at - moved.starts_at, Duration::hours(8));

    // Backwards, or onto another of the dermatologist's shifts: refused.
    let backwards = serde_json::json!({"starts_at": start + Duration::hours(5),
                                       "ends_at": start + Duration::hours(1)});
    assert_problem(
        app.patch(&path, Some(&coord), &backwards).await,
        422,
        "validation_failed",
    )
    .await;
    let other = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &body(&derm2, "13", start + Duration::hours(20), 4),
        )
        .await;
    assert_eq!(other.status(), 201);
    let onto = serde_json::json!({"starts_at": start + Duration::hours(18),
                                  "ends_at": start + Duration::hours(22)});
    assert_problem(app.patch(&path, Some(&coord), &onto).await, 409, "conflict").await;
    assert_problem(
        app.patch(
            &format!("/api/v1/shifts/{}", uuid::Uuid::new_v4()),
            Some(&coord),
            &later,
        )
        .await,
        404,
        "not_found",
    )
    .await;
}
