//! E-mail notifications against a real SMTP server (`tests/smtp/sink.py`): who receives what, in
//! which language, with no clinical content; the "new cases" e-mail at most every 15 minutes; a
//! relay that defers then accepts, one that never accepts, one that refuses for good; STARTTLS
//! with a certificate the test makes, and a relay that wants ours; the coordinators' digest.

use chrono::Duration;
use serde_json::json;
use telederm_schemas::{Case, CaseSummary, Notification};
use telederm_server::config::{Settings, SmtpSettings, SmtpTls};
use telederm_tests::{
    case_json,
    smtp::{Behaviour, ClientPki, ReceivedMail, SmtpSink, TlsFiles},
    spawn_app_with, TestApp,
};

fn relay(port: u16, tls: SmtpTls) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port: Some(port),
        tls,
        username: None,
        password: None,
        client_cert: None,
        client_key: None,
        ca_file: None,
        sender: "telederm <ne-pas-repondre@telederm.test>".into(),
    }
}

async fn app_mailing_to(sink: &SmtpSink, tune: impl FnOnce(&mut Settings)) -> TestApp {
    let smtp = relay(sink.port(), SmtpTls::None);
    spawn_app_with(
        move |s| {
            s.notifications.smtp = Some(smtp);
            tune(s);
        },
        |store| store,
    )
    .await
}

fn to(mail: &ReceivedMail) -> &str {
    mail.rcpt_tos[0].as_str()
}

fn text(mail: &ReceivedMail) -> &str {
    mail.text.as_deref().unwrap_or_default()
}

fn reference(case: &Case) -> String {
    case.id.simple().to_string()[..8].to_uppercase()
}

#[tokio::test]
async fn each_event_reaches_its_people_in_their_language_and_never_with_clinical_content() {
    let Some(sink) = SmtpSink::start(Behaviour::default()) else {
        return;
    };
    let app = app_mailing_to(&sink, |_| {}).await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let res = app
        .put(
            "/api/v1/me/notifications",
            Some(&gp),
            &json!({"language": "en"}),
        )
        .await;
    assert_eq!(res.status(), 200);

    let case = app.submit_small(&gp, "urgent").await;
    let reference = reference(&case);
    assert_eq!(app.deliver().await.delivered, 1);
    let queued = &sink.messages()[0];
    assert_eq!(to(queued), "derm1@demo.test");
    assert_eq!(
        queued.subject.as_deref(),
        Some("[telederm] Un nouveau cas à prendre")
    );
    assert!(
        text(queued).contains(&format!("Cas {reference} · ")),
        "{}",
        text(queued)
    );
    assert!(text(queued).contains(&format!("{}/queue", app.address)));
    assert_eq!(
        queued.header("List-Unsubscribe"),
        Some(format!("<{}/settings>", app.address).as_str())
    );
    assert_eq!(queued.header("Auto-Submitted"), Some("auto-generated"));
    assert_eq!(queued.mail_from, "ne-pas-repondre@telederm.test");
    assert!(queued
        .html
        .as_deref()
        .unwrap()
        .contains("<html lang=\"fr\">"));

    app.claim_ok(&derm, case.id).await;
    app.request_info_ok(&derm, case.id, true).await;
    app.advance(Duration::minutes(5));
    app.reply_ok(&gp, case.id).await;
    app.advance(Duration::minutes(5));
    app.answer_ok(&derm, case.id).await;
    assert_eq!(app.deliver().await.delivered, 3);
    let later: Vec<(String, String)> = sink.messages()[1..]
        .iter()
        .map(|m| (to(m).to_owned(), m.subject.clone().unwrap()))
        .collect();
    assert_eq!(
        later,
        [
            (
                "gp13@demo.test".into(),
                format!("[telederm] The dermatologist has a question about {reference}")
            ),
            (
                "derm1@demo.test".into(),
                format!("[telederm] Le médecin traitant a répondu : {reference}")
            ),
            (
                "gp13@demo.test".into(),
                format!("[telederm] Your request {reference} was answered")
            ),
        ]
    );
    let answered = &sink.messages()[3];
    assert!(text(answered).starts_with("Hello "), "{}", text(answered));
    assert!(text(answered).contains(&format!("{}/cases/{}", app.address, case.id)));
    assert_eq!(answered.header("Content-Language"), Some("en"));

    assert_no_clinical_text(&app, &sink).await;
}

#[tokio::test]
async fn the_demo_cases_emails_carry_none_of_their_clinical_text() {
    let Some(sink) = SmtpSink::start(Behaviour::default()) else {
        return;
    };
    let app = app_mailing_to(&sink, |_| {}).await;
    // The demo's own cases, in every state, through the real services (and the ladder).
    let base = app.now();
    let clock = app.clock.clone();
    telederm_server::demo::seed_cases(&app.state, &move |by| clock.set(base + by))
        .await
        .unwrap();
    while app.deliver().await != Default::default() {
        app.advance(Duration::minutes(20));
    }
    assert!(sink.messages().len() > 3, "the demo's cases sent e-mails");
    assert_no_clinical_text(&app, &sink).await;
}

