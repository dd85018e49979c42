//! Coordinators' reports: cases with known times, and every figure checked.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use telederm_schemas::{OutcomesReport, SlaGroup, SlaReport};
use telederm_tests::{assert_problem, fields, spawn_app, TestApp};

const H: i64 = 3600;

/// Noon UTC tomorrow: the same calendar day in Paris, and inside the demo rota.
fn noon_tomorrow(now: DateTime<Utc>) -> DateTime<Utc> {
    let day = now.date_naive() + Duration::days(1);
    Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
}

struct Story {
    t0: DateTime<Utc>,
    a: uuid::Uuid,
    derm1: uuid::Uuid,
}

/// Five cases in 13 at t0 (and one in 84, one before the period):
/// A urgent answered at 2 h; B routine, information with new photos at 4 h, reply at 10 h,
/// answered at 11 h; C urgent never touched (breached at 48 h); D routine, information without
/// photos at 5 h, no reply; E urgent cancelled at 1 h. The report is read at t0 + 48 h.
async fn story(app: &TestApp) -> Story {
    let (gp, gp84, derm) = (
        app.token("gp13").await,
        app.token("gp84").await,
        app.token("derm1").await,
    );
    let t0 = noon_tomorrow(app.now());
    app.clock.set(t0 - Duration::days(1));
    app.submit_small(&gp, "urgent").await; // before the period
    app.clock.set(t0);
    let a = app.submit_small(&gp, "urgent").await.id;
    let b = app.submit_small(&gp, "routine").await.id;
    let c = app.submit_small(&gp, "urgent").await.id;
    let d = app.submit_small(&gp, "routine").await.id;
    let e = app.submit_small(&gp, "urgent").await.id;
    app.submit_small(&gp84, "urgent").await;

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
    let _ = c;
    app.clock.set(t0 + Duration::hours(48));
    let steps = app.escalate().await;
    // C, the case in 84 and the one before the period: reminded, offered, breached; D waits on
    // the GP (its clock stopped); the rest are done.
    assert_eq!((steps.reminded, steps.offered, steps.breached), (3, 3, 3));
    Story {
        t0,
        a,
        derm1: app.user("derm1").await.id,
    }
}

