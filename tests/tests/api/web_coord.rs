//! The coordinator's pages over HTTP: the dashboard's tables are the reports API's figures for
//! the same period and territory, each table downloads as CSV, the audit trail filters, pages
//! and verifies, other roles are sent home, and another territory's coordinator sees nothing of
//! 13's. The same in a real browser: `tests/web/coord.rs`.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde_json::json;
use telederm_schemas::{AuditPage, SlaGroup, SlaReport};
use telederm_tests::{spawn_app, TestApp};
use uuid::Uuid;

use crate::web_browser::{location, Browser};

/// Cases in 13 at t0 (noon UTC tomorrow), read at t0 + 48 h: A urgent answered at 2 h; B routine,
/// information at 4 h, reply at 10 h, answered at 11 h; C urgent untouched (overdue); D routine,
/// information at 5 h, no reply; E urgent cancelled at 1 h; and one urgent case in 84.
struct Story {
    t0: DateTime<Utc>,
    c: Uuid,
    in_84: Uuid,
}

async fn story(app: &TestApp) -> Story {
    let (gp, gp84, derm) = (
        app.token("gp13").await,
        app.token("gp84").await,
        app.token("derm1").await,
    );
    let day = app.now().date_naive() + Duration::days(1);
    let t0 = Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap());
    app.clock.set(t0);
    let a = app.submit_small(&gp, "urgent").await.id;
    let b = app.submit_small(&gp, "routine").await.id;
    let c = app.submit_small(&gp, "urgent").await.id;
    let d = app.submit_small(&gp, "routine").await.id;
    let e = app.submit_small(&gp, "urgent").await.id;
    let in_84 = app.submit_small(&gp84, "urgent").await.id;
    app.clock.set(t0 + Duration::hours(1));
    app.act_ok(&gp, e, "cancel", json!({})).await;
    app.clock.set(t0 + Duration::hours(2));
    app.claim_ok(&derm, a).await;
    app.answer_ok(&derm, a).await;
    app.clock.set(t0 + Duration::hours(4));
    app.claim_ok(&derm, b).await;
    app.request_info_ok(&derm, b, true).await;
    app.clock.set(t0 + Duration::hours(5));
    app.claim_ok(&derm, d).await;
    app.request_info_ok(&derm, d, false).await;
    app.clock.set(t0 + Duration::hours(10));
    app.reply_ok(&gp, b).await;
    app.clock.set(t0 + Duration::hours(11));
    app.answer_ok(&derm, b).await;
    app.clock.set(t0 + Duration::hours(48));
    app.escalate().await;
    Story { t0, c, in_84 }
}

/// The dashboard's days around t0, and the same period as the API's instants (midnight in
/// Paris, the last day included).
fn period(t0: DateTime<Utc>) -> (String, String) {
    let (from, to) = (
        t0.date_naive() - Duration::days(10),
        t0.date_naive() + Duration::days(3),
    );
    let midnight = |d: NaiveDate| {
        Paris
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
            .to_rfc3339()
            .replace('+', "%2B")
    };
    (
        format!("from={from}&to={to}"),
        format!(
            "from={}&to={}",
            midnight(from),
            midnight(to + Duration::days(1))
        ),
    )
}

async fn coordinator(app: &TestApp) -> Browser<'_> {
    let mut browser = Browser::new(app);
    browser.accept_language = Some("en");
    browser.sign_in("coord", "/dashboard").await;
    browser
}

