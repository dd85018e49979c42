//! `QueueRepo::queued_cases`: which queued cases a dermatologist sees, in which order, each with
//! its data key and its photos' kinds.

use chrono::{TimeZone, Utc};
use secrecy::ExposeSecret;
use telederm_server::{
    db::{self, Effects, QueuedRecord, ReplyRoute, SlaStep},
    domain::{PhotoKind, Priority, Role},
};
use uuid::Uuid;

use crate::setup::{
    case, codes, data_key, empty_database, mins, photo, raw_sql, stored, t0, territory, user, World,
};

fn ids(cases: Vec<QueuedRecord>) -> Vec<Uuid> {
    cases.into_iter().map(|c| c.id).collect()
}

#[tokio::test]
async fn urgent_first_then_earliest_due_unknown_due_last_then_earliest_submitted() {
    let w = World::new().await;
    let repo = &w.repo;
    use Priority::{Routine, Urgent};
    let routine_due_100 = w.queued("13", Routine, 0, Some(100)).await;
    let urgent_no_due = w.queued("13", Urgent, 10, None).await;
    let urgent_due_200 = w.queued("13", Urgent, 5, Some(200)).await;
    let routine_no_due = w.queued("13", Routine, 1, None).await;
    let urgent_due_50 = w.queued("13", Urgent, 20, Some(50)).await;
    let routine_due_100_later = w.queued("13", Routine, 2, Some(100)).await;
    // Due on a whole second: stored without a fraction, it must still sort by time.
    let whole_second = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    let routine_due_30 = w
        .submit(case(w.gp13, "13", Routine, mins(3), Some(whole_second)))
        .await;
    let urgent_no_due_earlier = w.queued("13", Urgent, 9, None).await;

    // Not queued, or elsewhere: never listed.
    let claimed = w.queued("13", Urgent, 0, Some(10)).await;
    w.claim(claimed, w.derm1).await;
    let cancelled = w.queued("13", Urgent, 0, Some(10)).await;
    assert!(repo
        .cancel(cancelled, w.gp13, mins(1), &Effects::default())
        .await
        .unwrap());
    let elsewhere = w.queued("84", Urgent, 0, Some(70)).await;

    let expected = [
        urgent_due_50,
        urgent_due_200,
        urgent_no_due_earlier,
        urgent_no_due,
        routine_due_30,
        routine_due_100,
        routine_due_100_later,
        routine_no_due,
    ];
    assert_eq!(
        ids(repo.queued_cases(&codes(&["13"]), &[], 50).await.unwrap()),
        expected
    );
    assert_eq!(
        ids(repo.queued_cases(&codes(&["13"]), &[], 3).await.unwrap()),
        expected[..3]
    );
    let both = ids(repo
        .queued_cases(&codes(&["84", "13"]), &[], 50)
        .await
        .unwrap());
    assert_eq!(both[..2], [urgent_due_50, elsewhere]);
    assert_eq!(both.len(), expected.len() + 1);
    assert!(repo.queued_cases(&[], &[], 50).await.unwrap().is_empty());
    assert!(repo
        .queued_cases(&codes(&["04"]), &[], 50)
        .await
        .unwrap()
        .is_empty());

    // Triage fields come back, with the sealed text and the case's own key; these were
    // submitted without photos.
    let first = &repo.queued_cases(&codes(&["13"]), &[], 1).await.unwrap()[0];
    let stored = w.case(urgent_due_50).await;
    assert_eq!(
        (
            first.territory_code.as_str(),
            first.priority,
            first.age,
            first.sex
        ),
        ("13", Urgent, stored.age, stored.sex)
    );
    assert_eq!(
        (first.submitted_at, first.due_at),
        (mins(20), Some(mins(50)))
    );
    assert_eq!(
        (first.remind_at, first.warn_at),
        (stored.remind_at, stored.warn_at)
    );
    assert!(first.remind_at.is_some());
    assert_eq!(first.clinical, stored.clinical);
    assert_eq!(
        first.key.wrapped,
        data_key(urgent_due_50, "k1").wrapped,
        "the case's own key"
    );
    assert_eq!(first.photo_kinds, []);
}

