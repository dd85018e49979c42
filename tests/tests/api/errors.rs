//! Bad requests of every kind get the same problem+json format.

use serde_json::json;
use telederm_schemas::Problem;
use telederm_tests::{assert_problem, case_json, fixtures, spawn_app};

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app().await;
    let res = app
        .post_raw(
            "/api/v1/auth/login",
            "application/json",
            "{\"email\": ".into(),
        )
        .await;
    assert_problem(res, 400, "bad_request").await;
}

#[tokio::test]
async fn a_missing_field_is_a_validation_error() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": "a@b.fr"}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert!(problem.detail.len() < 200);
    assert_eq!(errors(&problem), [("password", "is required")]);
}

#[tokio::test]
async fn every_missing_or_invalid_field_of_a_body_is_reported() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &json!({"territory": 13, "starts_at": "tomorrow morning", "ends_at": null}),
        )
        .await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(problem.detail, "the request has invalid fields");
    assert_eq!(
        errors(&problem),
        [
            ("dermatologist_id", "is required"),
            ("territory", "invalid type: integer `13`, expected a string"),
            ("starts_at", "input contains invalid characters"),
            ("ends_at", "is required"),
        ]
    );
}

#[tokio::test]
async fn every_missing_or_invalid_field_of_a_case_part_is_reported() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let mut case = case_json();
    let fields = case.as_object_mut().unwrap();
    fields.remove("consent");
    fields.insert("priority".into(), json!("whenever"));
    fields.insert("age".into(), json!(-3));
    let photo = vec![("overview", fixtures::read("small.jpg"))];
    let res = app.submit_case(&gp, &case, &photo).await;
    let problem = assert_problem(res, 422, "validation_failed").await;
    assert_eq!(
        errors(&problem),
        [
            (
                "priority",
                "unknown variant `whenever`, expected `urgent` or `routine`"
            ),
            ("age", "invalid value: integer `-3`, expected u16"),
            ("consent", "is required"),
        ]
    );
}

fn errors(problem: &Problem) -> Vec<(&str, &str)> {
    problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect()
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let res = app
        .post_raw("/api/v1/auth/login", "text/plain", "email=a".into())
        .await;
    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = spawn_app().await;
    let huge = format!(
        "{{\"email\":\"a@b.fr\",\"password\":\"{}\"}}",
        "x".repeat(app.settings.http.max_json_bytes + 1)
    );
    let res = app
        .post_raw("/api/v1/auth/login", "application/json", huge)
        .await;
    assert_problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn a_bad_path_id_is_a_bad_request() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post("/api/v1/users/not-a-uuid/disable", Some(&admin), &())
        .await;
    assert_problem(res, 400, "bad_request").await;
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let app = spawn_app().await;
    assert_problem(
        app.get("/api/v1/nothing-here", None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.delete("/api/v1/auth/login", None).await,
        405,
        "method_not_allowed",
    )
    .await;
}