async fn api_report(app: &TestApp, query: &str) -> SlaReport {
    let res = app
        .get(
            &format!("/api/v1/reports/sla?{query}"),
            Some(&app.token("coord").await),
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The text of each body row's cells of the table `id`.
pub fn table_rows(page: &str, id: &str) -> Vec<Vec<String>> {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let table = &page[start..start + page[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(at) = rest.find("<t") {
                rest = &rest[at + 2..];
                if !(rest.starts_with('d') || rest.starts_with('h')) {
                    continue;
                }
                let open_end = rest.find('>').unwrap() + 1;
                let close = rest.find("</t").unwrap();
                cells.push(text_of(&rest[open_end..close]));
                rest = &rest[close + 3..];
            }
            cells
        })
        .collect()
}

fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").trim().to_owned()
}

fn hours(secs: Option<i64>) -> String {
    secs.map_or("–".into(), |s| format!("{:.1} h", s as f64 / 3600.0))
}

/// An SLA group as the page's English table shows it.
fn shown(label: &str, g: &SlaGroup) -> Vec<String> {
    vec![
        label.to_owned(),
        g.cases.to_string(),
        g.answered.to_string(),
        hours(g.first_response.median_secs),
        hours(g.first_response.p90_secs),
        g.breaches.to_string(),
        format!("{:.0}%", g.breach_rate * 100.0),
        g.open.to_string(),
        g.at_risk.to_string(),
    ]
}

fn short(id: Uuid) -> String {
    id.simple().to_string()[..8].to_uppercase()
}

#[tokio::test]
async fn the_dashboards_tables_are_the_reports_api_figures() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let (days, instants) = period(s.t0);
    let mut coord = coordinator(&app).await;
    let page = coord
        .page(&format!("/dashboard?{days}&territory=13"), 200)
        .await;

    let by_priority = api_report(&app, &format!("{instants}&territory=13&group_by=priority")).await;
    assert_eq!(by_priority.total.cases, 5, "the story's cases in 13");
    let mut expected: Vec<Vec<String>> = by_priority
        .groups
        .iter()
        .map(|g| shown(&g.key, g))
        .collect();
    expected.push(shown("Total", &by_priority.total));
    assert_eq!(table_rows(&page, "table-priorities"), expected);

    let by_derm = api_report(
        &app,
        &format!("{instants}&territory=13&group_by=dermatologist"),
    )
    .await;
    let mut expected: Vec<Vec<String>> = by_derm
        .groups
        .iter()
        .map(|g| {
            let label = g
                .label
                .clone()
                .unwrap_or_else(|| "No dermatologist yet".into());
            shown(&label, g)
        })
        .collect();
    expected.push(shown("Total", &by_derm.total));
    let derm_rows = table_rows(&page, "table-dermatologists");
    assert_eq!(derm_rows, expected);
    assert!(derm_rows[0][0].starts_with("Dr Léa Fabre"), "{derm_rows:?}");

    // Week by week: the week of t0 holds every case of the story, the others none.
    let urgent = table_rows(&page, "table-weeks-urgent");
    assert_eq!(urgent.len(), 2, "14 days: two weeks");
    let week: Vec<&Vec<String>> = urgent.iter().filter(|r| r[1] != "0").collect();
    assert_eq!(week.len(), 1);
    assert_eq!(
        week[0][1..],
        ["3", "1", "2.0 h", "2.0 h"],
        "A, C, E: A at 2 h"
    );
    let routine = table_rows(&page, "table-weeks-routine");
    let week: Vec<&Vec<String>> = routine.iter().filter(|r| r[1] != "0").collect();
    assert_eq!(
        week[0][1..],
        ["2", "2", "4.0 h", "5.0 h"],
        "B at 4 h, D at 5 h"
    );
    let breaches: u64 = table_rows(&page, "table-breaches")
        .iter()
        .map(|r| r[2].parse::<u64>().unwrap())
        .sum();
    assert_eq!(breaches, by_priority.total.breaches);
    assert!(page.contains("First response within target: 3 of 3 (100%)."));

    // Now: C is overdue; D waits on the GP (its clock stopped), so it is open but not at risk.
    let at_risk = table_rows(&page, "table-at-risk");
    assert_eq!(at_risk.len(), 1, "{at_risk:?}");
    assert_eq!(
        at_risk[0][..4],
        [
            format!("Case {}", short(s.c)),
            "13".into(),
            "urgent".into(),
            "queued".into()
        ]
    );
    assert_eq!(at_risk[0][6], "overdue");
    assert!(page.contains(&format!("href=\"/audit?case={}\"", s.c)));
    let open = table_rows(&page, "table-open-cases");
    assert_eq!(
        open,
        [
            ["under 1 day", "0"],
            ["1 to 2 days", "0"],
            ["2 to 7 days", "2"],
            ["over 7 days", "0"]
        ]
    );
    // Charts: inline SVG with their accessible names, no style attribute for the CSP to refuse.
    assert_eq!(page.matches("<svg class=\"chart\" role=\"img\"").count(), 4);
    assert!(!page.contains("style="));

    // All of the coordinator's territories: 84's case too, at risk as well.
    let all = coord.page(&format!("/dashboard?{days}"), 200).await;
    let total = api_report(&app, &format!("{instants}&group_by=priority")).await;
    assert_eq!(total.total.cases, 6);
    assert_eq!(
        table_rows(&all, "table-priorities").last().unwrap(),
        &shown("Total", &total.total)
    );
    assert!(all.contains(&format!("Case {}", short(s.in_84))));
}

