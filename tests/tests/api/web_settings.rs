//! The settings page over HTTP, as a browser without scripts posts it: every role sees the kinds
//! of event it is told of by name (an admin, that it is told of nothing), where its messages go,
//! and its header links here; a saved choice is what `GET /api/v1/me/notifications` returns; a
//! change without the CSRF token, or with a value the page does not offer, saves nothing; the
//! language saved is the pages'. The same in a real browser: `tests/web/settings.rs`.

use telederm_schemas::{Channels, EventKind, Language, NotificationSettings};
use telederm_server::config::{SmtpSettings, SmtpTls};
use telederm_tests::{spawn_app, spawn_app_with, webhook::Receiver, TestApp};

use crate::web_browser::{alert, csrf_token, location, Browser};

async fn signed_in<'a>(app: &'a TestApp, who: &str, home: &str) -> Browser<'a> {
    let mut b = Browser::new(app);
    b.sign_in(who, home).await;
    b
}

/// Post the settings form with these fields and the page's own token.
async fn save(b: &mut Browser<'_>, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = csrf_token(&b.page("/settings", 200).await);
    let mut all = fields.to_vec();
    all.push(("csrf", &token));
    b.post_form("/settings", &all).await
}

async fn api_settings(app: &TestApp, who: &str) -> NotificationSettings {
    let token = app.token(who).await;
    let res = app.get("/api/v1/me/notifications", Some(&token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn channels_of(settings: &NotificationSettings, kind: EventKind) -> Channels {
    settings
        .choices
        .iter()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("{kind} not in {settings:?}"))
        .channels
}

/// The value of the checked radio button named `name`.
fn checked(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    page.match_indices(&marker)
        .map(|(at, _)| &page[at + marker.len()..])
        .find(|rest| rest[..rest.find('>').unwrap()].contains("checked"))
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .unwrap_or_else(|| panic!("nothing checked for {name}"))
}

/// Whether a kind's raw name shows anywhere but in its radio buttons' `name`.
fn shows_raw_name(page: &str, kind: EventKind) -> bool {
    page.matches(kind.as_str()).count() > page.matches(&format!("\"channels.{kind}\"")).count()
}

#[tokio::test]
async fn every_role_sees_its_kinds_by_name_and_an_admin_that_it_gets_none() {
    let app = spawn_app().await;
    let cases = [
        (
            "gp13",
            "/cases",
            vec![
                "Réponse à votre demande",
                "Question du dermatologue",
                "Délai dépassé pour votre demande",
            ],
        ),
        (
            "derm1",
            "/queue",
            vec![
                "Nouveaux cas dans votre file",
                "Réponse du médecin traitant",
                "Rappel : un cas attend toujours",
                "Renfort demandé par un territoire voisin",
            ],
        ),
        (
            "coord",
            "/dashboard",
            vec!["Résumé quotidien", "Délai dépassé", "Cas à risque"],
        ),
    ];
    for (who, home, names) in cases {
        let mut b = signed_in(&app, who, home).await;
        let home_page = b.page(home, 200).await;
        assert!(home_page.contains(r#"href="/settings""#), "{who}'s header");
        let page = b.page("/settings", 200).await;
        assert!(page.contains(&format!("{who}@demo.test")), "{who}: address");
        assert!(
            page.contains("L&#39;e-mail est désactivé sur ce serveur"),
            "{who}: no SMTP in tests"
        );
        assert!(page.contains("Aucune adresse de webhook"), "{who}");
        for name in &names {
            assert!(
                page.contains(&format!("<legend>{name}</legend>")),
                "{who}: {name}"
            );
        }
        let told = api_settings(&app, who).await;
        assert_eq!(page.matches("<legend>").count(), names.len() + 1, "{who}");
        for kind in EventKind::ALL {
            let is_told = told.choices.iter().any(|c| c.kind == kind);
            assert_eq!(
                page.contains(&format!(r#"name="channels.{kind}""#)),
                is_told,
                "{who}: {kind}"
            );
            assert!(!shows_raw_name(&page, kind), "{who}: raw {kind}");
        }
        // Each kind's default is what the role gets when it has not chosen.
        for c in &told.choices {
            assert_eq!(
                checked(&page, &format!("channels.{}", c.kind)),
                c.default.as_str()
            );
        }
    }
    let mut admin = signed_in(&app, "admin", "/admin").await;
    let page = admin.page("/settings", 200).await;
    assert!(page.contains("Les administrateurs ne reçoivent aucune notification"));
    assert!(!page.contains(r#"name="channels."#));
    assert!(
        !page.contains("Aucune adresse de webhook"),
        "nothing to send"
    );
    assert_eq!(checked(&page, "language"), "fr");
}

#[tokio::test]
async fn a_signed_out_visitor_is_sent_to_sign_in() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let res = b.get("/settings").await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        "/?next=%2Fsettings",
        "and back once signed in"
    );
}

#[tokio::test]
async fn a_saved_choice_is_what_the_api_returns() {
    let app = spawn_app().await;
    let mut gp = signed_in(&app, "gp13", "/cases").await;
    let res = save(
        &mut gp,
        &[
            ("language", "fr"),
            ("channels.case.answered", "email"),
            ("channels.case.info_requested", "both"),
            ("channels.sla.breached", "none"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/settings?done=saved");
    let page = gp.page("/settings?done=saved", 200).await;
    assert!(page.contains("Préférences enregistrées."));
    assert_eq!(checked(&page, "channels.case.answered"), "email");
    assert_eq!(checked(&page, "channels.sla.breached"), "none");

    let told = api_settings(&app, "gp13").await;
    assert_eq!(channels_of(&told, EventKind::CaseAnswered), Channels::Email);
    assert_eq!(channels_of(&told, EventKind::InfoRequested), Channels::Both);
    assert_eq!(channels_of(&told, EventKind::SlaBreached), Channels::None);
    // Another user's choices are its own.
    let other = api_settings(&app, "gp84").await;
    assert_eq!(channels_of(&other, EventKind::CaseAnswered), Channels::Both);
}

#[tokio::test]
async fn a_change_without_the_csrf_token_is_refused_and_saves_nothing() {
    let app = spawn_app().await;
    let mut gp = signed_in(&app, "gp13", "/cases").await;
    let res = gp
        .post_form("/settings", &[("channels.case.answered", "none")])
        .await;
    assert_eq!(res.status(), 403);
    let res = gp
        .post_form(
            "/settings",
            &[("channels.case.answered", "none"), ("csrf", "forged")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let told = api_settings(&app, "gp13").await;
    assert_eq!(channels_of(&told, EventKind::CaseAnswered), Channels::Both);
}

#[tokio::test]
async fn english_saved_is_the_language_of_the_pages_and_of_the_e_mails() {
    let app = spawn_app().await;
    let mut derm = signed_in(&app, "derm1", "/queue").await;
    let res = save(&mut derm, &[("language", "en")]).await;
    assert_eq!(res.status(), 303);
    let page = derm.page("/settings?done=saved", 200).await;
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("Settings saved."));
    assert!(page.contains("<legend>New cases in your queue</legend>"));
    assert!(page.contains(r#"href="/settings" aria-current="page">Settings<"#));
    assert_eq!(checked(&page, "language"), "en");
    let queue = derm.page("/queue", 200).await;
    assert!(queue.contains(r#"<html lang="en">"#), "the session's pages");
    assert_eq!(api_settings(&app, "derm1").await.language, Language::En);

    // And back: French pages again.
    save(&mut derm, &[("language", "fr")]).await;
    let page = derm.page("/settings", 200).await;
    assert!(page.contains(r#"<html lang="fr">"#));
    assert_eq!(api_settings(&app, "derm1").await.language, Language::Fr);
}

#[tokio::test]
async fn a_value_the_page_does_not_offer_is_refused_in_its_words_and_nothing_is_saved() {
    let app = spawn_app().await;
    let mut gp = signed_in(&app, "gp13", "/cases").await;
    // Unreadable: the service is not even asked.
    let res = save(
        &mut gp,
        &[
            ("channels.case.answered", "email"),
            ("channels.case.info_requested", "pigeon"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    let said = alert(&page).unwrap_or_default();
    assert!(said.contains("Rien n&#39;a été enregistré"), "{said}");
    assert!(page.contains(
        r#"id="case-info-requested-error" aria-live="polite">Choisissez l&#39;un des choix proposés"#
    ));
    // What was sent is shown back, for the person to correct.
    assert_eq!(checked(&page, "channels.case.answered"), "email");
    // A kind of another role: the service refuses the whole change.
    let res = save(
        &mut gp,
        &[
            ("channels.case.answered", "email"),
            ("channels.case.queued", "email"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Ce type de message n&#39;est pas envoyé à votre rôle."));
    let told = api_settings(&app, "gp13").await;
    assert_eq!(channels_of(&told, EventKind::CaseAnswered), Channels::Both);

    // The digest goes by e-mail only; a bad language is refused too.
    let mut coord = signed_in(&app, "coord", "/dashboard").await;
    let res = save(
        &mut coord,
        &[
            ("channels.digest.daily", "webhook"),
            ("channels.sla.warning", "none"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains(
        r#"id="digest-daily-error" aria-live="polite">Le résumé quotidien est envoyé par e-mail seulement"#
    ));
    let res = save(&mut coord, &[("language", "de")]).await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Choisissez français ou anglais."));
    let told = api_settings(&app, "coord").await;
    assert_eq!(channels_of(&told, EventKind::DailyDigest), Channels::Email);
    assert_eq!(channels_of(&told, EventKind::SlaWarning), Channels::Webhook);
    assert_eq!(told.language, Language::Fr);
}

#[tokio::test]
async fn a_server_that_sends_e_mail_and_a_webhook_set_are_said_so() {
    // A relay is configured (never reached: nothing is sent here).
    let relay = SmtpSettings {
        host: "localhost".into(),
        port: Some(1),
        tls: SmtpTls::None,
        username: None,
        password: None,
        client_cert: None,
        client_key: None,
        ca_file: None,
        sender: "telederm <no-reply@demo.test>".into(),
    };
    let app = spawn_app_with(move |s| s.notifications.smtp = Some(relay), |s| s).await;
    let receiver = Receiver::start();
    let token = app.token("gp13").await;
    let me = app.user("gp13").await;
    let res = app
        .put(
            &format!("/api/v1/users/{}/webhook", me.id),
            Some(&token),
            &serde_json::json!({"webhook_url": receiver.url("/gp13")}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let mut gp = signed_in(&app, "gp13", "/cases").await;
    let page = gp.page("/settings", 200).await;
    assert!(page.contains("Ce serveur envoie des e-mails."));
    assert!(page.contains("Une adresse de webhook est enregistrée pour votre compte."));
    assert!(!page.contains("L&#39;e-mail est désactivé"));
    assert!(!page.contains("Aucune adresse de webhook"));
}
