//! Login throttling cannot be aimed at a user: failures count per client address, and per account
//! from that address, so wrong passwords typed from one address never lock the account's owner
//! out elsewhere. The client address is the TCP peer, or what our own proxies say it is.

use std::net::IpAddr;

use reqwest::Response;
use telederm_schemas::{AuditEntry, AuditPage};
use telederm_server::http::client_addr::TrustedProxies;
use telederm_tests::{assert_problem, spawn_app, spawn_app_with, TestApp, DEMO_PASSWORD};

const ATTACKS: usize = 50;

/// A client whose connections come from this loopback address (127.0.0.0/8 is all loopback).
fn client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(address.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn log_in(
    app: &TestApp,
    client: &reqwest::Client,
    headers: &[(&str, &str)],
    password: &str,
) -> Response {
    let mut req = client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "gp13@demo.test", "password": password}));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.send().await.unwrap()
}

/// `ATTACKS` wrong passwords for gp13: the first ones are refused, then the address is held off.
async fn attack(app: &TestApp, client: &reqwest::Client, headers: &[(&str, &str)]) {
    let limit = app.settings.auth.max_failures_per_account as usize;
    let mut statuses = Vec::new();
    for _ in 0..ATTACKS {
        statuses.push(
            log_in(app, client, headers, "guess")
                .await
                .status()
                .as_u16(),
        );
    }
    let mut expected = vec![401; limit];
    expected.resize(ATTACKS, 429);
    assert_eq!(statuses, expected);
}

/// A 429 `rate_limited` with a `Retry-After` within the failure window.
async fn assert_held_off(app: &TestApp, res: Response) {
    let retry_after: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= app.settings.auth.login_failure_window_secs);
    assert_problem(res, 429, "rate_limited").await;
}

async fn audit(app: &TestApp, admin: &str, action: &str) -> Vec<AuditEntry> {
    let res = app
        .get(&format!("/api/v1/audit?action={action}"), Some(admin))
        .await;
    res.json::<AuditPage>().await.unwrap().entries
}

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_user_out_from_another() {
    let app = spawn_app().await;
    let (attacker, owner) = (client_from("127.0.0.2"), client_from("127.0.0.3"));
    attack(&app, &attacker, &[]).await;

    assert_eq!(log_in(&app, &owner, &[], DEMO_PASSWORD).await.status(), 200);
    // The attacker's address stays held off, even with the right password.
    assert_held_off(&app, log_in(&app, &attacker, &[], DEMO_PASSWORD).await).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    let app = spawn_app_with(
        |s| s.http.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap(),
        |store| store,
    )
    .await;
    // Through our proxy (the test's own 127.0.0.1): the client wrote the first entry itself.
    let from_a = [("x-forwarded-for", "198.51.100.1, 203.0.113.7")];
    attack(&app, &app.client, &from_a).await;

    let from_b = [("forwarded", r#"for="[2001:db8::b]:4711";proto=https"#)];
    assert_eq!(
        log_in(&app, &app.client, &from_b, DEMO_PASSWORD)
            .await
            .status(),
        200
    );
    assert_held_off(
        &app,
        log_in(&app, &app.client, &from_a, DEMO_PASSWORD).await,
    )
    .await;

    // The audit trail names the client, not the proxy.
    let admin = app.token("admin").await;
    let lines = audit(&app, &admin, "auth.login").await;
    let addresses: Vec<_> = lines
        .iter()
        .filter_map(|l| l.detail.as_ref()?["address"].as_str())
        .collect();
    assert!(addresses.contains(&"2001:db8::b"), "{addresses:?}");
    let failed = audit(&app, &admin, "auth.login_failed").await;
    assert_eq!(
        failed.len(),
        app.settings.auth.max_failures_per_account as usize
    );
    assert!(failed
        .iter()
        .all(|l| l.detail.as_ref().unwrap()["address"] == "203.0.113.7"));
}

#[tokio::test]
async fn forwarded_headers_from_an_untrusted_peer_are_ignored() {
    // No trusted proxies (the default): whatever address the headers claim, every attempt
    // counts against the peer.
    let app = spawn_app().await;
    assert_eq!(app.settings.http.trusted_proxies, TrustedProxies::default());
    let limit = app.settings.auth.max_failures_per_account as usize;
    for i in 0..limit {
        let spoofed = format!("203.0.113.{i}");
        let forwarded = format!("for={spoofed}");
        let headers = [
            ("x-forwarded-for", spoofed.as_str()),
            ("forwarded", forwarded.as_str()),
        ];
        let res = log_in(&app, &app.client, &headers, "guess").await;
        assert_eq!(res.status(), 401);
    }
    let fresh = [("x-forwarded-for", "198.51.100.99")];
    assert_held_off(&app, log_in(&app, &app.client, &fresh, DEMO_PASSWORD).await).await;
    let elsewhere = client_from("127.0.0.4");
    assert_eq!(
        log_in(&app, &elsewhere, &[], DEMO_PASSWORD).await.status(),
        200
    );
}