#[tokio::test]
async fn by_default_the_last_eight_weeks_and_a_bad_period_is_said() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    let page = coord.page("/dashboard", 200).await;
    let today = app.now().with_timezone(&Paris).date_naive();
    let from = today - Duration::days(55);
    assert!(
        page.contains(&format!("value=\"{from}\"")),
        "from: 8 weeks ago"
    );
    assert!(page.contains(&format!("value=\"{today}\"")));
    assert_eq!(table_rows(&page, "table-weeks-urgent").len(), 8);

    let page = coord
        .page("/dashboard?from=2026-11-10&to=2026-11-01", 422)
        .await;
    assert!(page.contains("The end must come after the start."));
    assert!(
        !page.contains("table-priorities"),
        "no figures for a bad period"
    );
    let page = coord.page("/dashboard?from=yesterday", 422).await;
    assert!(page.contains("A date as day/month/year."));
    let page = coord.page("/dashboard?territory=06", 422).await;
    assert!(page.contains("Choose one of your territories."));
}

#[tokio::test]
async fn each_table_downloads_as_csv() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let (days, instants) = period(s.t0);
    let mut coord = coordinator(&app).await;
    let coord_token = app.token("coord").await;
    for (table, group) in [
        ("dermatologists", "dermatologist"),
        ("priorities", "priority"),
    ] {
        let res = coord
            .get(&format!("/dashboard/{table}.csv?{days}&territory=13"))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let from = s.t0.date_naive() - Duration::days(10);
        let to = s.t0.date_naive() + Duration::days(3);
        assert_eq!(
            res.headers()["content-disposition"],
            format!("attachment; filename=\"telederm-{table}-{from}-{to}.csv\"").as_str()
        );
        let csv = res.text().await.unwrap();
        let api = app
            .get(
                &format!("/api/v1/reports/sla?{instants}&territory=13&group_by={group}&format=csv"),
                Some(&coord_token),
            )
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(csv, api, "{table}: the API's own CSV");
    }
    let urgent = csv(&mut coord, "weeks-urgent", &days).await;
    let lines: Vec<&str> = urgent.lines().collect();
    assert_eq!(
        lines[0],
        "week_start,week_end,cases,responded,first_response_median_secs,first_response_p90_secs"
    );
    assert_eq!(lines.len(), 3);
    assert!(
        lines.iter().any(|l| l.ends_with(",3,1,7200,7200")),
        "{urgent}"
    );
    let breaches = csv(&mut coord, "breaches", &days).await;
    assert!(breaches.lines().any(|l| l.ends_with(",5,1")), "{breaches}");
    assert_eq!(
        csv(&mut coord, "open-cases", &days).await,
        "age_band,open\nunder-1-day,0\n1-to-2-days,0\n2-to-7-days,2\nover-7-days,0\n"
    );
    let at_risk = csv(&mut coord, "at-risk", &days).await;
    assert_eq!(at_risk.lines().count(), 2);
    assert!(at_risk.contains(&format!("{},13,urgent,queued,", s.c)));
    assert!(at_risk.trim_end().ends_with(",overdue"));
    for bad in ["photos", "weeks"] {
        coord
            .page(&format!("/dashboard/{bad}.csv?{days}"), 404)
            .await;
    }
    coord
        .page(
            "/dashboard/priorities.csv?from=2026-11-10&to=2026-11-01",
            422,
        )
        .await;
    for clinical in ["P-0042", "left forearm", "melanoma"] {
        for table in ["at-risk", "dermatologists", "priorities"] {
            assert!(
                !csv(&mut coord, table, &days).await.contains(clinical),
                "{clinical} in {table}"
            );
        }
    }
}

