//! The coordinator's rota page over HTTP, as a browser without scripts posts it: the week and its
//! gaps, shifts added, moved and removed (seen by the API and in the audit trail), refusals next
//! to their fields, targets and the territory's calendar, and who may do what. The same in a real
//! browser: `tests/web/rota.rs`.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use serde_json::json;
use telederm_schemas::{AuditPage, Shift, SlaClock, SlaPolicy, Territory, User};
use telederm_tests::{spawn_app, TestApp};

use crate::web_browser::{csrf_token, location, Browser};

const WEEKDAYS_FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// A week three weeks ahead: past the demo rota, so every hour of it is a gap at first.
struct FarWeek {
    monday: NaiveDate,
}

impl FarWeek {
    fn of(app: &TestApp) -> FarWeek {
        let day = (app.now() + Duration::days(21)).date_naive();
        FarWeek {
            monday: day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        }
    }

    /// `2026-W52`.
    fn name(&self) -> String {
        let w = self.monday.iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    }

    fn wednesday(&self) -> NaiveDate {
        self.monday + Duration::days(2)
    }

    /// A `datetime-local` value on Wednesday.
    fn wed_at(&self, hour: u32) -> String {
        format!("{}T{hour:02}:00", self.wednesday().format("%Y-%m-%d"))
    }

    /// "mer. 16 déc." as the page names Wednesday.
    fn wed_label(&self) -> String {
        let d = self.wednesday();
        format!(
            "{} {} {}",
            WEEKDAYS_FR[2],
            d.day(),
            MONTHS_FR[d.month0() as usize]
        )
    }

    fn page(&self, territory: &str) -> String {
        format!("/rota?territory={territory}&week={}", self.name())
    }

    /// The API's query for the whole week (and a day either side).
    fn api_window(&self, territory: &str) -> String {
        let from = self.monday.and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::days(1);
        let to = from + Duration::days(9);
        let f = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        format!(
            "/api/v1/shifts?territory={territory}&from={}&to={}",
            f(from),
            f(to)
        )
    }
}

async fn api_shifts(app: &TestApp, token: &str, path: &str) -> Vec<Shift> {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn coordinator(app: &TestApp) -> Browser<'_> {
    let mut b = Browser::new(app);
    b.sign_in("coord", "/dashboard").await;
    b
}

/// Post a form of the rota page (its CSRF token read from the page first).
async fn post(
    b: &mut Browser<'_>,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = csrf_token(&b.page(page, 200).await);
    let mut all = fields.to_vec();
    all.push(("csrf", &token));
    b.post_form(action, &all).await
}

/// Paris is one or two hours ahead of UTC: the instant a wall-clock input names.
fn is_paris_time(input: &str, at: chrono::DateTime<Utc>) -> bool {
    let naive = NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M").unwrap();
    let ahead = naive - at.naive_utc();
    ahead == Duration::hours(1) || ahead == Duration::hours(2)
}

#[tokio::test]
async fn the_week_shows_who_is_on_call_and_names_its_gaps() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    // This week: derm1 around the clock in 13, no gap.
    let page = coord.page("/rota", 200).await;
    assert!(
        page.contains("Astreintes · Bouches-du-Rhône (13)"),
        "{page}"
    );
    assert!(page.contains("Dr Léa Fabre (dermatologist)"), "{page}");
    assert!(page.contains("Aucun cette semaine"), "{page}");
    assert!(
        !page.contains("<td rowspan=\"24\" class=\"cover gap"),
        "{page}"
    );

    // Three weeks ahead nobody is on call, here or in 84: every day is one gap, in words.
    let week = FarWeek::of(&app);
    let page = coord.page(&week.page("13"), 200).await;
    assert!(page.contains("Trous dans la couverture"), "{page}");
    assert!(
        page.contains(&format!("{}, 00:00–24:00", week.wed_label())),
        "{page}"
    );
    assert_eq!(page.matches("class=\"cover gap").count(), 7, "{page}");
    assert!(page.contains("Trou : personne d"), "{page}");
    // Previous and next week are links.
    let next = FarWeek {
        monday: week.monday + Duration::days(7),
    };
    assert!(
        page.contains(&format!("week={}\" rel=\"next\"", next.name())),
        "{page}"
    );
}

