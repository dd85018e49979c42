//! Tokens the server must refuse: expired, not yet valid, signed with another key, `alg: none`,
//! wrong audience or issuer, missing claims.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::Utc;
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};
use telederm_tests::{assert_problem, spawn_app, TestApp, TEST_SIGNING_KEY};

fn claims(app: &TestApp, sub: uuid::Uuid) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "sub": sub, "role": "admin",
        "iss": app.settings.auth.issuer, "aud": app.settings.auth.audience,
        "iat": now, "nbf": now, "exp": now + 600, "jti": uuid::Uuid::new_v4(),
    })
}

fn sign(claims: &Value, key: &[u8]) -> String {
    telederm_server::auth::hs256::install();
    encode(&Header::default(), claims, &EncodingKey::from_secret(key)).unwrap()
}

/// HS512 by hand: the server's jsonwebtoken provider signs HS256 only.
fn sign_hs512(claims: &Value, key: &[u8]) -> String {
    use hmac::Mac;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = hmac::Hmac::<sha2::Sha512>::new_from_slice(key).unwrap();
    mac.update(format!("{header}.{payload}").as_bytes());
    let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{tag}")
}

async fn admin_id(app: &TestApp) -> uuid::Uuid {
    app.user("admin").await.id
}

#[tokio::test]
async fn a_well_formed_forged_token_is_accepted_only_with_every_claim_right() {
    // The control: the claims built here do open the API, so every refusal below is meaningful.
    let app = spawn_app().await;
    let good = claims(&app, admin_id(&app).await);
    assert_eq!(app.me(&sign(&good, &TEST_SIGNING_KEY)).await.status(), 200);
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let app = spawn_app().await;
    let mut c = claims(&app, admin_id(&app).await);
    let past = Utc::now().timestamp() - 3600;
    c["iat"] = json!(past - 600);
    c["nbf"] = json!(past - 600);
    c["exp"] = json!(past);
    assert_problem(
        app.me(&sign(&c, &TEST_SIGNING_KEY)).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn tokens_not_yet_valid_are_refused() {
    let app = spawn_app().await;
    let mut c = claims(&app, admin_id(&app).await);
    c["nbf"] = json!(Utc::now().timestamp() + 600);
    c["exp"] = json!(Utc::now().timestamp() + 1200);
    assert_problem(
        app.me(&sign(&c, &TEST_SIGNING_KEY)).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn tokens_signed_with_another_key_are_refused() {
    let app = spawn_app().await;
    let c = claims(&app, admin_id(&app).await);
    assert_problem(app.me(&sign(&c, &[7u8; 32])).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn alg_none_is_refused() {
    let app = spawn_app().await;
    let c = claims(&app, admin_id(&app).await);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(c.to_string());
    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        assert_problem(app.me(&token).await, 401, "unauthenticated").await;
    }
}

#[tokio::test]
async fn other_algorithms_are_refused() {
    let app = spawn_app().await;
    let c = claims(&app, admin_id(&app).await);
    let token = sign_hs512(&c, &TEST_SIGNING_KEY);
    assert_problem(app.me(&token).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn wrong_or_missing_audience_and_issuer_are_refused() {
    let app = spawn_app().await;
    let id = admin_id(&app).await;
    let mut wrong_aud = claims(&app, id);
    wrong_aud["aud"] = json!("another-api");
    let mut no_aud = claims(&app, id);
    no_aud.as_object_mut().unwrap().remove("aud");
    let mut wrong_iss = claims(&app, id);
    wrong_iss["iss"] = json!("someone-else");
    let mut no_iss = claims(&app, id);
    no_iss.as_object_mut().unwrap().remove("iss");
    let mut no_nbf = claims(&app, id);
    no_nbf.as_object_mut().unwrap().remove("nbf");
    let mut no_exp = claims(&app, id);
    no_exp.as_object_mut().unwrap().remove("exp");
    for c in [wrong_aud, no_aud, wrong_iss, no_iss, no_nbf, no_exp] {
        let res = app.me(&sign(&c, &TEST_SIGNING_KEY)).await;
        assert_problem(res, 401, "unauthenticated").await;
    }
}

#[tokio::test]
async fn a_token_for_an_unknown_user_is_refused() {
    let app = spawn_app().await;
    let c = claims(&app, uuid::Uuid::new_v4());
    assert_problem(
        app.me(&sign(&c, &TEST_SIGNING_KEY)).await,
        401,
        "unauthenticated",
    )
    .await;
}