/// A table of the dashboard's as CSV, for 13 over `days`.
async fn csv(coord: &mut Browser<'_>, table: &str, days: &str) -> String {
    let res = coord
        .get(&format!("/dashboard/{table}.csv?{days}&territory=13"))
        .await;
    assert_eq!(res.status(), 200, "{table}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn gps_and_dermatologists_are_sent_to_their_own_home() {
    let app = spawn_app().await;
    for (user, home) in [("gp13", "/cases"), ("derm1", "/queue")] {
        let mut browser = Browser::new(&app);
        browser.sign_in(user, home).await;
        for path in [
            "/dashboard",
            "/audit",
            "/dashboard/priorities.csv",
            "/audit?verify=1",
        ] {
            let res = browser.get(path).await;
            assert_eq!(res.status(), 303, "{user} {path}");
            assert_eq!(location(&res), home);
        }
    }
    let res = Browser::new(&app).get("/dashboard").await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/?next=%2Fdashboard".into())
    );
    // An admin reads every territory's.
    let mut admin = Browser::new(&app);
    admin.sign_in("admin", "/admin").await;
    let page = admin.page("/dashboard", 200).await;
    assert!(page.contains("Bouches-du-Rhône (13)") && page.contains("Vaucluse (84)"));
    admin.page("/audit?verify=1", 200).await;
}

#[tokio::test]
async fn another_territorys_coordinator_sees_nothing_of_13() {
    let app = spawn_app().await;
    let s = story(&app).await;
    app.create_user(
        json!({"email": "coord84@example.fr", "display_name": "Coordinator 84",
        "role": "coordinator", "password": "a-long-enough-password", "territories": ["84"]}),
    )
    .await;
    let mut coord84 = Browser::new(&app);
    coord84.accept_language = Some("en");
    let res = coord84
        .sign_in_as("coord84@example.fr", "a-long-enough-password")
        .await;
    assert_eq!(res.status(), 303);
    let (days, _) = period(s.t0);

    let page = coord84.page(&format!("/dashboard?{days}"), 200).await;
    let total = table_rows(&page, "table-priorities");
    assert_eq!(
        total.last().unwrap()[..2],
        ["Total".to_owned(), "1".to_owned()]
    );
    assert!(page.contains(&short(s.in_84)));
    assert!(!page.contains(&short(s.c)));
    assert!(
        !page.contains("Bouches-du-Rhône"),
        "13 is not among its choices"
    );
    let page = coord84
        .page(&format!("/dashboard?{days}&territory=13"), 422)
        .await;
    assert!(page.contains("Choose one of your territories."));
    coord84
        .page(&format!("/dashboard/at-risk.csv?{days}&territory=13"), 422)
        .await;
    let at_risk = coord84
        .page(&format!("/dashboard/at-risk.csv?{days}"), 200)
        .await;
    assert!(at_risk.contains(&s.in_84.to_string()) && !at_risk.contains(&s.c.to_string()));

    let trail = coord84.page("/audit", 200).await;
    assert!(trail.contains(&short(s.in_84)));
    assert!(!trail.contains(&short(s.c)));
    assert!(
        !trail.contains("Dr Camille Roux"),
        "13's GP: neither in lines nor in choices"
    );
    let of_c = coord84.page(&format!("/audit?case={}", s.c), 200).await;
    assert_eq!(
        table_rows(&of_c, "audit-lines"),
        [["No line for these filters."]]
    );
}

