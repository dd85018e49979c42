//! The dermatologist's pages over HTTP: the queue, taking a case (and losing a race), a taken
//! case's page, answering with an ICD-10 code, asking, releasing, the ICD-10 list and saved
//! phrases. The same in a real browser: `tests/web/derm.rs`.

use serde_json::json;
use telederm_schemas::{Case, CaseStatus};
use telederm_tests::{case_json, fixtures, spawn_app, TestApp, DEMO_PASSWORD};
use uuid::Uuid;

use crate::web_browser::{csrf_token, location, Browser};

async fn submitted(app: &TestApp) -> Uuid {
    let gp = app.token("gp13").await;
    let photos = [("overview", fixtures::jpeg(&fixtures::lesion(64, 48)))];
    let res = app.submit_case(&gp, &case_json(), &photos).await;
    assert_eq!(res.status(), 201);
    res.json::<Case>().await.unwrap().id
}

async fn api_case(app: &TestApp, id: Uuid) -> Case {
    let token = app.token("gp13").await;
    app.get(&format!("/api/v1/cases/{id}"), Some(&token))
        .await
        .json()
        .await
        .unwrap()
}

async fn derm<'a>(app: &'a TestApp, who: &str) -> (Browser<'a>, String) {
    let mut derm = Browser::new(app);
    derm.sign_in(who, "/queue").await;
    let token = csrf_token(&derm.page("/queue", 200).await);
    (derm, token)
}