async fn report(app: &TestApp, token: &str, query: &str) -> SlaReport {
    let res = app
        .get(&format!("/api/v1/reports/sla?{query}"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn period(t0: DateTime<Utc>) -> String {
    let enc = |t: DateTime<Utc>| t.to_rfc3339().replace('+', "%2B");
    format!(
        "from={}&to={}",
        enc(t0 - Duration::hours(1)),
        enc(t0 + Duration::days(30))
    )
}

type Row<'a> = (
    &'a str,
    u64,
    u64,
    [Option<i64>; 4],
    u64,
    f64,
    u64,
    u64,
    f64,
    f64,
);

fn row(g: &SlaGroup) -> Row<'_> {
    let f = &g.first_response;
    (
        g.key.as_str(),
        g.cases,
        g.answered,
        [f.median_secs, f.p90_secs, f.p95_secs, f.max_secs],
        g.breaches,
        g.breach_rate,
        g.open,
        g.at_risk,
        g.info_request_share,
        g.new_photos_share,
    )
}

#[tokio::test]
async fn the_sla_report_counts_every_case_of_the_period_exactly() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let coord = app.token("coord").await;
    let q = period(s.t0);

    let by_territory = report(&app, &coord, &format!("{q}&territory=13")).await;
    assert_eq!(by_territory.territories, ["13"]);
    let fr = [Some(4 * H), Some(5 * H), Some(5 * H), Some(5 * H)];
    let expected: Row = ("13", 5, 2, fr, 1, 0.2, 2, 1, 0.4, 0.2);
    assert_eq!(
        by_territory.groups.iter().map(row).collect::<Vec<_>>(),
        [expected]
    );
    assert_eq!(
        row(&by_territory.total),
        ("total", 5, 2, fr, 1, 0.2, 2, 1, 0.4, 0.2)
    );
    assert_eq!(
        by_territory.groups[0].label.as_deref(),
        Some("Bouches-du-Rhône")
    );

    let by_derm = report(
        &app,
        &coord,
        &format!("{q}&territory=13&group_by=dermatologist"),
    )
    .await;
    let derm1 = s.derm1.to_string();
    assert_eq!(
        by_derm.groups.iter().map(row).collect::<Vec<_>>(),
        [
            (
                derm1.as_str(),
                3,
                2,
                [Some(4 * H), Some(5 * H), Some(5 * H), Some(5 * H)],
                0,
                0.0,
                1,
                0,
                2.0 / 3.0,
                1.0 / 3.0
            ),
            ("unassigned", 2, 0, [None; 4], 1, 0.5, 1, 1, 0.0, 0.0),
        ]
    );
    assert_eq!(
        by_derm.groups[0].label.as_deref(),
        Some("Dr Léa Fabre (dermatologist)")
    );

    let by_priority = report(&app, &coord, &format!("{q}&territory=13&group_by=priority")).await;
    assert_eq!(
        by_priority.groups.iter().map(row).collect::<Vec<_>>(),
        [
            (
                "routine",
                2,
                1,
                [Some(4 * H), Some(5 * H), Some(5 * H), Some(5 * H)],
                0,
                0.0,
                1,
                0,
                1.0,
                0.5
            ),
            (
                "urgent",
                3,
                1,
                [Some(2 * H), Some(2 * H), Some(2 * H), Some(2 * H)],
                1,
                1.0 / 3.0,
                1,
                1,
                0.0,
                0.0
            ),
        ]
    );

    // Without a territory: all of the coordinator's (13 and 84).
    let both = report(&app, &coord, &q).await;
    assert_eq!(both.territories, ["13", "84"]);
    assert_eq!(
        both.groups
            .iter()
            .map(|g| (g.key.as_str(), g.cases))
            .collect::<Vec<_>>(),
        [("13", 5), ("84", 1)]
    );
    assert_eq!(both.total.cases, 6);

    let res = app
        .get(
            &format!("/api/v1/reports/sla?{q}&territory=13&format=csv"),
            Some(&coord),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "territory,label,cases,answered,first_response_median_secs,first_response_p90_secs,first_response_p95_secs,first_response_max_secs,breaches,breach_rate,open,at_risk,info_request_share,new_photos_share");
    assert_eq!(
        lines[1],
        "13,Bouches-du-Rhône,5,2,14400,18000,18000,18000,1,0.2000,2,1,0.4000,0.2000"
    );
    assert_eq!(
        lines[2],
        "total,,5,2,14400,18000,18000,18000,1,0.2000,2,1,0.4000,0.2000"
    );
    assert_eq!(lines.len(), 3);
}

#[tokio::test]
async fn the_outcomes_report_measures_the_delay_to_diagnosis() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let (gp, coord) = (app.token("gp13").await, app.token("coord").await);
    let day = |n: i64| (s.t0.date_naive() + Duration::days(n)).to_string();
    let res = app
        .act(&gp, s.a, "outcome", json!({"in_person_date": day(1), "biopsy_date": day(3),
                                         "histology_date": day(10), "histology_result": "Compound naevus"}))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .get(
            &format!("/api/v1/reports/outcomes?{}&territory=13", period(s.t0)),
            Some(&coord),
        )
        .await;
    assert_eq!(res.status(), 200);
    let r: OutcomesReport = res.json().await.unwrap();
    assert_eq!(r.groups.len(), 1);
    let g = &r.groups[0];
    assert_eq!(
        (g.territory.as_str(), g.cases, g.with_outcome),
        ("13", 5, 1)
    );
    let days = |d: &telederm_schemas::DayStats| (d.count, d.median, d.p90, d.max);
    assert_eq!(days(&g.to_in_person_days), (1, Some(1), Some(1), Some(1)));
    assert_eq!(days(&g.to_biopsy_days), (1, Some(3), Some(3), Some(3)));
    assert_eq!(
        days(&g.to_histology_days),
        (1, Some(10), Some(10), Some(10))
    );
    let csv = app
        .get(
            &format!(
                "/api/v1/reports/outcomes?{}&territory=13&format=csv",
                period(s.t0)
            ),
            Some(&coord),
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv.lines().nth(1),
        Some("13,5,1,1,1,1,1,1,3,3,3,1,10,10,10")
    );
    assert!(!csv.contains("naevus"), "no clinical text in a report");
}