#[tokio::test]
async fn each_queued_case_comes_with_its_own_key_and_its_photos_kinds_in_order() {
    let w = World::new().await;
    let with_photos = |position: i32, kind: PhotoKind, id| {
        let mut p = photo(id, position, mins(1));
        p.kind = stored(kind);
        p
    };
    let mut ids_in_order = Vec::new();
    for (n, kinds) in [
        vec![
            PhotoKind::Overview,
            PhotoKind::Closeup,
            PhotoKind::Dermoscopy,
        ],
        vec![PhotoKind::Dermoscopy, PhotoKind::Overview],
    ]
    .into_iter()
    .enumerate()
    {
        let c = case(w.gp13, "13", Priority::Routine, mins(n as i64), None);
        // Stored out of order: the list follows the photos' positions.
        let photos: Vec<_> = kinds
            .iter()
            .enumerate()
            .rev()
            .map(|(i, k)| with_photos(i as i32 + 1, *k, c.id))
            .collect();
        w.repo
            .create_case(&c, &photos, &data_key(c.id, "k2"), &Effects::default())
            .await
            .unwrap();
        ids_in_order.push((c.id, kinds));
    }

    let listed = w.repo.queued_cases(&codes(&["13"]), &[], 50).await.unwrap();
    let got: Vec<_> = listed
        .iter()
        .map(|r| (r.id, r.photo_kinds.clone()))
        .collect();
    assert_eq!(got, ids_in_order);
    for r in &listed {
        assert_eq!(r.key.case_id, r.id);
        assert_eq!(r.key.master_key_id, "k2");
        assert_eq!(r.key.wrapped, data_key(r.id, "k2").wrapped);
    }
}

#[tokio::test]
async fn photos_sent_with_a_reply_are_listed_after_the_first_ones_in_their_order() {
    let w = World::new().await;
    let photo_of = |case_id, position: i32, kind: PhotoKind| {
        let mut p = photo(case_id, position, mins(1));
        p.kind = stored(kind);
        p
    };
    let c = case(w.gp13, "13", Priority::Routine, mins(0), None);
    let first = [photo_of(c.id, 1, PhotoKind::Overview)];
    w.repo
        .create_case(&c, &first, &data_key(c.id, "k1"), &Effects::default())
        .await
        .unwrap();
    w.claim(c.id, w.derm1).await;
    let fx = Effects::default();
    assert!(w
        .repo
        .request_info(&crate::actions::info_request(c.id, w.derm1, 2), &fx)
        .await
        .unwrap());
    assert!(w
        .repo
        .queued_cases(&codes(&["13"]), &[], 50)
        .await
        .unwrap()
        .is_empty());

    // The new photos, stored out of order, come after the first one, by position.
    let added = [
        photo_of(c.id, 3, PhotoKind::Closeup),
        photo_of(c.id, 2, PhotoKind::Dermoscopy),
    ];
    let route = ReplyRoute::Queue;
    assert!(w
        .repo
        .reply(c.id, w.gp13, mins(5), b"sealed", &added, route, None, &fx)
        .await
        .unwrap());

    let listed = w.repo.queued_cases(&codes(&["13"]), &[], 50).await.unwrap();
    assert_eq!(ids(listed.clone()), [c.id]);
    assert_eq!(
        listed[0].photo_kinds,
        [
            PhotoKind::Overview,
            PhotoKind::Dermoscopy,
            PhotoKind::Closeup
        ]
    );
}