/// No message carries the clinical text or patient reference of any case of the demo GPs.
async fn assert_no_clinical_text(app: &TestApp, sink: &SmtpSink) {
    let mut clinical: Vec<String> = ["patient_ref", "question", "body_site", "history"]
        .iter()
        .map(|f| case_json()[f].as_str().unwrap().to_owned())
        .collect();
    for who in ["gp13", "gp84"] {
        let token = app.token(who).await;
        let mine: Vec<CaseSummary> = app
            .get("/api/v1/cases", Some(&token))
            .await
            .json()
            .await
            .unwrap();
        for summary in mine {
            let c: Case = app
                .get(&format!("/api/v1/cases/{}", summary.id), Some(&token))
                .await
                .json()
                .await
                .unwrap();
            clinical.extend([c.patient_ref, c.question, c.body_site]);
            clinical.extend(c.history);
        }
    }
    for mail in &sink.messages() {
        for words in &clinical {
            assert!(
                !mail.raw.contains(words.as_str())
                    && !text(mail).contains(words.as_str())
                    && !mail
                        .html
                        .as_deref()
                        .unwrap_or_default()
                        .contains(words.as_str()),
                "{:?} to {} carries `{words}`",
                mail.subject,
                to(mail)
            );
        }
    }
}

#[tokio::test]
async fn a_dermatologist_hears_of_new_cases_at_most_every_fifteen_minutes() {
    let Some(sink) = SmtpSink::start(Behaviour::default()) else {
        return;
    };
    let app = app_mailing_to(&sink, |_| {}).await;
    let gp = app.token("gp13").await;
    let first = app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.delivered, 1);
    app.advance(Duration::minutes(1));
    let second = app.submit_small(&gp, "routine").await;
    app.advance(Duration::minutes(1));
    let third = app.submit_small(&gp, "urgent").await;
    let stats = app.deliver().await;
    assert_eq!((stats.delivered, stats.postponed), (0, 2), "{stats:?}");
    app.advance(Duration::minutes(12));
    assert_eq!(
        app.deliver().await,
        Default::default(),
        "not before 15 minutes"
    );
    app.advance(Duration::minutes(1));
    assert_eq!(app.deliver().await.delivered, 2);
    assert_eq!(app.deliver().await, Default::default());

    let received = sink.messages();
    assert_eq!(received.len(), 2);
    assert!(text(&received[0]).contains(&reference(&first)));
    let digest = &received[1];
    assert_eq!(
        digest.subject.as_deref(),
        Some("[telederm] 2 nouveaux cas à prendre")
    );
    let body = text(digest);
    let (at_second, at_third) = (
        body.find(&reference(&second)).unwrap(),
        body.find(&reference(&third)).unwrap(),
    );
    assert!(at_second < at_third, "in the order they arrived: {body}");
    assert!(!body.contains(&reference(&first)));
}

/// The admins' view of e-mails: their channel and why the last attempt failed.
async fn parked_emails(app: &TestApp) -> Vec<Notification> {
    let admin = app.token("admin").await;
    let all: Vec<Notification> = app
        .get("/api/v1/notifications", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    all.into_iter()
        .filter(|n| n.channel == telederm_schemas::Channel::Email)
        .collect()
}

#[tokio::test]
async fn a_relay_that_defers_gets_the_message_again_and_one_that_never_takes_it_parks_it() {
    let Some(sink) = SmtpSink::start(Behaviour {
        refuse_first: 1,
        ..Behaviour::default()
    }) else {
        return;
    };
    let app = app_mailing_to(&sink, |_| {}).await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.retried, 1);
    app.advance(Duration::seconds(30));
    assert_eq!(app.deliver().await.delivered, 1);
    assert_eq!((sink.refused(), sink.messages().len()), (1, 1));
    assert!(parked_emails(&app).await.is_empty());

    let Some(never) = SmtpSink::start(Behaviour {
        refuse_always: true,
        ..Behaviour::default()
    }) else {
        return;
    };
    let app = app_mailing_to(&never, |s| s.notifications.max_attempts = 2).await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.retried, 1);
    app.advance(Duration::seconds(30));
    assert_eq!(app.deliver().await.parked, 1);
    let parked = parked_emails(&app).await;
    assert_eq!(parked.len(), 1);
    assert_eq!(
        parked[0].last_error,
        Some(telederm_schemas::DeliveryFailure::MailDeferred)
    );
    assert_eq!((never.refused(), never.messages().len()), (2, 0));
    // The admin's page lists it, with its channel and why.
    let mut admin = crate::web_browser::Browser::new(&app);
    admin.sign_in("admin", "/admin").await;
    let page = admin.page("/admin", 200).await;
    assert!(page.contains("par e-mail"), "{page}");
    assert!(page.contains("le serveur de messagerie a différé le message à chaque essai"));

    // A permanent refusal (5xx) parks at once: retrying would meet it again.
    let Some(refusing) = SmtpSink::start(Behaviour {
        refuse_always: true,
        refuse_code: 550,
        ..Behaviour::default()
    }) else {
        return;
    };
    let app = app_mailing_to(&refusing, |_| {}).await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.parked, 1);
    assert_eq!(
        parked_emails(&app).await[0].last_error,
        Some(telederm_schemas::DeliveryFailure::MailRefused)
    );
}

