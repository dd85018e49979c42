use chrono::{Duration, Utc};
use telederm_schemas::{Role, TokenResponse, User};
use telederm_tests::{assert_problem, spawn_app, DEMO_PASSWORD};

#[tokio::test]
async fn login_returns_a_short_lived_token_that_opens_me() {
    let app = spawn_app().await;
    let res = app.login_response("gp13@demo.test", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 200);
    let token: TokenResponse = res.json().await.unwrap();
    assert_eq!(token.token_type, "Bearer");
    let lifetime = token.expires_at - Utc::now();
    assert!(lifetime > Duration::minutes(55) && lifetime <= Duration::hours(1));

    let me: User = app.me(&token.access_token).await.json().await.unwrap();
    assert_eq!(me.email, "gp13@demo.test");
    assert_eq!(me.role, Role::Gp);
    assert_eq!(me.home_territory.as_deref(), Some("13"));
}

#[tokio::test]
async fn email_case_and_spaces_do_not_matter() {
    let app = spawn_app().await;
    let res = app
        .login_response("  Derm1@Demo.TEST ", DEMO_PASSWORD)
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = assert_problem(
        app.login_response("gp13@demo.test", "not-the-password")
            .await,
        401,
        "unauthenticated",
    )
    .await;
    let unknown = assert_problem(
        app.login_response("nobody@demo.test", DEMO_PASSWORD).await,
        401,
        "unauthenticated",
    )
    .await;
    let malformed = assert_problem(
        app.login_response("not an email", DEMO_PASSWORD).await,
        401,
        "unauthenticated",
    )
    .await;
    assert_eq!(wrong.detail, unknown.detail);
    assert_eq!(wrong.detail, malformed.detail);
    assert_eq!(wrong.title, unknown.title);
}

#[tokio::test]
async fn me_without_a_token_is_401() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/me", None).await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_problem(res, 401, "unauthenticated").await;
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic Z3AxMzpkZW1v")
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "unauthenticated").await;
}

#[tokio::test]
async fn repeated_failures_for_an_account_are_rate_limited() {
    let app = spawn_app().await;
    let limit = app.settings.auth.max_failures_per_account;
    for _ in 0..limit {
        let res = app.login_response("gp13@demo.test", "wrong-password").await;
        assert_eq!(res.status(), 401);
    }
    // Locked now, even with the right password.
    let res = app.login_response("gp13@demo.test", DEMO_PASSWORD).await;
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= app.settings.auth.login_failure_window_secs);
    assert_problem(res, 429, "rate_limited").await;
    // Another account is not affected.
    let res = app.login_response("gp84@demo.test", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn repeated_failures_from_an_address_are_rate_limited() {
    let app = spawn_app().await;
    let limit = app.settings.auth.max_failures_per_address;
    for i in 0..limit {
        let res = app
            .login_response(&format!("guess{i}@demo.test"), "wrong-password")
            .await;
        assert_eq!(res.status(), 401);
    }
    assert_problem(
        app.login_response("gp84@demo.test", DEMO_PASSWORD).await,
        429,
        "rate_limited",
    )
    .await;
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_its_token_stops_working() {
    let app = spawn_app().await;
    let gp_token = app.token("gp84").await;
    let gp = app.user("gp84").await;
    let admin = app.token("admin").await;

    let res = app
        .post(
            &format!("/api/v1/users/{}/disable", gp.id),
            Some(&admin),
            &(),
        )
        .await;
    assert_eq!(res.status(), 200);
    let disabled: User = res.json().await.unwrap();
    assert!(disabled.disabled);

    assert_problem(app.me(&gp_token).await, 401, "unauthenticated").await;
    assert_problem(
        app.login_response("gp84@demo.test", DEMO_PASSWORD).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_limit() {
    let app = spawn_app().await;
    let limit = app.settings.auth.max_failures_per_account as usize;
    let guesses = (0..40).map(|i| {
        app.login_response(
            "gp13@demo.test",
            if i % 2 == 0 { "guess-a" } else { "guess-b" },
        )
    });
    let statuses: Vec<u16> = futures_util::future::join_all(guesses)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        limit,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 40 - limit);
}
