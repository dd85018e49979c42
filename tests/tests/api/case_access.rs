//! Every case and queue endpoint, called by every role, in each situation that matters: the
//! expected status of each cell. Each cell gets a fresh case, so calls do not affect each other.
//! A caller of the wrong role gets 403; a caller who may not know the case (another GP; derm2,
//! who is not on call for its territory) gets 404 whatever its state; derm3, who works the
//! territory, is told why it may not act (403 someone else's claim, 409 the state).

use chrono::{Duration, Utc};
use serde_json::json;
use telederm_schemas::Case;
use telederm_tests::{case_json, fixtures, spawn_app, TestApp};

/// The state a fresh case is put in before the call.
#[derive(Debug, Clone, Copy)]
enum Situation {
    /// Queued in territory 13 (gp13's; derm1 and derm3 on call there, derm2 not).
    Queued,
    /// Claimed by derm1.
    Claimed,
    /// derm1 asked gp13 for information.
    InfoRequested,
    /// Answered by derm1.
    Answered,
}

#[derive(Debug, Clone, Copy)]
enum Call {
    Read,
    Photo,
    Claim,
    Release,
    Answer,
    RequestInfo,
    Reply,
    Cancel,
    Close,
    Outcome,
}

/// Callers: anonymous, gp13 (the case's GP), gp84 (another GP), derm1 (on call for 13; claims in
/// the situations), derm2 (on call for 84 only), derm3 (also on call for 13), coord, admin.
const CALLERS: [&str; 8] = [
    "anonymous",
    "gp13",
    "gp84",
    "derm1",
    "derm2",
    "derm3",
    "coord",
    "admin",
];

use Call::*;
use Situation::*;

const MATRIX: &[(Call, Situation, [u16; 8])] = &[
    (Read, Queued, [401, 200, 404, 404, 404, 404, 403, 403]),
    (Read, Claimed, [401, 200, 404, 200, 404, 404, 403, 403]),
    (
        Read,
        InfoRequested,
        [401, 200, 404, 200, 404, 404, 403, 403],
    ),
    (Read, Answered, [401, 200, 404, 200, 404, 404, 403, 403]),
    (Photo, Queued, [401, 200, 404, 200, 404, 200, 403, 403]),
    (Photo, Claimed, [401, 200, 404, 200, 404, 404, 403, 403]),
    (Claim, Queued, [401, 403, 403, 200, 404, 200, 403, 403]),
    (Claim, Claimed, [401, 403, 403, 409, 404, 409, 403, 403]),
    (Claim, Answered, [401, 403, 403, 409, 404, 409, 403, 403]),
    (Release, Claimed, [401, 403, 403, 204, 404, 403, 403, 403]),
    (Release, Queued, [401, 403, 403, 409, 404, 409, 403, 403]),
    (Answer, Claimed, [401, 403, 403, 200, 404, 403, 403, 403]),
    (Answer, Queued, [401, 403, 403, 409, 404, 409, 403, 403]),
    (Answer, Answered, [401, 403, 403, 409, 404, 409, 403, 403]),
    (
        RequestInfo,
        Claimed,
        [401, 403, 403, 200, 404, 403, 403, 403],
    ),
    (
        RequestInfo,
        InfoRequested,
        [401, 403, 403, 409, 404, 409, 403, 403],
    ),
    (
        Reply,
        InfoRequested,
        [401, 200, 404, 403, 403, 403, 403, 403],
    ),
    (Reply, Queued, [401, 409, 404, 403, 403, 403, 403, 403]),
    (Cancel, Queued, [401, 200, 404, 403, 403, 403, 403, 403]),
    (Cancel, Answered, [401, 409, 404, 403, 403, 403, 403, 403]),
    (Close, Answered, [401, 200, 404, 403, 403, 403, 403, 403]),
    (Close, Claimed, [401, 409, 404, 403, 403, 403, 403, 403]),
    (Outcome, Answered, [401, 200, 404, 200, 404, 404, 403, 403]),
    (Outcome, Claimed, [401, 409, 404, 404, 404, 404, 403, 403]),
];

struct World {
    tokens: Vec<Option<String>>,
}

impl World {
    async fn new(app: &TestApp) -> World {
        let admin = app.token("admin").await;
        let derm3 = json!({"email": "derm3@example.fr", "display_name": "Derm 3",
                           "role": "dermatologist", "password": "a-long-enough-password"});
        let derm3: telederm_schemas::User = app
            .post("/api/v1/users", Some(&admin), &derm3)
            .await
            .json()
            .await
            .unwrap();
        let shift = json!({"dermatologist_id": derm3.id, "territory": "13",
                           "starts_at": Utc::now() - Duration::hours(1),
                           "ends_at": Utc::now() + Duration::hours(8)});
        assert_eq!(
            app.post("/api/v1/shifts", Some(&admin), &shift)
                .await
                .status(),
            201
        );
        let mut tokens = Vec::new();
        for caller in CALLERS {
            tokens.push(match caller {
                "anonymous" => None,
                "derm3" => Some(
                    app.login_response("derm3@example.fr", "a-long-enough-password")
                        .await
                        .json::<telederm_schemas::TokenResponse>()
                        .await
                        .unwrap()
                        .access_token,
                ),
                user => Some(app.token(user).await),
            });
        }
        World { tokens }
    }