#[tokio::test]
async fn reports_are_for_coordinators_of_the_territory_and_admins() {
    let app = spawn_app().await;
    let t0 = app.now();
    let q = period(t0);
    for role in ["gp13", "derm1"] {
        let token = app.token(role).await;
        assert_problem(
            app.get(&format!("/api/v1/reports/sla?{q}"), Some(&token))
                .await,
            403,
            "forbidden",
        )
        .await;
    }
    let (coord, admin) = (app.token("coord").await, app.token("admin").await);
    app.post(
        "/api/v1/territories",
        Some(&admin),
        &json!({"code": "06", "name": "Alpes-Maritimes"}),
    )
    .await;
    assert_problem(
        app.get(
            &format!("/api/v1/reports/sla?{q}&territory=06"),
            Some(&coord),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.get(
            &format!("/api/v1/reports/sla?{q}&territory=06"),
            Some(&admin)
        )
        .await
        .status(),
        200
    );
    let empty = report(&app, &admin, &format!("{q}&territory=06")).await;
    assert_eq!(
        (
            empty.total.cases,
            empty.total.breach_rate,
            empty.total.first_response.median_secs
        ),
        (0, 0.0, None)
    );

    let bad = [
        (format!("{q}&group_by=weekday"), "group_by"),
        (format!("{q}&format=xlsx"), "format"),
        (
            format!("from={0}&to={0}", t0.to_rfc3339().replace('+', "%2B")),
            "to",
        ),
    ];
    for (query, field) in bad {
        let p = assert_problem(
            app.get(&format!("/api/v1/reports/sla?{query}"), Some(&coord))
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&p), [field]);
    }
}

#[tokio::test]
async fn without_a_period_a_report_covers_the_last_30_days() {
    let app = spawn_app().await;
    let t0 = app.now();
    app.submit_small(&app.token("gp13").await, "urgent").await;
    app.clock.set(t0 + Duration::days(2));
    app.submit_small(&app.token("gp13").await, "routine").await;
    app.clock.set(t0 + Duration::days(31));
    let now = app.now();
    let coord = app.token("coord").await;

    let last_30_days = report(&app, &coord, "territory=13").await;
    assert_eq!(
        (last_30_days.from, last_30_days.to),
        (now - Duration::days(30), now)
    );
    assert_eq!(last_30_days.total.cases, 1, "the case of day 2 only");

    let enc = |t: DateTime<Utc>| t.to_rfc3339().replace('+', "%2B");
    let until = t0 + Duration::hours(1);
    let before = report(&app, &coord, &format!("territory=13&to={}", enc(until))).await;
    assert_eq!(
        (before.from, before.total.cases),
        (until - Duration::days(30), 1)
    );
    let since = t0 - Duration::hours(1);
    let res = app
        .get(
            &format!("/api/v1/reports/outcomes?territory=13&from={}", enc(since)),
            Some(&coord),
        )
        .await;
    assert_eq!(res.status(), 200);
    let outcomes: telederm_schemas::OutcomesReport = res.json().await.unwrap();
    assert_eq!((outcomes.from, outcomes.to), (since, now));
    assert_eq!(outcomes.groups[0].cases, 2);
}
