//! The GP's pages over HTTP, as a browser without scripts posts them (and as the page's script
//! does): sending a case, what a refusal shows, photos paired with their kinds, a case's page,
//! its photos, and the actions on it. The same in a real browser: `tests/web/gp.rs`.

use reqwest::{
    header,
    multipart::{Form, Part},
};
use serde_json::json;
use telederm_schemas::{Case, CaseStatus, PhotoKind};
use telederm_tests::{fixtures, spawn_app, TestApp};
use uuid::Uuid;

use crate::web_browser::{csrf_token, location, Browser};

/// The new-case form as a browser sends it: text fields, then each photo slot's file and kind.
fn new_case_form(fields: &[(&str, &str)], slots: &[(&str, Option<Vec<u8>>)]) -> Form {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (kind, photo) in slots {
        // A slot left empty sends an empty file with no name, as browsers do.
        let part = match photo {
            Some(bytes) => Part::bytes(bytes.clone()).file_name("IMG_0001.jpg"),
            None => Part::bytes(Vec::new()).file_name(""),
        };
        form = form
            .part("photo", part.mime_str("image/jpeg").unwrap())
            .text("kind", kind.to_string());
    }
    form
}

const FIELDS: &[(&str, &str)] = &[
    ("priority", "urgent"),
    ("patient_ref", "P-0042"),
    ("age", "47"),
    ("sex", "female"),
    ("body_site", "avant-bras gauche"),
    ("question", "Naevus qui change : mélanome ?"),
    ("phototype", ""),
    ("duration", "3 mois"),
    ("consent", "yes"),
];

fn photo() -> Vec<u8> {
    fixtures::jpeg(&fixtures::lesion(64, 48))
}

async fn send(gp: &mut Browser<'_>, form: Form, by_script: bool) -> reqwest::Response {
    let token = csrf_token(&gp.page("/cases/new", 200).await);
    let mut req = gp
        .request(reqwest::Method::POST, &format!("/cases/new?csrf={token}"))
        .multipart(form);
    if by_script {
        req = req.header("x-requested-with", "telederm");
    }
    gp.send(req).await
}

