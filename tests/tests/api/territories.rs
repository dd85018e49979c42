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
