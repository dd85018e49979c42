use serde_json::json;
use telederm_schemas::{Role, User};
use telederm_tests::{assert_problem, fields, spawn_app};

#[tokio::test]
async fn an_admin_creates_users_who_can_then_log_in() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({
        "email": "Dr.Nouveau@Example.FR", "display_name": "Dr Nouveau", "role": "coordinator",
        "password": "a-long-enough-password", "territories": ["84", "13"],
        "rpps": "10101010101", "webhook_url": "https://hooks.example.fr/telederm",
    });
    let res = app.post("/api/v1/users", Some(&admin), &body).await;
    assert_eq!(res.status(), 201);
    let user: User = res.json().await.unwrap();
    assert_eq!(user.email, "dr.nouveau@example.fr");
    assert_eq!(user.role, Role::Coordinator);
    assert_eq!(user.territories, ["13", "84"]);
    assert_eq!(user.rpps.as_deref(), Some("10101010101"));
    assert!(!user.disabled);

    let res = app
        .login_response("dr.nouveau@example.fr", "a-long-enough-password")
        .await;
    assert_eq!(res.status(), 200);

    let all: Vec<User> = app
        .get("/api/v1/users", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    assert!(all.iter().any(|u| u.id == user.id));
    assert!(!serde_json::to_string(&all).unwrap().contains("argon2"));
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({
        "email": "not-an-email", "display_name": "", "role": "gp",
        "password": "short", "rpps": "123", "webhook_url": "ftp://x",
    });
    let problem = assert_problem(
        app.post("/api/v1/users", Some(&admin), &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        [
            "email",
            "display_name",
            "password",
            "home_territory",
            "rpps",
            "webhook_url"
        ]
    );
}

#[tokio::test]
async fn territories_must_exist_and_match_the_role() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let base =
        json!({"email": "x@example.fr", "display_name": "X", "password": "a-long-enough-password"});
    let with = |extra: serde_json::Value| {
        let mut b = base.clone();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    for (body, field) in [
        (
            with(json!({"role": "gp", "home_territory": "99"})),
            "home_territory",
        ),
        (
            with(json!({"role": "coordinator", "territories": ["13", "nowhere"]})),
            "territories",
        ),
        (with(json!({"role": "coordinator"})), "territories"),
        (
            with(json!({"role": "dermatologist", "home_territory": "13"})),
            "home_territory",
        ),
        (
            with(json!({"role": "admin", "territories": ["13"]})),
            "territories",
        ),
    ] {
        let problem = assert_problem(
            app.post("/api/v1/users", Some(&admin), &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), [field], "{body}");
    }
    // Nothing was created on the way.
    let all: Vec<User> = app
        .get("/api/v1/users", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
}

#[tokio::test]
async fn an_unknown_role_is_a_validation_error() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"email": "x@example.fr", "display_name": "X", "role": "superuser",
                      "password": "a-long-enough-password"});
    assert_problem(
        app.post("/api/v1/users", Some(&admin), &body).await,
        422,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn an_email_is_used_once() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"email": "GP13@demo.test", "display_name": "Copy", "role": "admin",
                      "password": "a-long-enough-password"});
    assert_problem(
        app.post("/api/v1/users", Some(&admin), &body).await,
        409,
        "conflict",
    )
    .await;
}

#[tokio::test]
async fn coordinators_list_only_dermatologists() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let derms: Vec<User> = app
        .get("/api/v1/users?role=dermatologist", Some(&coord))
        .await
        .json()
        .await
        .unwrap();
    let mut emails: Vec<_> = derms.iter().map(|u| u.email.as_str()).collect();
    emails.sort();
    assert_eq!(emails, ["derm1@demo.test", "derm2@demo.test"]);
    assert_problem(
        app.get("/api/v1/users?role=gp", Some(&coord)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn disabling_unknown_users_or_oneself_is_refused() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let me = app.user("admin").await;
    let missing = uuid::Uuid::new_v4();
    assert_problem(
        app.post(
            &format!("/api/v1/users/{missing}/disable"),
            Some(&admin),
            &(),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/users/{}/disable", me.id),
            Some(&admin),
            &(),
        )
        .await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(app.me(&admin).await.status(), 200);
}

#[tokio::test]
async fn only_admins_see_webhook_urls() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let body = json!({"email": "hooked@example.fr", "display_name": "Dr Hook", "role": "dermatologist",
                      "password": "a-long-enough-password",
                      "webhook_url": "https://hooks.example.fr/t/secret-token"});
    assert_eq!(
        app.post("/api/v1/users", Some(&admin), &body)
            .await
            .status(),
        201
    );
    let find = |users: Vec<User>| {
        users
            .into_iter()
            .find(|u| u.email == "hooked@example.fr")
            .unwrap()
    };
    let by_admin: Vec<User> = app
        .get("/api/v1/users", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(find(by_admin).webhook_url.is_some());
    let coord = app.token("coord").await;
    let by_coord: Vec<User> = app
        .get("/api/v1/users?role=dermatologist", Some(&coord))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(find(by_coord).webhook_url, None);
}