/// Migration 0016 fills in the photo kinds of the cases stored before it; a case written without
/// them (by an older server, during a rolling upgrade) is still listed with its kinds.
#[tokio::test]
async fn cases_stored_without_their_photo_kinds_are_listed_with_them() {
    let (secret_url, _dir) = empty_database().await;
    let url = secret_url.expose_secret();
    let repo = db::connect(&secret_url, 4).await.unwrap();
    repo.migrate().await.unwrap();
    let fx = Effects::default();
    repo.create_territory(&territory("13", &[]), t0(), &fx)
        .await
        .unwrap();
    let gp = user("gp13@x.fr", Role::Gp, Some("13"), &[]);
    repo.create_user(&gp, "$argon2id$x", None, &fx)
        .await
        .unwrap();
    let kinds = [PhotoKind::Dermoscopy, PhotoKind::Overview];
    let mut case_ids = Vec::new();
    for n in 0..2 {
        let c = case(gp.id.as_uuid(), "13", Priority::Routine, mins(n), None);
        let photos: Vec<_> = (1..=2)
            .rev()
            .map(|position| {
                let mut p = photo(c.id, position, mins(1));
                p.kind = stored(kinds[position as usize - 1]);
                p
            })
            .collect();
        repo.create_case(&c, &photos, &data_key(c.id, "k1"), &fx)
            .await
            .unwrap();
        case_ids.push(c.id);
    }
    drop(repo);

    // Back to the schema before 0016, then up again.
    let before_0016 = [
        "ALTER TABLE cases DROP COLUMN photo_kinds".to_owned(),
        "DELETE FROM _sqlx_migrations WHERE version = 16".to_owned(),
    ];
    raw_sql(url, &before_0016, "SELECT code FROM territories").await;
    let repo = db::connect(&secret_url, 4).await.unwrap();
    repo.migrate().await.unwrap();
    let stored_kinds = "SELECT photo_kinds FROM cases ORDER BY submitted_at";
    let filled = Some("dermoscopy,overview".to_owned());
    assert_eq!(
        raw_sql(url, &[], stored_kinds).await,
        [filled.clone(), filled]
    );

    // The second case as an older server writes it: no kinds on the case.
    let older = ["UPDATE cases SET photo_kinds = NULL \
         WHERE submitted_at = (SELECT MAX(submitted_at) FROM cases)"
        .to_owned()];
    assert_eq!(raw_sql(url, &older, stored_kinds).await[1], None);
    let listed = repo.queued_cases(&codes(&["13"]), &[], 50).await.unwrap();
    assert_eq!(ids(listed.clone()), case_ids);
    for r in listed {
        assert_eq!(r.photo_kinds, kinds, "{}", r.id);
    }
}

#[tokio::test]
async fn cases_of_other_territories_are_seen_once_offered_to_their_fallbacks() {
    let w = World::new().await;
    let repo = &w.repo;
    let here = w.queued("84", Priority::Routine, 0, Some(100)).await;
    let away = w.queued("13", Priority::Urgent, 0, Some(100)).await;
    let not_offered = w.queued("13", Priority::Urgent, 1, Some(90)).await;

    // 13 falls back to 84: its cases show up in 84's queue once offered, not before.
    let mine = codes(&["84"]);
    let offering = codes(&["13"]);
    assert_eq!(
        ids(repo.queued_cases(&mine, &offering, 50).await.unwrap()),
        [here]
    );
    assert!(repo
        .take_sla_step(away, SlaStep::Offer, mins(80), &Effects::default())
        .await
        .unwrap());
    assert_eq!(
        ids(repo.queued_cases(&mine, &offering, 50).await.unwrap()),
        [away, here]
    );
    assert_eq!(
        ids(repo.queued_cases(&[], &offering, 50).await.unwrap()),
        [away]
    );
    // Offered from elsewhere only counts for the territories named.
    assert_eq!(
        ids(repo.queued_cases(&mine, &codes(&["04"]), 50).await.unwrap()),
        [here]
    );
    // 13's own dermatologists see both, offered or not.
    assert_eq!(
        ids(repo.queued_cases(&codes(&["13"]), &[], 50).await.unwrap()),
        [not_offered, away]
    );
}
