use telederm_tests::spawn_app;

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status(), 200);
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let id = uuid::Uuid::new_v4();
    app.post(&format!("/api/v1/users/{id}/disable"), Some(&admin), &())
        .await;
    let body = app.get("/metrics", None).await.text().await.unwrap();
    assert!(body.contains(
        r#"telederm_http_requests_total{method="POST",route="/api/v1/users/{id}/disable",status="404"} 1"#
    ), "{body}");
    assert!(body.contains(
        r#"telederm_http_request_duration_seconds_bucket{method="POST",route="/api/v1/auth/login""#
    ));
    // Ids stay out of labels.
    assert!(!body.contains(&id.to_string()));
    // Made-up methods do not make new series.
    for method in ["FOO", "BAR"] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        app.client
            .request(m, app.url("/healthz"))
            .send()
            .await
            .unwrap();
    }
    let body = app.get("/metrics", None).await.text().await.unwrap();
    assert!(!body.contains("FOO") && !body.contains("BAR"));
    assert!(body.contains(r#"method="other""#));
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let a = app.get("/healthz", None).await;
    let b = app.get("/healthz", None).await;
    let id_a = a.headers()["x-request-id"].to_str().unwrap();
    let id_b = b.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id_a, id_b);
    assert!(uuid::Uuid::parse_str(id_a).is_ok());
}

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let app = spawn_app().await;
    let served = app
        .get("/api/v1/openapi.json", None)
        .await
        .text()
        .await
        .unwrap();
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/openapi.json");
    let generated = telederm_server::openapi::document();
    if std::env::var("TELEDERM_BLESS").is_ok() {
        std::fs::write(committed_path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert_eq!(served, generated);
    assert!(
        committed == generated,
        "schemas/openapi.json is stale: run `cargo run -p telederm-server -- openapi > schemas/openapi.json`"
    );
    let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/shifts/{id}"]["delete"].is_object());
}
