//! Short steps of a case's story, for tests that need a case in some state rather than the
//! details of how it got there.

use serde_json::{json, Value};
use telederm_schemas::Case;
use uuid::Uuid;

use crate::{case_json, fixtures, TestApp};

impl TestApp {
    /// A case with one small photo; panics unless it is accepted.
    pub async fn submit_small(&self, gp_token: &str, priority: &str) -> Case {
        let mut case = case_json();
        case["priority"] = json!(priority);
        let photo = vec![("overview", fixtures::jpeg(&fixtures::lesion(16, 16)))];
        let res = self.submit_case(gp_token, &case, &photo).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    /// `POST /cases/{id}/{action}` with a JSON body.
    pub async fn act(
        &self,
        token: &str,
        case: Uuid,
        action: &str,
        body: Value,
    ) -> reqwest::Response {
        self.post(
            &format!("/api/v1/cases/{case}/{action}"),
            Some(token),
            &body,
        )
        .await
    }

    /// `act`, expecting 200.
    pub async fn act_ok(&self, token: &str, case: Uuid, action: &str, body: Value) -> Case {
        let res = self.act(token, case, action, body).await;
        assert_eq!(res.status(), 200, "{action}: {}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    pub async fn claim_ok(&self, derm_token: &str, case: Uuid) -> Case {
        self.act_ok(derm_token, case, "claim", json!({})).await
    }

    pub async fn answer_ok(&self, derm_token: &str, case: Uuid) -> Case {
        self.act_ok(
            derm_token,
            case,
            "answer",
            json!({"diagnosis": "Seborrhoeic keratosis", "management": "reassure",
                   "report": "Benign lesion; no follow-up needed."}),
        )
        .await
    }

    pub async fn request_info_ok(&self, derm_token: &str, case: Uuid, new_photos: bool) -> Case {
        self.act_ok(
            derm_token,
            case,
            "request-info",
            json!({"message": "How long has it been there?", "wants_new_photos": new_photos}),
        )
        .await
    }

    pub async fn reply_ok(&self, gp_token: &str, case: Uuid) -> Case {
        self.act_ok(
            gp_token,
            case,
            "reply",
            json!({"message": "About three months."}),
        )
        .await
    }

    /// The case as its reader sees it (recorded in the audit trail).
    pub async fn case(&self, token: &str, case: Uuid) -> Case {
        let res = self
            .get(&format!("/api/v1/cases/{case}"), Some(token))
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Create a user through the admin API; returns its id.
    pub async fn create_user(&self, body: Value) -> Uuid {
        let admin = self.token("admin").await;
        let res = self.post("/api/v1/users", Some(&admin), &body).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let user: telederm_schemas::User = res.json().await.unwrap();
        user.id
    }

    /// Create a user through the admin API; returns it with its webhook secret, if it has one.
    pub async fn create_user_with_secret(&self, body: Value) -> telederm_schemas::UserWithSecret {
        let admin = self.token("admin").await;
        let res = self.post("/api/v1/users", Some(&admin), &body).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    /// A token for any user by email (demo password).
    pub async fn token_for(&self, email: &str) -> String {
        let res = self.login_response(email, crate::DEMO_PASSWORD).await;
        assert_eq!(res.status(), 200);
        res.json::<telederm_schemas::TokenResponse>()
            .await
            .unwrap()
            .access_token
    }
}