#[tokio::test]
async fn a_shift_added_on_the_page_is_in_the_api_closes_the_gap_and_is_audited() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    let derm2 = app.user("derm2").await;
    let week = FarWeek::of(&app);
    let res = post(
        &mut coord,
        &week.page("13"),
        "/rota/shifts",
        &[
            ("territory", "13"),
            ("week", &week.name()),
            ("dermatologist_id", &derm2.id.to_string()),
            ("starts_at", &week.wed_at(8)),
            ("ends_at", &week.wed_at(18)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert_eq!(to, format!("{}&done=added", week.page("13")));

    let token = app.token("coord").await;
    let shifts = api_shifts(&app, &token, &week.api_window("13")).await;
    assert_eq!(shifts.len(), 1, "{shifts:?}");
    let shift = &shifts[0];
    assert_eq!(shift.dermatologist_id, derm2.id);
    assert_eq!(shift.ends_at - shift.starts_at, Duration::hours(10));
    assert!(is_paris_time(&week.wed_at(8), shift.starts_at), "{shift:?}");

    // Wednesday's gap is now before and after the shift; the page says it was added.
    let page = coord.page(&to, 200).await;
    assert!(page.contains("Astreinte ajoutée."), "{page}");
    let wed = week.wed_label();
    assert!(page.contains(&format!("{wed}, 00:00–08:00")), "{page}");
    assert!(page.contains(&format!("{wed}, 18:00–24:00")), "{page}");
    assert!(!page.contains(&format!("{wed}, 00:00–24:00")), "{page}");

    let audit: AuditPage = app
        .get(
            "/api/v1/audit?action=shift.created&territory=13",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let coord_user = app.user("coord").await;
    assert!(audit
        .entries
        .iter()
        .any(|e| e.target_id.as_deref() == Some(&shift.id.to_string())
            && e.actor_id == Some(coord_user.id)));
}

#[tokio::test]
async fn refused_shifts_say_why_next_to_the_field_and_add_nothing() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    let derm1 = app.user("derm1").await;
    let week = FarWeek::of(&app);
    let (w, id) = (week.name(), derm1.id.to_string());
    let cases: [(&[(&str, &str)], &str); 3] = [
        (
            &[
                ("dermatologist_id", &id),
                ("starts_at", &week.wed_at(18)),
                ("ends_at", &week.wed_at(8)),
            ],
            "La fin doit venir après le début.",
        ),
        (
            &[
                ("dermatologist_id", ""),
                ("starts_at", &week.wed_at(8)),
                ("ends_at", &week.wed_at(18)),
            ],
            "Choisissez un dermatologue dans la liste.",
        ),
        (
            &[
                ("dermatologist_id", &id),
                ("starts_at", "demain"),
                ("ends_at", &week.wed_at(18)),
            ],
            "Indiquez la date et l",
        ),
    ];
    for (fields, message) in cases {
        let mut all = vec![("territory", "13"), ("week", w.as_str())];
        all.extend_from_slice(fields);
        let res = post(&mut coord, &week.page("13"), "/rota/shifts", &all).await;
        assert_eq!(res.status(), 422, "{fields:?}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("class=\"field-error\" aria-live=\"polite\" id=\"add-"),
            "{page}"
        );
        assert!(page.contains(message), "{message}: {page}");
        assert!(page.contains("Rien n"), "{page}");
    }

    // Overlapping derm1's own shift in 13 (the demo's, this week).
    let now = app.now() + Duration::hours(2);
    let input = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%dT%H:%M").to_string();
    let res = post(
        &mut coord,
        "/rota",
        "/rota/shifts",
        &[
            ("territory", "13"),
            ("week", ""),
            ("dermatologist_id", &id),
            ("starts_at", &input(now)),
            ("ends_at", &input(now + Duration::hours(3))),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("a déjà une astreinte ici sur ces horaires"),
        "{page}"
    );

    let token = app.token("coord").await;
    assert!(api_shifts(&app, &token, &week.api_window("13"))
        .await
        .is_empty());
}

#[tokio::test]
async fn a_shift_is_moved_and_removed_from_the_page() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    let token = app.token("coord").await;
    let derm2 = app.user("derm2").await;
    let week = FarWeek::of(&app);
    let w = week.name();
    let add = |from: u32, to: u32| {
        let (d, w) = (derm2.id.to_string(), w.clone());
        let (s, e) = (week.wed_at(from), week.wed_at(to));
        vec![
            ("territory".to_owned(), "13".to_owned()),
            ("week".to_owned(), w),
            ("dermatologist_id".to_owned(), d),
            ("starts_at".to_owned(), s),
            ("ends_at".to_owned(), e),
        ]
    };
    for (from, to) in [(8, 12), (14, 18)] {
        let fields = add(from, to);
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let res = post(&mut coord, &week.page("13"), "/rota/shifts", &fields).await;
        assert_eq!(res.status(), 303);
    }
    let shifts = api_shifts(&app, &token, &week.api_window("13")).await;
    let first = shifts.iter().min_by_key(|s| s.starts_at).unwrap().clone();

    // Moving the first onto the second is refused, next to the field; it stays as it was.
    let action = format!("/rota/shifts/{}/move", first.id);
    let res = post(
        &mut coord,
        &week.page("13"),
        &action,
        &[
            ("territory", "13"),
            ("week", &w),
            ("starts_at", &week.wed_at(10)),
            ("ends_at", &week.wed_at(15)),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("a déjà une astreinte ici sur ces horaires"),
        "{page}"
    );
    assert!(page.contains("-starts-error"), "{page}");
    // Untouched: the same shifts, ids and times, and no change in the trail.
    let after = api_shifts(&app, &token, &week.api_window("13")).await;
    let mut now: Vec<_> = after
        .iter()
        .map(|s| (s.id, s.starts_at, s.ends_at))
        .collect();
    now.sort();
    let mut before: Vec<_> = shifts
        .iter()
        .map(|s| (s.id, s.starts_at, s.ends_at))
        .collect();
    before.sort();
    assert_eq!(now, before);
    for action in ["shift.moved", "shift.deleted"] {
        let audit: AuditPage = app
            .get(
                &format!("/api/v1/audit?action={action}&territory=13"),
                Some(&token),
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(audit.entries.is_empty(), "{action}: {audit:?}");
    }

    // Moved to 06:00-09:00: the API shows the new times, not the old ones.
    let first = after.iter().min_by_key(|s| s.starts_at).unwrap().clone();
    let res = post(
        &mut coord,
        &week.page("13"),
        &format!("/rota/shifts/{}/move", first.id),
        &[
            ("territory", "13"),
            ("week", &w),
            ("starts_at", &week.wed_at(6)),
            ("ends_at", &week.wed_at(9)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).ends_with("done=moved"));
    let moved = api_shifts(&app, &token, &week.api_window("13")).await;
    assert_eq!(moved.len(), 2);
    let early = moved.iter().min_by_key(|s| s.starts_at).unwrap();
    assert_eq!(early.id, first.id, "moved in place");
    assert_eq!(early.ends_at - early.starts_at, Duration::hours(3));
    let audit: AuditPage = app
        .get(
            "/api/v1/audit?action=shift.moved&territory=13",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit.entries.len(), 1, "one change: {audit:?}");
    assert!(is_paris_time(&week.wed_at(6), early.starts_at));

    // Removed.
    let res = post(
        &mut coord,
        &week.page("13"),
        &format!("/rota/shifts/{}/delete", early.id),
        &[("territory", "13"), ("week", &w)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let left = api_shifts(&app, &token, &week.api_window("13")).await;
    assert_eq!(left.len(), 1);
    assert_ne!(left[0].id, early.id);
    let audit: AuditPage = app
        .get(
            "/api/v1/audit?action=shift.deleted&territory=13",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(audit
        .entries
        .iter()
        .any(|e| e.target_id.as_deref() == Some(&early.id.to_string())));
}

#[tokio::test]
async fn targets_are_set_from_the_page_and_refused_in_its_words() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    let res = post(
        &mut coord,
        "/rota",
        "/rota/targets",
        &[
            ("territory", "13"),
            ("week", ""),
            ("priority", "urgent"),
            ("target_hours", "24,5"),
            ("clock", "business"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let token = app.token("coord").await;
    let policies: Vec<SlaPolicy> = app
        .get("/api/v1/territories/13/sla", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let urgent = policies
        .iter()
        .find(|p| p.priority == telederm_schemas::Priority::Urgent)
        .unwrap();
    assert_eq!(
        (urgent.target_hours, urgent.clock),
        (24.5, SlaClock::Business)
    );
    let page = coord.page(&location(&res), 200).await;
    assert!(page.contains("Délai enregistré."), "{page}");
    assert!(page.contains("value=\"24.5\""), "{page}");

    let res = post(
        &mut coord,
        "/rota",
        "/rota/targets",
        &[
            ("territory", "13"),
            ("week", ""),
            ("priority", "routine"),
            ("target_hours", "0"),
            ("clock", "calendar"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"target-routine-error\""), "{page}");
    assert!(page.contains("Un nombre d"), "{page}");
}

#[tokio::test]
async fn working_hours_and_holidays_are_set_by_the_territorys_coordinator() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    let page = coord.page("/rota", 200).await;
    assert!(page.contains("action=\"/rota/calendar\""), "{page}");
    let calendar = [
        ("territory", "13"),
        ("week", ""),
        ("days", "mon"),
        ("days", "tue"),
        ("start", "09:00"),
        ("end", "17:30"),
        ("holidays", "2026-12-25\n2027-01-01"),
    ];
    let res = post(&mut coord, "/rota", "/rota/calendar", &calendar).await;
    assert_eq!(res.status(), 303);
    let token = app.token("coord").await;
    let t: Territory = app
        .get("/api/v1/territories/13", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t.working_hours.days, ["mon", "tue"]);
    assert_eq!(
        (t.working_hours.start.as_str(), t.working_hours.end.as_str()),
        ("09:00", "17:30")
    );
    assert_eq!(t.holidays.len(), 2);

    let mut bad = calendar.to_vec();
    bad.retain(|(k, _)| *k != "holidays");
    bad.push(("holidays", "Noël"));
    let res = post(&mut coord, "/rota?territory=13", "/rota/calendar", &bad).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"calendar-holidays-error\""), "{page}");

    // An admin too.
    let mut admin = Browser::new(&app);
    admin.sign_in("admin", "/admin").await;
    let res = post(
        &mut admin,
        "/rota?territory=13",
        "/rota/calendar",
        &calendar,
    )
    .await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn a_change_without_the_pages_token_is_refused() {
    let app = spawn_app().await;
    let mut coord = coordinator(&app).await;
    let derm2 = app.user("derm2").await;
    let week = FarWeek::of(&app);
    let res = coord
        .post_form(
            "/rota/shifts",
            &[
                ("territory", "13"),
                ("week", &week.name()),
                ("dermatologist_id", &derm2.id.to_string()),
                ("starts_at", &week.wed_at(8)),
                ("ends_at", &week.wed_at(18)),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let token = app.token("coord").await;
    assert!(api_shifts(&app, &token, &week.api_window("13"))
        .await
        .is_empty());
}

#[tokio::test]
async fn another_territorys_coordinator_cannot_touch_13s_rota_and_others_go_home() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "coord84@demo.test", "display_name": "Coordinatrice 84",
                    "role": "coordinator", "password": telederm_tests::DEMO_PASSWORD,
                    "territories": ["84"]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let mut other = Browser::new(&app);
    other.sign_in("coord84", "/dashboard").await;
    // Its own rota is 84's; 13's is not open to it.
    let page = other.page("/rota", 200).await;
    assert!(page.contains("(84)"), "{page}");
    assert!(!page.contains("value=\"13\""), "{page}");
    other.page("/rota?territory=13", 403).await;

    let derm2: User = app.user("derm2").await;
    let week = FarWeek::of(&app);
    let res = post(
        &mut other,
        "/rota",
        "/rota/shifts",
        &[
            ("territory", "13"),
            ("week", &week.name()),
            ("dermatologist_id", &derm2.id.to_string()),
            ("starts_at", &week.wed_at(8)),
            ("ends_at", &week.wed_at(18)),
        ],
    )
    .await;
    assert_eq!(res.status(), 403);
    let coord = app.token("coord").await;
    assert!(api_shifts(&app, &coord, &week.api_window("13"))
        .await
        .is_empty());
    // Nor change 13's working hours.
    let res = post(
        &mut other,
        "/rota",
        "/rota/calendar",
        &[
            ("territory", "13"),
            ("week", ""),
            ("days", "mon"),
            ("start", "09:00"),
            ("end", "17:00"),
            ("holidays", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 403);
    // Nor remove one of 13's shifts.
    let now_shifts = api_shifts(&app, &coord, "/api/v1/shifts?territory=13").await;
    let res = post(
        &mut other,
        "/rota",
        &format!("/rota/shifts/{}/delete", now_shifts[0].id),
        &[("territory", "13"), ("week", "")],
    )
    .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        api_shifts(&app, &coord, "/api/v1/shifts?territory=13").await,
        now_shifts
    );

    for (who, home) in [("gp13", "/cases"), ("derm1", "/queue")] {
        let mut b = Browser::new(&app);
        b.sign_in(who, home).await;
        let res = b.get("/rota").await;
        assert_eq!(res.status(), 303, "{who}");
        assert_eq!(location(&res), home);
    }
}
