//! Responses name the people they mention beside their ids (`gp`, `claimed_by_person`,
//! `dermatologist`, `updated_by_person`, `actor`), so that no client shows an id to a person.

use chrono::Duration;
use serde_json::json;
use telederm_schemas::{AuditPage, Case, Person, Shift, User};
use telederm_tests::{spawn_app, TestApp};

fn person(u: &User) -> Person {
    Person {
        id: u.id,
        name: u.display_name.clone(),
    }
}

/// `(kind, actor)` of each event, oldest first.
fn history(case: &Case) -> Vec<(&str, Option<Person>)> {
    case.events
        .iter()
        .map(|e| (e.kind.as_str(), e.actor.clone()))
        .collect()
}

async fn demo_users(app: &TestApp) -> (User, User) {
    let (gp, derm) = (app.user("gp13").await, app.user("derm1").await);
    // The demo names differ, so a swapped name cannot pass.
    assert_ne!(gp.display_name, derm.display_name);
    (gp, derm)
}

#[tokio::test]
async fn a_claimed_case_names_its_gp_its_claimer_and_who_did_what_to_both_readers() {
    let app = spawn_app().await;
    let (gp, derm) = demo_users(&app).await;
    let (gp_token, derm_token) = (app.token("gp13").await, app.token("derm1").await);

    let submitted = app.submit_small(&gp_token, "urgent").await;
    assert_eq!(submitted.gp, person(&gp));
    assert_eq!(submitted.claimed_by_person, None);
    assert_eq!(history(&submitted), [("submitted", Some(person(&gp)))]);

    app.claim_ok(&derm_token, submitted.id).await;
    for token in [&gp_token, &derm_token] {
        let case = app.case(token, submitted.id).await;
        assert_eq!((case.gp_id, case.gp.clone()), (gp.id, person(&gp)));
        assert_eq!(case.claimed_by, Some(derm.id), "the id stays");
        assert_eq!(case.claimed_by_person, Some(person(&derm)));
        assert_eq!(
            history(&case),
            [
                ("submitted", Some(person(&gp))),
                ("claimed", Some(person(&derm)))
            ]
        );
        for e in &case.events {
            assert_eq!(e.actor.as_ref().map(|p| p.id), e.actor_id);
        }
    }

    // An expired lease is the system's doing: no actor, and nobody holds the claim.
    app.advance(Duration::hours(3));
    assert_eq!(app.state.cases.expire_leases().await.unwrap(), 1);
    let case = app.case(&gp_token, submitted.id).await;
    assert_eq!(case.claimed_by_person, None);
    let expired = case.events.last().unwrap();
    assert_eq!(
        (
            expired.kind.as_str(),
            expired.actor_id,
            expired.actor.clone()
        ),
        ("lease_expired", None, None)
    );
}

#[tokio::test]
async fn an_answered_case_names_who_asked_answered_and_recorded_even_once_disabled() {
    let app = spawn_app().await;
    let (gp, derm) = demo_users(&app).await;
    let (gp_token, derm_token) = (app.token("gp13").await, app.token("derm1").await);
    let id = app.submit_small(&gp_token, "routine").await.id;
    app.claim_ok(&derm_token, id).await;
    app.request_info_ok(&derm_token, id, false).await;
    app.reply_ok(&gp_token, id).await;
    app.answer_ok(&derm_token, id).await;
    let today = app.today();
    app.act_ok(&gp_token, id, "outcome", json!({ "biopsy_date": today }))
        .await;

    let check = |case: &Case| {
        let answer = case.answer.as_ref().unwrap();
        assert_eq!(answer.dermatologist_id, derm.id);
        assert_eq!(answer.dermatologist, person(&derm));
        assert_eq!(case.info_requests[0].dermatologist_id, derm.id);
        assert_eq!(case.info_requests[0].dermatologist, person(&derm));
        let outcome = case.outcome.as_ref().unwrap();
        assert_eq!(outcome.updated_by, gp.id);
        assert_eq!(outcome.updated_by_person, person(&gp));
        let actors: Vec<_> = history(case)
            .into_iter()
            .map(|(kind, p)| (kind, p.unwrap().name))
            .collect();
        let (g, d) = (gp.display_name.clone(), derm.display_name.clone());
        assert_eq!(
            actors,
            [
                ("submitted", g.clone()),
                ("claimed", d.clone()),
                ("info_requested", d.clone()),
                ("replied", g.clone()),
                ("answered", d),
                ("outcome_recorded", g),
            ]
        );
    };
    check(&app.case(&gp_token, id).await);
    check(&app.case(&derm_token, id).await);

    // Users are disabled, never deleted: the dermatologist keeps its name on the case.
    let admin = app.token("admin").await;
    let res = app
        .post(
            &format!("/api/v1/users/{}/disable", derm.id),
            Some(&admin),
            &(),
        )
        .await;
    assert_eq!(res.status(), 200);
    check(&app.case(&gp_token, id).await);
}

#[tokio::test]
async fn shifts_name_their_dermatologist_when_created_and_listed() {
    let app = spawn_app().await;
    let coord = app.token("coord").await;
    let derm2 = app.user("derm2").await;
    let start = app.now() + Duration::days(10);
    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &json!({"dermatologist_id": derm2.id, "territory": "13",
                    "starts_at": start, "ends_at": start + Duration::hours(8)}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created: Shift = res.json().await.unwrap();
    assert_eq!(created.dermatologist_id, derm2.id);
    assert_eq!(created.dermatologist, person(&derm2));

    // The demo rota (derm1 on call for 13) and the new shift, each with its own name.
    let derm1 = app.user("derm1").await;
    let to = (start + Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let res = app
        .get(
            &format!("/api/v1/shifts?territory=13&to={to}"),
            Some(&coord),
        )
        .await;
    assert_eq!(res.status(), 200);
    let listed: Vec<Shift> = res.json().await.unwrap();
    assert!(listed.contains(&created), "{listed:?}");
    assert!(listed.iter().any(|s| s.dermatologist == person(&derm1)));
    for s in &listed {
        let expected = if s.dermatologist_id == derm1.id {
            &derm1
        } else {
            &derm2
        };
        assert_eq!(s.dermatologist, person(expected));
    }
}

#[tokio::test]
async fn audit_lines_name_their_actor_and_the_system_has_none() {
    let app = spawn_app().await;
    let (gp, derm) = demo_users(&app).await;
    let (gp_token, derm_token) = (app.token("gp13").await, app.token("derm1").await);
    let case = app.submit_small(&gp_token, "urgent").await;
    app.claim_ok(&derm_token, case.id).await;
    let res = app.act(&derm_token, case.id, "release", json!({})).await;
    assert_eq!(res.status(), 204);
    // Half of the 48 h target unclaimed: the escalation worker (no actor) reminds.
    app.clock.set(app.now() + Duration::hours(24));
    assert_eq!(app.escalate().await.reminded, 1);

    let res = app
        .get(
            &format!("/api/v1/audit?case={}", case.id),
            Some(&app.token("coord").await),
        )
        .await;
    assert_eq!(res.status(), 200);
    let mut page: AuditPage = res.json().await.unwrap();
    page.entries.reverse();
    let lines: Vec<_> = page
        .entries
        .iter()
        .map(|e| (e.action.as_str(), e.actor_id, e.actor.clone()))
        .collect();
    assert_eq!(
        lines,
        [
            ("case.submitted", Some(gp.id), Some(person(&gp))),
            ("case.claimed", Some(derm.id), Some(person(&derm))),
            ("case.released", Some(derm.id), Some(person(&derm))),
            ("sla.remind", None, None),
        ]
    );
}
