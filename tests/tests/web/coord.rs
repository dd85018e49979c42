//! The coordinator in a real browser, at desk size: the dashboard shows the figures of the
//! reports API for the same period and territory, a case at risk opens its history, the audit
//! trail is filtered and its chain verified; and no page it can open shows a case's clinical
//! text, patient reference or body site.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde_json::json;
use telederm_schemas::{SlaGroup, SlaReport};
use telederm_tests::{
    browser::Browser,
    case_json, fixtures,
    pages::{audit::AuditTrail, dashboard::Dashboard, sign_in::SignIn},
    spawn_app, TestApp, DEMO_PASSWORD,
};
use uuid::Uuid;

/// What the GP and the dermatologist wrote: none of it may reach a coordinator's page.
const CLINICAL: [&str; 7] = [
    "PX-7781-CLIN",
    "omoplate droite QX",
    "Lésion QX-4471 pigmentée",
    "antécédent QX-5512",
    "How long has it been there?",
    "About three months.",
    "Benign lesion; no follow-up needed.",
];

async fn submit(app: &TestApp, gp: &str, priority: &str) -> Uuid {
    let mut case = case_json();
    case["priority"] = json!(priority);
    case["patient_ref"] = json!(CLINICAL[0]);
    case["body_site"] = json!(CLINICAL[1]);
    case["question"] = json!(format!("{} depuis six mois : mélanome ?", CLINICAL[2]));
    case["history"] = json!(CLINICAL[3]);
    let photo = vec![("overview", fixtures::jpeg(&fixtures::lesion(16, 16)))];
    let res = app.submit_case(gp, &case, &photo).await;
    assert_eq!(res.status(), 201);
    res.json::<telederm_schemas::Case>().await.unwrap().id
}

/// In 13 at t0 (noon UTC tomorrow), read at t0 + 48 h: A urgent answered at 2 h; B routine,
/// information at 4 h, reply at 10 h, answered at 11 h; C urgent untouched (overdue).
async fn story(app: &TestApp) -> Uuid {
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let day = app.now().date_naive() + Duration::days(1);
    let t0 = Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap());
    app.clock.set(t0);
    let a = submit(app, &gp, "urgent").await;
    let b = submit(app, &gp, "routine").await;
    let c = submit(app, &gp, "urgent").await;
    app.clock.set(t0 + Duration::hours(2));
    app.claim_ok(&derm, a).await;
    app.answer_ok(&derm, a).await;
    app.clock.set(t0 + Duration::hours(4));
    app.claim_ok(&derm, b).await;
    app.request_info_ok(&derm, b, true).await;
    app.clock.set(t0 + Duration::hours(10));
    app.reply_ok(&gp, b).await;
    app.clock.set(t0 + Duration::hours(11));
    app.answer_ok(&derm, b).await;
    app.clock.set(t0 + Duration::hours(48));
    app.escalate().await;
    c
}

/// The first instant of a day of the form (`2026-10-06`) in Paris, for the API.
fn midnight(day: &str, plus_days: i64) -> String {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap() + Duration::days(plus_days);
    let at: DateTime<Utc> = Paris
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    at.to_rfc3339().replace('+', "%2B")
}

fn hours(secs: Option<i64>) -> String {
    secs.map_or("–".into(), |s| {
        format!("{:.1} h", s as f64 / 3600.0).replace('.', ",")
    })
}

/// An SLA group as the page's French table shows it.
fn shown(label: &str, g: &SlaGroup) -> Vec<String> {
    vec![
        label.to_owned(),
        g.cases.to_string(),
        g.answered.to_string(),
        hours(g.first_response.median_secs),
        hours(g.first_response.p90_secs),
        g.breaches.to_string(),
        format!("{:.0} %", g.breach_rate * 100.0),
        g.open.to_string(),
        g.at_risk.to_string(),
    ]
}

