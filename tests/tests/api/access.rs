//! Every administration and rota endpoint, called by every role: the expected status of each.

use chrono::{Duration, Utc};
use serde_json::json;
use telederm_schemas::Shift;
use telederm_tests::{spawn_app, TestApp};

#[derive(Debug, Clone, Copy)]
enum Endpoint {
    ListUsers,
    ListDermatologists,
    CreateUser,
    DisableUser,
    ListTerritories,
    GetTerritory,
    CreateTerritory,
    UpdateTerritory,
    SetTerritoryCalendar,
    ListShifts,
    CreateShift,
    DeleteShift,
}

/// Caller columns: anonymous, gp, dermatologist, coordinator (of 13 and 84), admin.
const CALLERS: [Option<&str>; 5] = [
    None,
    Some("gp13"),
    Some("derm1"),
    Some("coord"),
    Some("admin"),
];

const MATRIX: [(Endpoint, [u16; 5]); 12] = [
    (Endpoint::ListUsers, [401, 403, 403, 403, 200]),
    (Endpoint::ListDermatologists, [401, 403, 403, 200, 200]),
    (Endpoint::CreateUser, [401, 403, 403, 403, 201]),
    (Endpoint::DisableUser, [401, 403, 403, 403, 200]),
    (Endpoint::ListTerritories, [401, 200, 200, 200, 200]),
    (Endpoint::GetTerritory, [401, 200, 200, 200, 200]),
    (Endpoint::CreateTerritory, [401, 403, 403, 403, 201]),
    (Endpoint::UpdateTerritory, [401, 403, 403, 403, 200]),
    (Endpoint::SetTerritoryCalendar, [401, 403, 403, 200, 200]),
    (Endpoint::ListShifts, [401, 403, 200, 200, 200]),
    (Endpoint::CreateShift, [401, 403, 403, 201, 201]),
    (Endpoint::DeleteShift, [401, 403, 403, 204, 204]),
];

async fn call(app: &TestApp, admin: &str, endpoint: Endpoint, token: Option<&str>) -> u16 {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let derm1 = app.user("derm1").await.id;
    // A dermatologist's shifts in a territory may not overlap: each call gets its own day.
    static CALLS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
    let nth = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let start = Utc::now() + Duration::days(30 + nth);
    let shift_body = json!({
        "dermatologist_id": derm1, "territory": "13",
        "starts_at": start, "ends_at": start + Duration::hours(12),
    });
    let res = match endpoint {
        Endpoint::ListUsers => app.get("/api/v1/users", token).await,
        Endpoint::ListDermatologists => app.get("/api/v1/users?role=dermatologist", token).await,
        Endpoint::CreateUser => {
            let body = json!({
                "email": format!("{unique}@example.fr"), "display_name": "New GP",
                "role": "gp", "password": "a-long-enough-password", "home_territory": "13",
            });
            app.post("/api/v1/users", token, &body).await
        }
        Endpoint::DisableUser => {
            // A fresh victim each time, created by the admin.
            let body = json!({
                "email": format!("{unique}@example.fr"), "display_name": "Victim",
                "role": "dermatologist", "password": "a-long-enough-password",
            });
            let created: telederm_schemas::User = app
                .post("/api/v1/users", Some(admin), &body)
                .await
                .json()
                .await
                .unwrap();
            app.post(&format!("/api/v1/users/{}/disable", created.id), token, &())
                .await
        }
        Endpoint::ListTerritories => app.get("/api/v1/territories", token).await,
        Endpoint::GetTerritory => app.get("/api/v1/territories/13", token).await,
        Endpoint::CreateTerritory => {
            let body = json!({"code": format!("t-{}", &unique[..12]), "name": "New territory"});
            app.post("/api/v1/territories", token, &body).await
        }
        Endpoint::UpdateTerritory => {
            app.patch(
                "/api/v1/territories/84",
                token,
                &json!({"name": "Vaucluse"}),
            )
            .await
        }
        Endpoint::SetTerritoryCalendar => {
            let hours = json!({"days": ["mon", "tue", "wed", "thu", "fri"],
                               "start": "08:00", "end": "19:00"});
            app.patch(
                "/api/v1/territories/84",
                token,
                &json!({"working_hours": hours, "holidays": ["2026-12-25"]}),
            )
            .await
        }
        Endpoint::ListShifts => app.get("/api/v1/shifts?territory=13", token).await,
        Endpoint::CreateShift => app.post("/api/v1/shifts", token, &shift_body).await,
        Endpoint::DeleteShift => {
            let shift: Shift = app
                .post("/api/v1/shifts", Some(admin), &shift_body)
                .await
                .json()
                .await
                .unwrap();
            app.delete(&format!("/api/v1/shifts/{}", shift.id), token)
                .await
        }
    };
    res.status().as_u16()
}

#[tokio::test]
async fn every_endpoint_refuses_every_role_that_may_not_use_it() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let mut tokens = Vec::new();
    for caller in CALLERS {
        tokens.push(match caller {
            Some(user) => Some(app.token(user).await),
            None => None,
        });
    }
    let mut mismatches = Vec::new();
    for (endpoint, expected) in MATRIX {
        for (i, caller) in CALLERS.iter().enumerate() {
            let got = call(&app, &admin, endpoint, tokens[i].as_deref()).await;
            if got != expected[i] {
                mismatches.push(format!(
                    "{endpoint:?} as {}: expected {}, got {got}",
                    caller.unwrap_or("anonymous"),
                    expected[i]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