async fn api_case(app: &TestApp, id: Uuid) -> Case {
    let token = app.token("gp13").await;
    let res = app.get(&format!("/api/v1/cases/{id}"), Some(&token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn case_id(location: &str) -> Uuid {
    let path = location.trim_start_matches("/cases/");
    path[..path.find('?').unwrap()].parse().unwrap()
}

#[tokio::test]
async fn a_case_sent_from_the_page_is_created_with_its_photos_of_the_kinds_chosen() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let slots = [
        ("overview", Some(photo())),
        ("closeup", None),
        ("dermoscopy", Some(photo())),
    ];
    let res = send(&mut gp, new_case_form(FIELDS, &slots), false).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(to.ends_with("?done=sent"), "{to}");
    let case = api_case(&app, case_id(&to)).await;
    assert_eq!(case.status, CaseStatus::Queued);
    assert_eq!(case.patient_ref, "P-0042");
    assert_eq!(case.duration.as_deref(), Some("3 mois"));
    assert_eq!(case.phototype, None);
    let kinds: Vec<PhotoKind> = case.photos.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [PhotoKind::Overview, PhotoKind::Dermoscopy]);

    // The page it lands on says so; the list shows it.
    let page = gp.page(&to, 200).await;
    assert!(page.contains("Demande envoyée."), "{page}");
    let list = gp.page("/cases", 200).await;
    assert!(list.contains("P-0042 · avant-bras gauche"), "{list}");

    // The page's script is told where to go instead of being redirected.
    let res = send(&mut gp, new_case_form(FIELDS, &slots[..1]), true).await;
    assert_eq!(res.status(), 201);
    assert!(location(&res).starts_with("/cases/"));
}

#[tokio::test]
async fn a_refused_case_shows_what_to_fix_keeps_what_was_typed_and_stores_nothing() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let mut fields: Vec<(&str, &str)> = FIELDS
        .iter()
        .copied()
        .filter(|(name, _)| !["age", "consent"].contains(name))
        .collect();
    fields.push(("age", "200"));
    let res = send(
        &mut gp,
        new_case_form(&fields, &[("overview", None)]),
        false,
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    for fix in [
        "Indiquez l&#39;âge du patient, de 0 à 130 ans.",
        "Le consentement du patient est nécessaire pour envoyer la demande.",
        "Ajoutez au moins une photo de la lésion.",
    ] {
        assert_eq!(
            page.matches(fix).count(),
            2,
            "in the list and at the field: {fix}"
        );
    }
    assert!(page.contains(r#"value="P-0042""#), "typed values are kept");
    assert!(page.contains("Naevus qui change : mélanome ?</textarea>"));
    assert!(page.contains(r#"id="age" aria-invalid="true""#));

    // To the page's script: only what to fix, as a fragment.
    let res = send(&mut gp, new_case_form(&fields, &[]), true).await;
    assert_eq!(res.status(), 422);
    let fragment = res.text().await.unwrap();
    assert!(!fragment.contains("<html"), "{fragment}");
    assert!(
        fragment.contains(r##"<li data-field="age"><a href="#age">"##),
        "{fragment}"
    );

    // A photo the server cannot take: named by its number, with what to do.
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heicmiaf".to_vec();
    let slots = [("overview", Some(photo())), ("closeup", Some(heic))];
    let res = send(&mut gp, new_case_form(FIELDS, &slots), false).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Photo 2 : Ce fichier n&#39;est pas une photo que nous acceptons (HEIC)."),
        "{page}"
    );

    let token = app.token("gp13").await;
    let cases: Vec<serde_json::Value> = app
        .get("/api/v1/cases", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert!(cases.is_empty(), "{cases:?}");
    assert!(app.blob_files().is_empty(), "no photo stored");
}

#[tokio::test]
async fn a_new_case_without_the_token_is_refused_before_its_photos_are_read() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let form = new_case_form(FIELDS, &[("overview", Some(photo()))]);
    let req = gp
        .request(reqwest::Method::POST, "/cases/new")
        .multipart(form);
    assert_eq!(gp.send(req).await.status(), 403);
    assert!(app.blob_files().is_empty());
}

#[tokio::test]
async fn a_case_page_is_its_gps_only_and_its_photos_are_never_cached() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let res = send(
        &mut gp,
        new_case_form(FIELDS, &[("overview", Some(photo()))]),
        false,
    )
    .await;
    let id = case_id(&location(&res));
    let case = api_case(&app, id).await;
    let photo_path = format!("/cases/{id}/photos/{}", case.photos[0].id);

    let page = gp.page(&format!("/cases/{id}"), 200).await;
    assert!(page.contains(&format!(r#"href="{photo_path}""#)), "{page}");
    let res = gp.get(&photo_path).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/jpeg");
    let token = app.token("gp13").await;
    let api_bytes = app
        .get(&format!("/api/v1{photo_path}"), Some(&token))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        res.bytes().await.unwrap(),
        api_bytes,
        "the stored photo itself"
    );

    // Another GP, and a dermatologist of another territory, learn nothing; the case's page is
    // its GP's (a dermatologist on call sees its photos to triage, as through the API).
    for (who, home, photo) in [
        ("gp84", "/cases", 404),
        ("derm2", "/queue", 404),
        ("derm1", "/queue", 200),
    ] {
        let mut other = Browser::new(&app);
        other.sign_in(who, home).await;
        other.page(&format!("/cases/{id}"), 404).await;
        assert_eq!(other.get(&photo_path).await.status(), photo, "{who}");
    }
    // A dermatologist has no new-case page.
    let mut derm = Browser::new(&app);
    derm.sign_in("derm1", "/queue").await;
    let res = derm.get("/cases/new").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/queue");
}

#[tokio::test]
async fn the_gp_cancels_records_the_outcome_and_closes_from_the_case_page() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let mut sent = Vec::new();
    for _ in 0..2 {
        let form = new_case_form(FIELDS, &[("overview", Some(photo()))]);
        sent.push(case_id(&location(&send(&mut gp, form, false).await)));
    }

    // Cancel while queued.
    let page = gp.page(&format!("/cases/{}", sent[0]), 200).await;
    let token = csrf_token(&page);
    let res = gp
        .post_form(&format!("/cases/{}/cancel", sent[0]), &[("csrf", &token)])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(api_case(&app, sent[0]).await.status, CaseStatus::Cancelled);
    let page = gp.page(&location(&res), 200).await;
    assert!(page.contains("Demande annulée."));
    assert!(!page.contains("/cancel\""), "no cancel form any more");
    // Twice: the case moved on.
    let res = gp
        .post_form(&format!("/cases/{}/cancel", sent[0]), &[("csrf", &token)])
        .await;
    assert_eq!(res.status(), 409);

    // Answered by a dermatologist: the outcome, refused then saved, then close with a rating.
    let id = sent[1];
    let derm = app.token("derm1").await;
    let act = |action: &str| format!("/api/v1/cases/{id}/{action}");
    assert_eq!(
        app.post(&act("claim"), Some(&derm), &()).await.status(),
        200
    );
    let answer = json!({"diagnosis": "Naevus", "management": "reassure", "report": "Bénin."});
    assert_eq!(
        app.post(&act("answer"), Some(&derm), &answer)
            .await
            .status(),
        200
    );

    let before = (app.now() - chrono::Duration::days(30))
        .date_naive()
        .to_string();
    let outcome = format!("/cases/{id}/outcome");
    let res = gp
        .post_form(
            &outcome,
            &[
                ("csrf", &token),
                ("biopsy_date", &before),
                ("histology_result", "Naevus"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Une date valide, pas avant l&#39;envoi de la demande."));
    assert!(
        page.contains(&format!(r#"value="{before}""#)),
        "kept as typed"
    );

    let biopsy = (app.now() + chrono::Duration::days(2)).date_naive();
    let res = gp
        .post_form(
            &outcome,
            &[("csrf", &token), ("biopsy_date", &biopsy.to_string())],
        )
        .await;
    assert_eq!(res.status(), 303);
    let recorded = api_case(&app, id).await.outcome.unwrap();
    assert_eq!(recorded.biopsy_date, Some(biopsy));

    let res = gp
        .post_form(
            &format!("/cases/{id}/close"),
            &[("csrf", &token), ("rating", "5")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(api_case(&app, id).await.status, CaseStatus::Closed);
    let page = gp.page(&location(&res), 200).await;
    assert!(page.contains("Demande clôturée. Merci."));
}

#[tokio::test]
async fn my_cases_come_twenty_a_page_the_most_recently_active_first() {
    let app = spawn_app().await;
    let token = app.token("gp13").await;
    let mut ids = Vec::new();
    for i in 0..21 {
        let mut case = telederm_tests::case_json();
        case["patient_ref"] = json!(format!("P-{i:03}"));
        let res = app
            .submit_case(&token, &case, &[("overview", photo())])
            .await;
        assert_eq!(res.status(), 201);
        ids.push(res.json::<Case>().await.unwrap().id);
        app.advance(chrono::Duration::minutes(1));
    }
    // The first one sent is claimed last: it is now the most recently active.
    let derm = app.token("derm1").await;
    let claim = format!("/api/v1/cases/{}/claim", ids[0]);
    assert_eq!(app.post(&claim, Some(&derm), &()).await.status(), 200);

    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let refs = |page: &str| -> Vec<String> {
        page.match_indices("<span class=\"case-title\">")
            .map(|(at, tag)| page[at + tag.len()..][..5].to_owned())
            .collect()
    };
    let first = gp.page("/cases", 200).await;
    let expected: Vec<String> = std::iter::once(0)
        .chain((2..21).rev())
        .map(|i| format!("P-{i:03}"))
        .collect();
    assert_eq!(refs(&first), expected);
    assert!(first.contains(r#"href="/cases?page=2" rel="next""#));
    assert!(!first.contains(r#"rel="prev""#));
    assert!(first.contains("En cours d&#39;examen"));

    let second = gp.page("/cases?page=2", 200).await;
    assert_eq!(refs(&second), ["P-001"]);
    assert!(second.contains(r#"href="/cases?page=1" rel="prev""#));
    assert!(!second.contains(r#"rel="next""#));
}

#[tokio::test]
async fn another_gp_can_do_nothing_on_the_case_from_its_pages() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let res = send(
        &mut gp,
        new_case_form(FIELDS, &[("overview", Some(photo()))]),
        false,
    )
    .await;
    let id = case_id(&location(&res));

    let mut other = Browser::new(&app);
    other.sign_in("gp84", "/cases").await;
    let token = csrf_token(&other.page("/cases", 200).await);
    for action in ["cancel", "close", "outcome"] {
        let res = other
            .post_form(
                &format!("/cases/{id}/{action}"),
                &[("csrf", &token), ("biopsy_date", "2030-01-01")],
            )
            .await;
        assert_eq!(res.status(), 404, "{action}");
    }
    let form = new_case_form(&[("message", "Voici.")], &[("closeup", Some(photo()))]);
    let req = other
        .request(
            reqwest::Method::POST,
            &format!("/cases/{id}/reply?csrf={token}"),
        )
        .multipart(form);
    assert_eq!(other.send(req).await.status(), 404);
    assert_eq!(api_case(&app, id).await.status, CaseStatus::Queued);
    assert_eq!(api_case(&app, id).await.photos.len(), 1);
}

#[tokio::test]
async fn a_form_refused_while_it_is_read_keeps_what_was_typed() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    // One photo more than a case may have: refused as the body is read.
    let slots: Vec<(&str, Option<Vec<u8>>)> = (0..11).map(|_| ("closeup", Some(photo()))).collect();
    let res = send(&mut gp, new_case_form(FIELDS, &slots), false).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"value="P-0042""#), "typed values are kept");
    assert!(page.contains("Naevus qui change : mélanome ?</textarea>"));
    assert!(app.blob_files().is_empty());

    // A photo without its kind (not what the page sends): refused, nothing stored.
    let mut form = Form::new();
    for (name, value) in FIELDS {
        form = form.text(name.to_string(), value.to_string());
    }
    let form = form.part("photo", Part::bytes(photo()).file_name("a.jpg"));
    let res = send(&mut gp, form, false).await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Choisissez le type de chaque photo."));
    assert!(app.blob_files().is_empty());
}

#[tokio::test]
async fn an_empty_outcome_records_nothing() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let res = send(
        &mut gp,
        new_case_form(FIELDS, &[("overview", Some(photo()))]),
        false,
    )
    .await;
    let id = case_id(&location(&res));
    let derm = app.token("derm1").await;
    let act = |action: &str| format!("/api/v1/cases/{id}/{action}");
    assert_eq!(
        app.post(&act("claim"), Some(&derm), &()).await.status(),
        200
    );
    let answer = json!({"diagnosis": "Naevus", "management": "reassure", "report": "Bénin."});
    assert_eq!(
        app.post(&act("answer"), Some(&derm), &answer)
            .await
            .status(),
        200
    );

    let token = csrf_token(&gp.page(&format!("/cases/{id}"), 200).await);
    let res = gp
        .post_form(
            &format!("/cases/{id}/outcome"),
            &[
                ("csrf", &token),
                ("biopsy_date", ""),
                ("histology_result", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Indiquez au moins une date ou le résultat histologique."));
    assert!(api_case(&app, id).await.outcome.is_none());
    // An address typed by hand: ignored, not an error in JSON.
    gp.page("/cases?page=abc", 200).await;
    gp.page(&format!("/cases/{id}?done=%ZZ"), 200).await;
}