async fn report(app: &TestApp, token: &str, query: &str) -> SlaReport {
    let res = app
        .get(&format!("/api/v1/reports/sla?{query}"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_coordinator_reads_the_figures_follows_a_case_at_risk_and_verifies_the_trail() {
    let app = spawn_app().await;
    let c = story(&app).await;
    // Signed in before the trail is verified: a sign-in is a line of it.
    let token = app.token("coord").await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let landed = SignIn::open(&browser, &app)
        .await
        .sign_in("coord@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(landed, app.url("/dashboard"));

    let dashboard = Dashboard::open(&browser, &app, "")
        .await
        .choose_territory("Bouches-du-Rhône (13)")
        .await;
    let (from, to) = dashboard.period_days().await;
    let period = format!(
        "from={}&to={}&territory=13",
        midnight(&from, 0),
        midnight(&to, 1)
    );
    let by_priority = report(&app, &token, &format!("{period}&group_by=priority")).await;
    assert_eq!(by_priority.total.cases, 3);
    let french = |key: &str| match key {
        "urgent" => "urgent",
        "routine" => "routine",
        other => panic!("{other}"),
    };
    let mut expected: Vec<Vec<String>> = by_priority
        .groups
        .iter()
        .map(|g| shown(french(&g.key), g))
        .collect();
    expected.push(shown("Total", &by_priority.total));
    assert_eq!(dashboard.table("priorities").await, expected);
    let by_derm = report(&app, &token, &format!("{period}&group_by=dermatologist")).await;
    let mut expected: Vec<Vec<String>> = by_derm
        .groups
        .iter()
        .map(|g| {
            let label = g
                .label
                .clone()
                .unwrap_or_else(|| "Sans dermatologue".into());
            shown(&label, g)
        })
        .collect();
    expected.push(shown("Total", &by_derm.total));
    assert_eq!(dashboard.table("dermatologists").await, expected);
    assert_eq!(
        dashboard.within_target().await,
        "Première réponse dans le délai cible : 2 sur 2 (100 %)."
    );
    assert_eq!(dashboard.table("weeks-urgent").await.len(), 8);
    assert_eq!(dashboard.charts().await.len(), 4);
    let reference = c.simple().to_string()[..8].to_uppercase();
    let at_risk = dashboard.table("at-risk").await;
    assert_eq!(at_risk.len(), 1);
    assert_eq!(at_risk[0][0], format!("Demande {reference}"));
    assert_eq!(at_risk[0][6], "dépassée");
    browser.assert_accessible("the dashboard").await;
    browser.screenshot_page("coord-dashboard").await;

    // One click: the case's history, without its content.
    let history = dashboard
        .open_history(&format!("Demande {reference}"))
        .await;
    let lines = history.lines().await;
    let actions: Vec<&str> = lines.iter().map(|l| l[2].as_str()).collect();
    assert_eq!(
        actions,
        [
            "Cible dépassée",
            "Proposée aux territoires de repli (80 %)",
            "Rappel à 50 %",
            "Demande envoyée"
        ]
    );
    assert_eq!(lines[3][1], "Dr Camille Roux (GP, Marseille)");
    browser.assert_accessible("a case's history").await;
    browser.screenshot_page("coord-audit-case").await;

    let trail = AuditTrail::open(&browser, &app, "")
        .await
        .filter("Dr Léa Fabre (dermatologist)", "Prise en charge")
        .await;
    let lines = trail.lines().await;
    assert_eq!(lines.len(), 2, "A and B claimed by derm1: {lines:?}");
    assert!(lines.iter().all(|l| l[2] == "Prise en charge"));
    let (result, head) = trail.verify().await;
    let api = app.verify_audit(&token).await;
    assert!(result.contains("Chaîne intacte"), "{result}");
    assert!(
        result.contains(&format!("{} lignes vérifiées", api.lines_checked)),
        "{result}"
    );
    assert_eq!(Some(head), api.head_hash);
    browser.assert_accessible("the audit trail, verified").await;
    browser.screenshot_page("coord-audit-verified").await;

    // Every page the coordinator can reach from its pages, link by link.
    let mut to_visit: Vec<String> = ["/home", "/dashboard", "/audit", "/audit?verify=1"]
        .map(String::from)
        .to_vec();
    let mut seen = BTreeSet::new();
    while let Some(path) = to_visit.pop() {
        if !seen.insert(path.clone()) || seen.len() > 40 {
            continue;
        }
        browser.open(&app.url(&path)).await;
        let source = browser.client().source().await.unwrap();
        for clinical in CLINICAL {
            assert!(!source.contains(clinical), "{clinical} on {path}");
        }
        assert!(!source.contains("/photos/"), "a photo link on {path}");
        let links = browser
            .client()
            .execute(
                "return Array.from(document.querySelectorAll('a[href]'))\
                   .map((a) => a.getAttribute('href'));",
                vec![],
            )
            .await
            .unwrap();
        let links: Vec<String> = serde_json::from_value(links).unwrap();
        to_visit.extend(
            links
                .into_iter()
                .filter(|l| l.starts_with('/') && !l.contains(".csv") && !l.contains("lang=")),
        );
    }
    assert!(seen.len() >= 6, "{seen:?}");
    assert!(seen.contains(&format!("/audit?case={c}")), "{seen:?}");
    browser.close().await;
}
