use serde_json::json;
use telederm_schemas::Territory;
use telederm_tests::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn the_demo_territories_back_each_other_up() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let all: Vec<Territory> = app
        .get("/api/v1/territories", Some(&gp))
        .await
        .json()
        .await
        .unwrap();
    let summary: Vec<_> = all
        .iter()
        .map(|t| (t.code.as_str(), t.timezone.as_str(), t.fallbacks.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            ("13", "Europe/Paris", vec!["84".to_owned()]),
            ("84", "Europe/Paris", vec!["13".to_owned()]),
        ]
    );
}

#[tokio::test]
async fn an_admin_creates_and_updates_a_territory() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"code": "CPTS-Etang-de-Berre", "name": "CPTS Étang de Berre",
                      "fallbacks": ["13", "84"]});
    let res = app.post("/api/v1/territories", Some(&admin), &body).await;
    assert_eq!(res.status(), 201);
    let created: Territory = res.json().await.unwrap();
    assert_eq!(created.code, "cpts-etang-de-berre");
    assert_eq!(created.timezone, "Europe/Paris");
    assert_eq!(created.fallbacks, ["13", "84"]);

    let patch = json!({"timezone": "America/Martinique", "fallbacks": ["84"]});
    let res = app
        .patch(
            "/api/v1/territories/cpts-etang-de-berre",
            Some(&admin),
            &patch,
        )
        .await;
    assert_eq!(res.status(), 200);
    let read: Territory = app
        .get("/api/v1/territories/cpts-etang-de-berre", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read.name, "CPTS Étang de Berre");
    assert_eq!(read.timezone, "America/Martinique");
    assert_eq!(read.fallbacks, ["84"]);
}

#[tokio::test]
async fn invalid_territories_are_refused_with_their_fields() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"code": "bad code!", "name": " ", "timezone": "Mars/Olympus",
                      "fallbacks": ["nowhere"]});
    let problem = assert_problem(
        app.post("/api/v1/territories", Some(&admin), &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["code", "name", "timezone"]);

    let body = json!({"code": "05", "name": "Hautes-Alpes", "fallbacks": ["nowhere"]});
    let problem = assert_problem(
        app.post("/api/v1/territories", Some(&admin), &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["fallbacks"]);
    assert_problem(
        app.get("/api/v1/territories/05", Some(&admin)).await,
        404,
        "not_found",
    )
    .await;

    let self_fallback = json!({"fallbacks": ["13"]});
    let problem = assert_problem(
        app.patch("/api/v1/territories/13", Some(&admin), &self_fallback)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["fallbacks"]);
}

#[tokio::test]
async fn duplicate_and_missing_territories() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"code": "13", "name": "Again"});
    assert_problem(
        app.post("/api/v1/territories", Some(&admin), &body).await,
        409,
        "conflict",
    )
    .await;
    assert_problem(
        app.patch(
            "/api/v1/territories/99",
            Some(&admin),
            &json!({"name": "X"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn working_hours_and_holidays_are_set_replaced_and_checked() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"working_hours": {"days": ["mon", "tue", "wed", "thu", "fri", "sat"],
                                        "start": "09:00", "end": "13:00"},
                      "holidays": ["2027-01-01", "2026-12-25"]});
    let res = app
        .patch("/api/v1/territories/84", Some(&admin), &body)
        .await;
    assert_eq!(res.status(), 200);
    let t: Territory = app
        .get("/api/v1/territories/84", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t.working_hours.days.len(), 6);
    assert_eq!(
        (t.working_hours.start.as_str(), t.working_hours.end.as_str()),
        ("09:00", "13:00")
    );
    let holidays: Vec<String> = t.holidays.iter().map(ToString::to_string).collect();
    assert_eq!(holidays, ["2026-12-25", "2027-01-01"], "sorted");
    assert_eq!(t.fallbacks, ["13"], "untouched");

    let res = app
        .patch(
            "/api/v1/territories/84",
            Some(&admin),
            &json!({"holidays": []}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.json::<Territory>().await.unwrap().holidays.is_empty());

    for hours in [
        json!({"days": [], "start": "08:00", "end": "19:00"}),
        json!({"days": ["mon"], "start": "19:00", "end": "08:00"}),
        json!({"days": ["funday"], "start": "08:00", "end": "19:00"}),
        json!({"days": ["mon"], "start": "8h", "end": "19:00"}),
    ] {
        let res = app
            .patch(
                "/api/v1/territories/84",
                Some(&admin),
                &json!({"working_hours": hours}),
            )
            .await;
        let p = assert_problem(res, 422, "validation_failed").await;
        assert_eq!(fields(&p), ["working_hours"]);
    }
    // The territory's coordinator sets its calendar too, but not its name; a GP neither.
    let coord = app.token("coord").await;
    let res = app
        .patch("/api/v1/territories/84", Some(&coord), &body)
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch(
            "/api/v1/territories/84",
            Some(&coord),
            &json!({"name": "Vaucluse"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let gp = app.token("gp13").await;
    let res = app.patch("/api/v1/territories/84", Some(&gp), &body).await;
    assert_problem(res, 403, "forbidden").await;
}