#[tokio::test]
async fn the_audit_trail_filters_pages_and_verifies() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let derm1 = app.user("derm1").await.id;
    // Thirty reads of 84's case by its GP: more than a page of the trail.
    let gp84 = app.token("gp84").await;
    for _ in 0..30 {
        app.case(&gp84, s.in_84).await;
    }
    // Signed in before the trail is read: a sign-in is a line of it.
    let token = app.token("coord").await;
    let mut coord = coordinator(&app).await;

    // One case's history, newest first: what happened to it, by whom, no clinical text.
    let page = coord.page(&format!("/audit?case={}", s.c), 200).await;
    let rows = table_rows(&page, "audit-lines");
    let actions: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        actions,
        [
            "Target missed",
            "Offered to fallback territories (80%)",
            "Reminder at 50%",
            "Case sent"
        ]
    );
    assert!(rows.iter().all(|r| r[3] == short(s.c)));
    assert_eq!(rows[3][1], "Dr Camille Roux (GP, Marseille)");
    assert_eq!(rows[0][1], "System");
    for clinical in ["P-0042", "left forearm", "melanoma", "three months"] {
        assert!(!page.contains(clinical), "{clinical}");
    }

    let by_derm = coord
        .page(&format!("/audit?person={derm1}&action=case.claimed"), 200)
        .await;
    let rows = table_rows(&by_derm, "audit-lines");
    assert_eq!(rows.len(), 3, "A, B and D claimed by derm1");
    assert!(rows
        .iter()
        .all(|r| r[1] == "Dr Léa Fabre (dermatologist)" && r[2] == "Claimed"));
    assert!(by_derm.contains(&format!("<option value=\"{derm1}\" selected>")));

    let day = s.t0.date_naive();
    let after = coord
        .page(&format!("/audit?from={}", day + Duration::days(1)), 200)
        .await;
    let actions: Vec<String> = table_rows(&after, "audit-lines")
        .into_iter()
        .map(|r| r[2].clone())
        .collect();
    // Sent at noon UTC on t0's day; missed two days later.
    assert!(actions.contains(&"Target missed".to_owned()), "{actions:?}");
    assert!(!actions.contains(&"Case sent".to_owned()), "{actions:?}");
    let before = coord
        .page(
            &format!(
                "/audit?to={}&action=case.submitted",
                day - Duration::days(1)
            ),
            200,
        )
        .await;
    assert_eq!(
        table_rows(&before, "audit-lines"),
        [["No line for these filters."]]
    );

    // Fifty lines a page; "older" goes on from the last one, keeping the filters.
    let first = coord.page("/audit?action=auth.login", 200).await;
    let total_logins = table_rows(&first, "audit-lines").len();
    assert!(total_logins < 50 && !first.contains("rel=\"next\""));
    let first = coord.page("/audit", 200).await;
    assert_eq!(table_rows(&first, "audit-lines").len(), 50);
    let at = first.find("rel=\"next\"").expect("an older page");
    let href_start = first[..at].rfind("href=\"").unwrap() + 6;
    let older = first[href_start..first[href_start..].find('"').unwrap() + href_start]
        .replace("&amp;", "&");
    assert!(older.starts_with("/audit?before="), "{older}");
    let api: AuditPage = app
        .get("/api/v1/audit?limit=100", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let second = coord.page(&older, 200).await;
    let second_rows = table_rows(&second, "audit-lines");
    assert!(!second_rows.is_empty());
    assert_eq!(
        second_rows.len(),
        (api.entries.len() - 50).min(50),
        "the API's lines after the first fifty"
    );
    assert!(second.contains("rel=\"first\""));

    let bad = coord.page("/audit?case=not-a-case", 422).await;
    assert!(
        bad.contains("s full id (the one of its"),
        "the field says what it wants"
    );
    let bad = coord
        .page(&format!("/audit?person={}", Uuid::new_v4()), 422)
        .await;
    assert!(bad.contains("Choose someone from the list."));

    let verified = coord.page("/audit?verify=1", 200).await;
    let api = app.verify_audit(&token).await;
    assert!(api.intact);
    assert!(verified.contains("Chain intact"));
    assert!(verified.contains(&format!(
        "<code class=\"hash\" id=\"head-hash\">{}</code>",
        api.head_hash.unwrap()
    )));
    assert!(verified.contains(&format!("{} lines checked", api.lines_checked)));
}