#[tokio::test]
async fn starttls_with_the_relays_own_ca_and_a_client_certificate_for_relays_that_want_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = TlsFiles::self_signed(dir.path());
    let pki = ClientPki::new(dir.path());
    let Some(sink) = SmtpSink::start(Behaviour {
        tls: Some(server.clone()),
        client_ca: Some(pki.ca.clone()),
        ..Behaviour::default()
    }) else {
        return;
    };
    let mut smtp = relay(sink.port(), SmtpTls::Starttls);
    smtp.ca_file = Some(server.cert.clone());
    let with_identity = SmtpSettings {
        client_cert: Some(pki.cert.clone()),
        client_key: Some(pki.key.clone()),
        ..smtp.clone()
    };

    // Without our certificate the relay closes the door: a TLS failure, retried.
    let app = spawn_app_with(move |s| s.notifications.smtp = Some(smtp), |s| s).await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.retried, 1);
    assert!(sink.messages().is_empty());

    let app = spawn_app_with(move |s| s.notifications.smtp = Some(with_identity), |s| s).await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.delivered, 1);
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert!(received[0].tls, "sent over the upgraded connection");
}

#[tokio::test]
async fn coordinators_get_one_digest_a_day_and_breaches_at_once() {
    let Some(sink) = SmtpSink::start(Behaviour::default()) else {
        return;
    };
    // The digest hour is the server's present hour in Paris, where the demo's territory 13 is
    // (its clock stands still unless the test moves it).
    let app = app_mailing_to(&sink, |_| {}).await;
    let hour = chrono::Timelike::hour(&app.now().with_timezone(&chrono_tz::Europe::Paris));
    let state = &app.state;
    let at = |hour| telederm_server::notify::Notifier::new(&app.address, true, hour);
    if hour < 23 {
        let later = at(hour + 1);
        let none = later.enqueue_digests(state.repo.as_ref(), app.now());
        assert_eq!(none.await.unwrap(), 0, "not before its hour");
    }
    let notifier = at(hour);
    let gp = app.token("gp13").await;
    let case = app.submit_small(&gp, "urgent").await;
    let made = notifier.enqueue_digests(state.repo.as_ref(), app.now());
    assert_eq!(made.await.unwrap(), 1, "the coordinator of 13");
    let again = notifier.enqueue_digests(state.repo.as_ref(), app.now());
    assert_eq!(again.await.unwrap(), 0, "once a day");
    assert_eq!(
        app.deliver().await.delivered,
        2,
        "the new case and the digest"
    );
    let digest = sink
        .messages()
        .into_iter()
        .find(|m| to(m) == "coord@demo.test")
        .unwrap();
    assert!(digest
        .subject
        .as_deref()
        .unwrap()
        .starts_with("[telederm] Résumé du "));
    assert!(text(&digest).contains("(13) : "), "{}", text(&digest));
    assert!(text(&digest).contains(&format!("{}/dashboard", app.address)));

    // Past its target, the breach goes at once to the coordinator and to the waiting GP.
    app.advance(Duration::days(3));
    app.escalate().await;
    app.deliver().await;
    let breach = format!("[telederm] Délai de réponse dépassé : {}", reference(&case));
    let mut told: Vec<String> = sink
        .messages()
        .iter()
        .filter(|m| m.subject.as_deref() == Some(breach.as_str()))
        .map(|m| to(m).to_owned())
        .collect();
    told.sort();
    assert_eq!(told, ["coord@demo.test", "gp13@demo.test"]);
}

/// A relay that takes the connection and never answers: the attempt ends at the timeout, as a
/// timeout, and the worker goes on.
#[tokio::test]
async fn a_relay_that_stalls_does_not_hold_the_worker() {
    // Connections complete in the kernel's backlog; nothing ever answers them.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let smtp = relay(silent.local_addr().unwrap().port(), SmtpTls::None);
    let app = spawn_app_with(
        move |s| {
            s.notifications.smtp = Some(smtp);
            s.notifications.timeout_secs = 1;
        },
        |s| s,
    )
    .await;
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.retried, 1);
    let admin = app.token("admin").await;
    let all: Vec<Notification> = app
        .get("/api/v1/notifications?parked=false", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        all[0].last_error,
        Some(telederm_schemas::DeliveryFailure::Timeout)
    );
}