#[tokio::test]
async fn the_queue_shows_the_cases_to_take_and_only_to_dermatologists_on_call() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let (mut derm1, _) = derm(&app, "derm1").await;
    let page = derm1.page("/queue", 200).await;
    assert!(page.contains(&format!(r#"data-case="{id}""#)), "{page}");
    assert!(page.contains("Femme, 54 ans"));
    assert!(page.contains("left forearm"));
    assert!(page.contains("Dans les temps"));
    assert!(
        !page.contains("P-0042"),
        "the GP's reference is not the dermatologist's business"
    );
    // The refresh sends the table alone.
    let rows = derm1.page("/queue/rows", 200).await;
    assert!(rows.trim_start().starts_with("<div id=\"queue\""), "{rows}");
    assert!(!rows.contains("<html"), "{rows}");
    assert!(rows.contains(&id.to_string()));

    let (mut derm2, _) = derm(&app, "derm2").await;
    assert!(
        !derm2.page("/queue", 200).await.contains(&id.to_string()),
        "84's dermatologist"
    );
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    assert_eq!(location(&gp.get("/queue").await), "/cases");
    gp.page("/queue/rows", 404).await;
    gp.page("/icd10?icd10=naev", 404).await;
}

#[tokio::test]
async fn the_queue_page_shows_the_first_fifty_cases_and_says_when_more_are_waiting() {
    let app = spawn_app().await;
    for _ in 0..50 {
        submitted(&app).await;
        app.advance(chrono::Duration::seconds(1));
    }
    let more = "autres demandes attendent : seules les 50 premières de la file sont affichées.";
    let rows = |page: &str| page.matches("data-case=").count();
    let (mut derm1, _) = derm(&app, "derm1").await;
    let page = derm1.page("/queue", 200).await;
    assert_eq!(rows(&page), 50);
    assert!(!page.contains(more), "fifty waiting: all shown");

    // The fifty-first, last in the queue's order, waits behind the page.
    let last = submitted(&app).await;
    for page in [
        derm1.page("/queue", 200).await,
        derm1.page("/queue/rows", 200).await,
    ] {
        assert_eq!(rows(&page), 50);
        assert!(!page.contains(&last.to_string()));
        assert!(page.contains(more), "{page}");
    }
}

#[tokio::test]
async fn a_case_taken_by_one_is_lost_by_the_other_and_its_page_is_the_takers() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let derm3 = app
        .create_user(
            json!({"email": "derm3@demo.test", "display_name": "Dr Trois",
                            "role": "dermatologist", "password": DEMO_PASSWORD}),
        )
        .await;
    let coord = app.token("coord").await;
    let now = app.now();
    let shift = json!({"dermatologist_id": derm3, "territory": "13",
                       "starts_at": now - chrono::Duration::hours(1),
                       "ends_at": now + chrono::Duration::hours(8)});
    assert_eq!(
        app.post("/api/v1/shifts", Some(&coord), &shift)
            .await
            .status(),
        201
    );

    let (mut one, one_token) = derm(&app, "derm1").await;
    let (mut other, other_token) = derm(&app, "derm3").await;
    let take = format!("/queue/{id}/claim");
    let res = one.post_form(&take, &[("csrf", &one_token)]).await;
    assert_eq!(location(&res), format!("/review/{id}"));
    let res = other.post_form(&take, &[("csrf", &other_token)]).await;
    assert_eq!(location(&res), "/queue?done=lost");
    let page = other.page("/queue?done=lost", 200).await;
    assert!(page.contains("Un confrère vient de prendre ce cas."));

    let review = one.page(&format!("/review/{id}"), 200).await;
    assert!(
        review.contains("Asymmetric pigmented lesion"),
        "the taker reads the case"
    );
    assert!(review.contains("data-viewer"));
    other.page(&format!("/review/{id}"), 404).await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    gp.page(&format!("/review/{id}"), 404).await;

    // Nothing left to take.
    let res = other
        .post_form("/queue/next", &[("csrf", &other_token)])
        .await;
    assert_eq!(location(&res), "/queue?done=empty");
}

#[tokio::test]
async fn an_answer_is_coded_with_icd10_and_a_refusal_keeps_what_was_typed() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let (mut derm1, token) = derm(&app, "derm1").await;
    let res = derm1.post_form("/queue/next", &[("csrf", &token)]).await;
    assert_eq!(location(&res), format!("/review/{id}"));

    let options = derm1.page("/icd10?icd10=naev%20tronc", 200).await;
    assert!(
        options.contains(r#"<option value="D22.5 · Nævus à mélanocytes du tronc">"#),
        "{options}"
    );

    let answer = format!("/review/{id}/answer");
    let res = derm1
        .post_form(
            &answer,
            &[("csrf", &token), ("icd10", "Z99.9"), ("report", "Bénin.")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    for fix in [
        "Choisissez un code de la liste (dermatologie de la CIM-10), ou laissez vide.",
        "Choisissez la conduite à tenir.",
    ] {
        assert!(page.contains(fix), "{fix}");
    }
    assert!(page.contains(r#"value="Z99.9""#), "kept as typed");
    assert!(page.contains(">Bénin.</textarea>"));
    assert_eq!(api_case(&app, id).await.status, CaseStatus::Claimed);

    let res = derm1
        .post_form(
            &answer,
            &[
                ("csrf", &token),
                ("icd10", "D22.5 · Nævus à mélanocytes du tronc"),
                ("diagnosis", ""),
                ("management", "in_person_consult"),
                ("delay_days", "30"),
                ("report", "Nævus d'aspect bénin ; à revoir en consultation."),
            ],
        )
        .await;
    assert_eq!(location(&res), "/queue?done=answered");
    let case = api_case(&app, id).await;
    let given = case.answer.unwrap();
    assert_eq!(given.icd10.as_deref(), Some("D22.5"));
    assert_eq!(given.diagnosis, "Nævus à mélanocytes du tronc");
    assert_eq!(given.delay_days, Some(30));
    assert!(derm1
        .page("/queue?done=answered", 200)
        .await
        .contains("Réponse envoyée au médecin généraliste."));
}

#[tokio::test]
async fn asking_the_gp_and_releasing_go_back_to_the_queue() {
    let app = spawn_app().await;
    let first = submitted(&app).await;
    let second = submitted(&app).await;
    let (mut derm1, token) = derm(&app, "derm1").await;
    for id in [first, second] {
        let res = derm1
            .post_form(&format!("/queue/{id}/claim"), &[("csrf", &token)])
            .await;
        assert_eq!(location(&res), format!("/review/{id}"));
    }
    let ask = format!("/review/{first}/request-info");
    let res = derm1
        .post_form(&ask, &[("csrf", &token), ("message", " ")])
        .await;
    assert_eq!(res.status(), 422);
    let res = derm1
        .post_form(
            &ask,
            &[
                ("csrf", &token),
                ("message", "Une dermoscopie ?"),
                ("wants_new_photos", "yes"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/queue?done=asked");
    let case = api_case(&app, first).await;
    assert_eq!(case.status, CaseStatus::InfoRequested);
    assert!(case.info_requests[0].wants_new_photos);

    let res = derm1
        .post_form(&format!("/review/{second}/release"), &[("csrf", &token)])
        .await;
    assert_eq!(location(&res), "/queue?done=released");
    assert_eq!(api_case(&app, second).await.status, CaseStatus::Queued);
}

#[tokio::test]
async fn saved_phrases_are_each_dermatologists_own() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let (mut derm1, token) = derm(&app, "derm1").await;
    let res = derm1
        .post_form(
            &format!("/phrases?back={id}"),
            &[
                ("csrf", &token),
                ("phrase", "Lésion bénigne, surveillance simple."),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/phrases?back={id}"));
    let res = derm1
        .post_form("/phrases", &[("csrf", &token), ("phrase", "  ")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Une phrase de 1 à 500 caractères, 20 phrases au plus."));

    derm1
        .post_form(&format!("/queue/{id}/claim"), &[("csrf", &token)])
        .await;
    let review = derm1.page(&format!("/review/{id}"), 200).await;
    assert!(review.contains(r#"data-phrase="Lésion bénigne, surveillance simple.""#));
    let page = derm1.page("/phrases", 200).await;
    let at = page.find("/phrases/").unwrap() + "/phrases/".len();
    let phrase_id = &page[at..at + 36];

    let (mut derm2, token2) = derm(&app, "derm2").await;
    assert!(!derm2.page("/phrases", 200).await.contains("Lésion bénigne"));
    let delete = format!("/phrases/{phrase_id}/delete");
    assert_eq!(
        derm2
            .post_form(&delete, &[("csrf", &token2)])
            .await
            .status(),
        404
    );
    assert_eq!(
        location(&derm1.post_form(&delete, &[("csrf", &token)]).await),
        "/phrases"
    );
    assert!(derm1
        .page("/phrases", 200)
        .await
        .contains("Aucune phrase enregistrée."));
    for i in 0..20 {
        let text = format!("Phrase {i}");
        derm1
            .post_form("/phrases", &[("csrf", &token), ("phrase", &text)])
            .await;
    }
    let res = derm1
        .post_form("/phrases", &[("csrf", &token), ("phrase", "Une de trop")])
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn the_queue_says_how_far_into_its_target_a_case_is_and_when_escalation_offered_it() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let start = app.now();
    // Urgent: 48 h. Past half, then past 80 %: offered to 84, where derm2 is on call.
    app.clock.set(start + chrono::Duration::hours(25));
    app.escalate().await;
    let (mut derm1, _) = derm(&app, "derm1").await;
    let page = derm1.page("/queue", 200).await;
    assert!(page.contains(r#"class="urgency-half""#), "{page}");
    assert!(page.contains("Plus de la moitié du délai écoulée"));
    assert!(
        !page.contains("Proposé par escalade"),
        "its own territory's case"
    );

    app.clock
        .set(start + chrono::Duration::minutes(48 * 60 * 8 / 10));
    assert_eq!(app.escalate().await.offered, 1);
    let (mut derm2, _) = derm(&app, "derm2").await;
    let page = derm2.page("/queue", 200).await;
    assert!(page.contains(&format!(r#"data-case="{id}""#)), "{page}");
    assert!(page.contains("Proposé par escalade"));
    assert!(page.contains("Plus de 80 % du délai écoulés"));

    app.clock.set(start + chrono::Duration::hours(49));
    // Signed in again: a day later, the session has ended.
    let (mut derm1, _) = derm(&app, "derm1").await;
    let page = derm1.page("/queue", 200).await;
    assert!(page.contains("Délai dépassé"));
    assert!(page.contains("en retard de 1 h"), "{page}");
}

#[tokio::test]
async fn the_queues_own_refresh_does_not_keep_an_unattended_session_alive() {
    let app = spawn_app().await;
    let (mut away, _) = derm(&app, "derm1").await;
    let (mut here, _) = derm(&app, "derm1").await;
    let poll = |b: &Browser<'_>| {
        b.request(reqwest::Method::GET, "/queue/rows")
            .header("hx-request", "true")
            .header("x-telederm-background", "poll")
    };
    app.advance(chrono::Duration::minutes(20));
    let res = away.send(poll(&away)).await;
    assert_eq!(res.status(), 200);
    // The other screen is used by its dermatologist meanwhile.
    here.page("/queue", 200).await;

    app.advance(chrono::Duration::minutes(15));
    // 35 minutes without anyone at the first screen: its refresh is told to go to sign-in.
    let res = away.send(poll(&away)).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["hx-redirect"], "/?session=expired");
    let res = here.send(poll(&here)).await;
    assert_eq!(res.status(), 200, "15 minutes since its last use");
}

#[tokio::test]
async fn an_answer_to_a_case_no_longer_held_is_shown_back_not_lost() {
    let app = spawn_app().await;
    let id = submitted(&app).await;
    let (mut derm1, token) = derm(&app, "derm1").await;
    derm1
        .post_form(&format!("/queue/{id}/claim"), &[("csrf", &token)])
        .await;
    // Put back in the queue (from another tab, or its claim lapsed) while the answer was typed.
    derm1
        .post_form(&format!("/review/{id}/release"), &[("csrf", &token)])
        .await;
    let res = derm1
        .post_form(
            &format!("/review/{id}/answer"),
            &[
                ("csrf", &token),
                ("diagnosis", "Kératose séborrhéique"),
                ("management", "reassure"),
                (
                    "report",
                    "Lésion bénigne typique, aucune surveillance particulière.",
                ),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("votre réponse n&#39;a pas été envoyée"),
        "{page}"
    );
    assert!(page.contains("Lésion bénigne typique, aucune surveillance particulière.</textarea>"));
    assert!(page.contains(r#"value="Kératose séborrhéique""#));
    assert_eq!(api_case(&app, id).await.status, CaseStatus::Queued);
}