    fn token(&self, caller: &str) -> &str {
        let i = CALLERS.iter().position(|c| *c == caller).unwrap();
        self.tokens[i].as_deref().unwrap()
    }

    async fn case_in(&self, app: &TestApp, situation: Situation) -> Case {
        let photo = vec![("overview", fixtures::jpeg(&fixtures::lesion(16, 16)))];
        let (gp, derm) = (self.token("gp13"), self.token("derm1"));
        let case: Case = app
            .submit_case(gp, &case_json(), &photo)
            .await
            .json()
            .await
            .unwrap();
        let path = |action: &str| format!("/api/v1/cases/{}/{action}", case.id);
        if matches!(situation, Claimed | InfoRequested | Answered) {
            assert_eq!(
                app.post(&path("claim"), Some(derm), &()).await.status(),
                200
            );
        }
        if matches!(situation, InfoRequested) {
            let ask = json!({"message": "More, please."});
            assert_eq!(
                app.post(&path("request-info"), Some(derm), &ask)
                    .await
                    .status(),
                200
            );
        }
        if matches!(situation, Answered) {
            assert_eq!(
                app.post(&path("answer"), Some(derm), &answer())
                    .await
                    .status(),
                200
            );
        }
        case
    }
}

fn answer() -> serde_json::Value {
    json!({"diagnosis": "Seborrhoeic keratosis", "management": "reassure", "report": "Benign."})
}

async fn call(app: &TestApp, case: &Case, call: Call, token: Option<&str>) -> u16 {
    let path = |action: &str| format!("/api/v1/cases/{}/{action}", case.id);
    let res = match call {
        Read => app.get(&format!("/api/v1/cases/{}", case.id), token).await,
        Photo => {
            app.get(&path(&format!("photos/{}", case.photos[0].id)), token)
                .await
        }
        Claim => app.post(&path("claim"), token, &()).await,
        Release => app.post(&path("release"), token, &()).await,
        Answer => app.post(&path("answer"), token, &answer()).await,
        RequestInfo => {
            app.post(&path("request-info"), token, &json!({"message": "?"}))
                .await
        }
        Reply => {
            app.post(&path("reply"), token, &json!({"message": "Here."}))
                .await
        }
        Cancel => app.post(&path("cancel"), token, &()).await,
        Close => app.post(&path("close"), token, &json!({"rating": 4})).await,
        Outcome => {
            // The territory's day (Paris), as the server dates the case.
            let today = Utc::now()
                .with_timezone(&chrono_tz::Europe::Paris)
                .date_naive();
            app.post(&path("outcome"), token, &json!({"biopsy_date": today}))
                .await
        }
    };
    res.status().as_u16()
}

#[tokio::test]
async fn every_case_endpoint_for_every_role_and_situation() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    let mut mismatches = Vec::new();
    for (what, situation, expected) in MATRIX {
        for (i, caller) in CALLERS.iter().enumerate() {
            let case = world.case_in(&app, *situation).await;
            let got = call(&app, &case, *what, world.tokens[i].as_deref()).await;
            if got != expected[i] {
                mismatches.push(format!(
                    "{what:?} on a {situation:?} case as {caller}: expected {}, got {got}",
                    expected[i]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test]
async fn queue_endpoints_for_every_role() {
    let app = spawn_app().await;
    let world = World::new(&app).await;
    world.case_in(&app, Queued).await;
    // (method, path, expected per caller)
    let rows: [(&str, &str, [u16; 8]); 3] = [
        (
            "GET",
            "/api/v1/queue",
            [401, 403, 403, 200, 200, 200, 403, 403],
        ),
        (
            "GET",
            "/api/v1/cases",
            [401, 200, 200, 403, 403, 403, 403, 403],
        ),
        // derm1 takes the only case of 13; derm2's queue (84) is empty; derm3 comes after derm1.
        (
            "POST",
            "/api/v1/queue/claim-next",
            [401, 403, 403, 200, 204, 204, 403, 403],
        ),
    ];
    let mut mismatches = Vec::new();
    for (method, path, expected) in rows {
        for (i, caller) in CALLERS.iter().enumerate() {
            let token = world.tokens[i].as_deref();
            let res = if method == "GET" {
                app.get(path, token).await
            } else {
                app.post(path, token, &()).await
            };
            if res.status().as_u16() != expected[i] {
                mismatches.push(format!(
                    "{method} {path} as {caller}: expected {}, got {}",
                    expected[i],
                    res.status()
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
