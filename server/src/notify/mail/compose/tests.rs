use chrono::TimeZone;

use super::*;
use crate::notify::mail::TerritoryFigures;

fn notice(event: EventKind) -> CaseNotice {
    CaseNotice {
        event,
        case_id: Uuid::from_u128(0x3f2a_9c41_0000_4000_8000_0000_0000_0001),
        reference: "3F2A9C41".into(),
        territory: "13".into(),
        territory_name: "Bouches-du-Rhône".into(),
        timezone: "Europe/Paris".into(),
        due_at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 15, 14, 0).unwrap()),
        link: "https://telederm.example.fr/cases/3f2a9c41".into(),
        occurred_at: Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
    }
}

fn to(role: Role, language: Language) -> Addressee {
    Addressee {
        email: "lea.fabre@example.fr".into(),
        name: "Dr Léa Fabre".into(),
        language,
        role,
    }
}

fn render(to: &Addressee, content: &Content) -> (String, String, String) {
    let view = view(to, content, "https://telederm.example.fr/");
    let text = TextPart { v: &view }.render().unwrap();
    let html = HtmlPart { v: &view }.render().unwrap();
    (view.subject, text, html)
}

/// Every (role, kind) an e-mail can be about, in both languages, reads without a missing message.
#[test]
fn every_message_exists_in_french_and_english() {
    let cases = [notice(EventKind::CaseQueued), notice(EventKind::CaseQueued)];
    let digest = DigestNotice {
        day: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        territories: vec![TerritoryFigures {
            code: "13".into(),
            name: "Bouches-du-Rhône".into(),
            received: 12,
            responded: 10,
            breached: 1,
            open: 5,
            at_risk: 2,
        }],
        link: "https://telederm.example.fr/dashboard".into(),
    };
    for language in [Language::Fr, Language::En] {
        for role in [Role::Gp, Role::Dermatologist, Role::Coordinator] {
            for &kind in crate::domain::notifications::kinds_for(role) {
                let n = notice(kind);
                let content = match kind {
                    EventKind::CaseQueued => Content::NewCases(&cases),
                    EventKind::DailyDigest => Content::Digest(&digest),
                    _ => Content::Case(&n),
                };
                let (subject, text, html) = render(&to(role, language), &content);
                for part in [&subject, &text, &html] {
                    assert!(
                        !part.contains("mail-"),
                        "{role:?} {kind} {language:?}: {part}"
                    );
                }
                assert!(subject.starts_with("[telederm]"), "{subject}");
            }
        }
    }
}

#[test]
fn a_case_email_names_the_reference_territory_due_time_and_link_in_the_readers_language() {
    let n = notice(EventKind::CaseAnswered);
    let (subject, text, html) = render(&to(Role::Gp, Language::Fr), &Content::Case(&n));
    assert_eq!(subject, "[telederm] Réponse à votre demande 3F2A9C41");
    assert!(text.starts_with("Bonjour Dr Léa Fabre,"), "{text}");
    // 15:14 UTC is 16:14 in Paris in winter.
    assert!(
        text.contains("Cas 3F2A9C41 · Bouches-du-Rhône · réponse attendue avant mar. 1 déc. 16:14"),
        "{text}"
    );
    assert!(text.contains("https://telederm.example.fr/cases/3f2a9c41"));
    assert!(text.contains("https://telederm.example.fr/settings"));
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("href=\"https://telederm.example.fr/cases/3f2a9c41\""));
    let (subject, text, _) = render(&to(Role::Gp, Language::En), &Content::Case(&n));
    assert_eq!(subject, "[telederm] Your request 3F2A9C41 was answered");
    assert!(text.contains("response due by Tue 1 Dec 16:14"), "{text}");
}

#[test]
fn the_new_cases_email_counts_and_lists_what_arrived() {
    let cases = [notice(EventKind::CaseQueued), notice(EventKind::CaseQueued)];
    let (subject, text, _) = render(
        &to(Role::Dermatologist, Language::Fr),
        &Content::NewCases(&cases),
    );
    assert_eq!(subject, "[telederm] 2 nouveaux cas à prendre");
    assert_eq!(text.matches("- Cas 3F2A9C41").count(), 2, "{text}");
}

#[test]
fn the_message_has_its_headers_and_both_parts() {
    let n = notice(EventKind::InfoRequested);
    let sender: Mailbox = "telederm <no-reply@telederm.example.fr>".parse().unwrap();
    let id = Uuid::from_u128(7);
    let message = compose(
        &to(Role::Gp, Language::Fr),
        &Content::Case(&n),
        id,
        &sender,
        "https://telederm.example.fr",
        n.occurred_at,
    )
    .unwrap();
    let raw = String::from_utf8(message.formatted()).unwrap();
    assert!(
        raw.contains("List-Unsubscribe: <https://telederm.example.fr/settings>"),
        "{raw}"
    );
    assert!(raw.contains("Auto-Submitted: auto-generated"));
    assert!(raw.contains(&format!("Message-ID: <{id}@telederm.example.fr>")));
    assert!(raw.contains("multipart/alternative"));
    assert!(raw.contains("text/plain") && raw.contains("text/html"));
}
