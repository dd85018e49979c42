//! The coordinator's rota in a real browser: the week of its first territory, a week with gaps
//! named in words, a shift added by choosing a dermatologist by name (seen by the API), and a
//! refusal next to its field. Accessible (axe) and screenshotted at every step.

use chrono::{Datelike, Duration};
use telederm_schemas::Shift;
use telederm_tests::{
    browser::{screenshot_dir, Browser, Size, DESKTOP},
    pages::{rota::Rota, sign_in::SignIn},
    spawn_app, TestApp, DEMO_PASSWORD,
};

/// A tablet held sideways: the rota must be usable there too.
const TABLET: Size = Size {
    name: "tablet",
    width: 1024,
    height: 768,
};

/// `target/ui-screenshots/<name>-tablet.png`, the window left at desktop size.
async fn tablet_screenshot(browser: &Browser, name: &str) {
    browser.resize(TABLET).await;
    let png = browser.client().screenshot().await.unwrap();
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}-{}.png", TABLET.name)), png).unwrap();
    browser.resize(DESKTOP).await;
}

async fn signed_in_coordinator(app: &TestApp) -> Option<Browser> {
    let browser = Browser::start().await?;
    let landed = SignIn::open(&browser, app)
        .await
        .sign_in("coord@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(landed, app.url("/dashboard"));
    Some(browser)
}

#[tokio::test]
async fn a_coordinator_sees_the_gaps_and_adds_a_shift_by_name() {
    let app = spawn_app().await;
    let Some(browser) = signed_in_coordinator(&app).await else {
        return;
    };
    // This week: derm1 on call around the clock in 13.
    let rota = Rota::open(&browser, &app, "").await;
    assert!(rota.heading().await.contains("Bouches-du-Rhône (13)"));
    assert!(rota.gaps().await.is_empty());
    assert!(rota
        .shifts()
        .await
        .iter()
        .any(|s| s.contains("Dr Léa Fabre (dermatologist)")));
    browser.assert_accessible("the rota, this week").await;
    browser.screenshot_page("rota-week").await;

    // Three weeks ahead: nobody, here or in the fallback 84. Every day is one gap, in words.
    let day = (app.now() + Duration::days(21)).date_naive();
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let iso = monday.iso_week();
    let week = format!("territory=13&week={}-W{:02}", iso.year(), iso.week());
    let rota = Rota::open(&browser, &app, &week).await;
    let gaps = rota.gaps().await;
    assert_eq!(gaps.len(), 7, "{gaps:?}");
    assert!(gaps.iter().all(|g| g.ends_with("00:00–24:00")), "{gaps:?}");
    let cells = rota.gap_cells().await;
    assert!(
        cells
            .iter()
            .all(|c| c.contains("Trou : personne d'astreinte")),
        "{cells:?}"
    );

    // Wednesday 08:00-18:00, Dr Hugo Blanc chosen by name.
    let wednesday = (monday + Duration::days(2)).format("%Y-%m-%d").to_string();
    let rota = rota
        .add_shift(
            "Dr Hugo Blanc (dermatologist)",
            &format!("{wednesday}T08:00"),
            &format!("{wednesday}T18:00"),
        )
        .await;
    assert_eq!(rota.done().await, "Astreinte ajoutée.");
    let gaps = rota.gaps().await;
    assert_eq!(gaps.len(), 8, "{gaps:?}");
    assert!(gaps.iter().any(|g| g.ends_with("00:00–08:00")), "{gaps:?}");
    assert!(gaps.iter().any(|g| g.ends_with("18:00–24:00")), "{gaps:?}");
    let shifts = rota.shifts().await;
    assert_eq!(shifts.len(), 1, "{shifts:?}");
    assert!(shifts[0].contains("Dr Hugo Blanc"), "{shifts:?}");
    browser
        .assert_accessible("the rota with a shift added")
        .await;
    browser.screenshot_page("rota-gaps").await;
    tablet_screenshot(&browser, "rota-gaps").await;

    let coord = app.token("coord").await;
    let derm2 = app.user("derm2").await;
    let from = monday.and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::days(1);
    let window = format!(
        "/api/v1/shifts?territory=13&from={}&to={}",
        from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (from + Duration::days(9)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let listed: Vec<Shift> = app.get(&window, Some(&coord)).await.json().await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].dermatologist_id, derm2.id);
    assert_eq!(listed[0].ends_at - listed[0].starts_at, Duration::hours(10));

    // The end before the start: said next to the field, nothing added.
    let rota = rota
        .add_shift(
            "Dr Léa Fabre (dermatologist)",
            &format!("{wednesday}T18:00"),
            &format!("{wednesday}T08:00"),
        )
        .await;
    assert_eq!(
        rota.add_errors().await,
        ["La fin doit venir après le début."]
    );
    browser
        .assert_accessible("the rota with a refused shift")
        .await;
    browser.screenshot_page("rota-refused").await;
    let listed: Vec<Shift> = app.get(&window, Some(&coord)).await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    browser.close().await;
}
