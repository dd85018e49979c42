//! `CaseRepo`: cases with their photos and data keys, key rotation, blob references.

use telederm_server::{
    db::{CaseRecord, ClaimOutcome, Effects, GpCaseRecord},
    domain::{CaseStatus, Priority},
};
use uuid::Uuid;

use crate::setup::{
    as_enum, audit_actions, audited, case, data_key, entry, history, mins, photo, status_of, World,
};

fn same_case(a: &CaseRecord, b: &CaseRecord) {
    assert_eq!(a.id, b.id);
    assert_eq!(a.gp_id, b.gp_id);
    assert_eq!(a.territory_code, b.territory_code);
    assert_eq!(status_of(a), status_of(b));
    assert_eq!(
        as_enum::<Priority>(&a.priority),
        as_enum::<Priority>(&b.priority)
    );
    assert_eq!(a.age, b.age);
    assert_eq!(a.sex.to_string(), b.sex.to_string());
    assert_eq!(a.phototype, b.phototype);
    assert_eq!(a.clinical, b.clinical);
    assert_eq!(a.consent_at, b.consent_at);
    assert_eq!(a.submitted_at, b.submitted_at);
    assert_eq!(a.due_at, b.due_at);
    assert_eq!(a.claimed_by, b.claimed_by);
    assert_eq!(a.lease_until, b.lease_until);
    assert_eq!(a.info_requested_by, b.info_requested_by);
    assert_eq!(
        a.sla_clock.as_ref().map(ToString::to_string),
        b.sla_clock.as_ref().map(ToString::to_string)
    );
    assert_eq!(a.sla_target_secs, b.sla_target_secs);
    assert_eq!(a.remind_at, b.remind_at);
    assert_eq!(a.warn_at, b.warn_at);
    assert_eq!(a.paused_at, b.paused_at);
    assert_eq!(a.offered_at, b.offered_at);
}

#[tokio::test]
async fn a_case_is_stored_with_its_photos_key_event_and_audit_line() {
    let w = World::new().await;
    let repo = &w.repo;
    let c = case(w.gp13, "13", Priority::Urgent, mins(0), Some(mins(100)));
    let photos = [photo(c.id, 1, mins(0)), photo(c.id, 2, mins(0))];
    let key = data_key(c.id, "k1");
    repo.create_case(&c, &photos, &key, &audited("case.submitted"))
        .await
        .unwrap();

    same_case(&repo.case(c.id).await.unwrap().unwrap(), &c);
    assert!(repo.case(Uuid::new_v4()).await.unwrap().is_none());
    let stored = repo.photos_of_cases(&[c.id]).await.unwrap();
    assert_eq!(stored.len(), 2);
    for (s, p) in stored.iter().zip(&photos) {
        assert_eq!((s.id, s.case_id, s.position), (p.id, p.case_id, p.position));
        assert_eq!(
            (s.kind.to_string(), s.format.to_string()),
            (p.kind.to_string(), p.format.to_string())
        );
        assert_eq!((s.width, s.height, s.bytes), (p.width, p.height, p.bytes));
        assert_eq!((&s.sha256, &s.blob_key), (&p.sha256, &p.blob_key));
        assert_eq!(
            (&s.metadata_removed, &s.quality_warnings),
            (&p.metadata_removed, &p.quality_warnings)
        );
        assert_eq!(s.created_at, p.created_at);
    }
    let k = repo.data_key(c.id).await.unwrap().unwrap();
    assert_eq!(
        (k.case_id, k.master_key_id, k.wrapped),
        (key.case_id, key.master_key_id, key.wrapped)
    );
    assert!(repo.data_key(Uuid::new_v4()).await.unwrap().is_none());
    assert_eq!(history(repo, c.id).await, ["submitted >queued"]);
    let event = &repo.events(c.id).await.unwrap()[0];
    assert_eq!(
        (event.case_id, event.at, event.actor_id),
        (c.id, mins(0), Some(w.gp13))
    );
    assert_eq!(audit_actions(repo).await, ["case.submitted"]);
}

#[tokio::test]
async fn a_case_is_stored_all_or_nothing() {
    let w = World::new().await;
    let repo = &w.repo;
    let first = case(w.gp13, "13", Priority::Routine, mins(0), None);
    let first_photo = photo(first.id, 1, mins(0));
    repo.create_case(
        &first,
        std::slice::from_ref(&first_photo),
        &data_key(first.id, "k1"),
        &Effects::default(),
    )
    .await
    .unwrap();

    // The second photo reuses a blob key: the photo insert fails, so nothing of the case stays.
    let c = case(w.gp13, "13", Priority::Routine, mins(1), None);
    let mut clash = photo(c.id, 2, mins(1));
    clash.blob_key = first_photo.blob_key.clone();
    let result = repo
        .create_case(
            &c,
            &[photo(c.id, 1, mins(1)), clash],
            &data_key(c.id, "k1"),
            &audited("case.submitted"),
        )
        .await;
    assert!(result.is_err());
    assert!(repo.case(c.id).await.unwrap().is_none());
    assert!(repo.data_key(c.id).await.unwrap().is_none());
    assert!(repo.photos_of_cases(&[c.id]).await.unwrap().is_empty());
    assert!(repo.events(c.id).await.unwrap().is_empty());
    assert!(audit_actions(repo).await.is_empty());
    assert_eq!(
        repo.referenced_blob_keys().await.unwrap(),
        [first_photo.blob_key]
    );
}

#[tokio::test]
async fn a_gps_cases_come_most_recently_active_first_with_their_photos_in_order() {
    let w = World::new().await;
    let repo = &w.repo;
    let old = w.queued("13", Priority::Routine, 0, None).await;
    let new = w.queued("13", Priority::Urgent, 10, None).await;
    let mid = w.queued("13", Priority::Routine, 5, None).await;
    w.queued("84", Priority::Routine, 20, None).await;

    let ids = |cs: Vec<GpCaseRecord>| cs.into_iter().map(|c| c.case.id).collect::<Vec<_>>();
    assert_eq!(
        ids(repo.cases_of_gp(w.gp13, 10, 0).await.unwrap()),
        [new, mid, old]
    );
    assert_eq!(
        ids(repo.cases_of_gp(w.gp13, 2, 0).await.unwrap()),
        [new, mid]
    );
    assert_eq!(ids(repo.cases_of_gp(w.gp13, 2, 2).await.unwrap()), [old]);
    assert!(repo.cases_of_gp(w.derm1, 10, 0).await.unwrap().is_empty());

    // Claimed later than the others were submitted: the oldest case is now the most active.
    let claimed_at = mins(15);
    let outcome = repo
        .claim(old, w.derm1, claimed_at, mins(45), &Effects::default())
        .await
        .unwrap();
    assert!(matches!(outcome, ClaimOutcome::Claimed), "{outcome:?}");
    let rows = repo.cases_of_gp(w.gp13, 10, 0).await.unwrap();
    assert_eq!(ids(rows.clone()), [old, new, mid]);
    assert_eq!(rows[0].last_activity_at, claimed_at);
    assert_eq!(rows[1].last_activity_at, mins(10));

    // Photos are added to existing cases by a reply; here straight through create_case.
    let a = case(w.gp13, "13", Priority::Routine, mins(30), None);
    let b = case(w.gp13, "13", Priority::Routine, mins(31), None);
    let (a2, a1, b1) = (
        photo(a.id, 2, mins(30)),
        photo(a.id, 1, mins(30)),
        photo(b.id, 1, mins(31)),
    );
    repo.create_case(
        &a,
        &[a2.clone(), a1.clone()],
        &data_key(a.id, "k1"),
        &Effects::default(),
    )
    .await
    .unwrap();
    repo.create_case(
        &b,
        std::slice::from_ref(&b1),
        &data_key(b.id, "k1"),
        &Effects::default(),
    )
    .await
    .unwrap();
    let listed: Vec<_> = repo
        .photos_of_cases(&[b.id, a.id, old])
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(listed, [b1.id, a1.id, a2.id]);
    assert!(repo.photos_of_cases(&[]).await.unwrap().is_empty());

    let mut blobs = repo.referenced_blob_keys().await.unwrap();
    blobs.sort();
    let mut expected = vec![a1.blob_key, a2.blob_key, b1.blob_key];
    expected.sort();
    assert_eq!(blobs, expected);
}

#[tokio::test]
async fn data_keys_are_rewrapped_page_by_page_only_from_the_expected_master() {
    let w = World::new().await;
    let repo = &w.repo;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(w.queued("13", Priority::Routine, i, None).await);
    }
    ids.sort();
    assert_eq!(
        repo.data_key_counts().await.unwrap(),
        [("k1".to_owned(), 3)]
    );

    // Pages in case id order.
    let page = repo.data_keys_not_under("k2", 2).await.unwrap();
    assert_eq!(page.iter().map(|k| k.case_id).collect::<Vec<_>>(), ids[..2]);
    assert!(repo.data_keys_not_under("k1", 10).await.unwrap().is_empty());

    let rewrapped = data_key(ids[0], "k2");
    assert!(repo
        .rewrap_data_key("k1", &rewrapped, mins(50))
        .await
        .unwrap());
    let k = repo.data_key(ids[0]).await.unwrap().unwrap();
    assert_eq!(
        (k.master_key_id, k.wrapped),
        ("k2".to_owned(), rewrapped.wrapped.clone())
    );
    // Already moved on: a stale rewrap does not overwrite it.
    assert!(!repo
        .rewrap_data_key("k1", &data_key(ids[0], "k3"), mins(51))
        .await
        .unwrap());
    assert_eq!(
        repo.data_key(ids[0]).await.unwrap().unwrap().master_key_id,
        "k2"
    );

    assert_eq!(
        repo.data_key_counts().await.unwrap(),
        [("k1".to_owned(), 2), ("k2".to_owned(), 1)]
    );
    let rest = repo.data_keys_not_under("k2", 10).await.unwrap();
    assert_eq!(rest.iter().map(|k| k.case_id).collect::<Vec<_>>(), ids[1..]);
}

#[tokio::test]
async fn photo_reads_are_counted_from_the_audit_trail() {
    let w = World::new().await;
    let repo = &w.repo;
    let c = case(w.gp13, "13", Priority::Routine, mins(0), None);
    let (p, q) = (photo(c.id, 1, mins(0)), photo(c.id, 2, mins(0)));
    repo.create_case(
        &c,
        &[p.clone(), q.clone()],
        &data_key(c.id, "k1"),
        &Effects::default(),
    )
    .await
    .unwrap();
    let read = |photo: Uuid, action: &str| {
        let mut e = entry(action, mins(1));
        e.target_type = "photo".into();
        e.target_id = Some(photo.to_string());
        e.case_id = Some(c.id);
        e
    };
    let fx = Effects {
        audit: vec![
            read(p.id, "photo.read"),
            read(p.id, "photo.read"),
            read(q.id, "photo.read"),
            read(p.id, "case.read"),
        ],
        notify: Vec::new(),
    };
    repo.record(&fx).await.unwrap();
    assert_eq!(repo.photo_read_count(p.id).await.unwrap(), 2);
    assert_eq!(repo.photo_read_count(q.id).await.unwrap(), 1);
    assert_eq!(repo.photo_read_count(Uuid::new_v4()).await.unwrap(), 0);
    assert_eq!(w.status(c.id).await, CaseStatus::Queued);
}

/// Lists read keys and photos for all their cases at once, each case's photos in order.
#[tokio::test]
async fn keys_and_photos_of_many_cases_come_in_one_batch() {
    let w = World::new().await;
    let repo = &w.repo;
    let mut ids = Vec::new();
    for i in 0..3 {
        let c = case(w.gp13, "13", Priority::Routine, mins(i), None);
        // Stored in reverse order: the batch still gives each case's photos by position.
        let photos = [photo(c.id, 2, mins(i)), photo(c.id, 1, mins(i))];
        repo.create_case(
            &c,
            &photos,
            &data_key(c.id, "k1"),
            &audited("case.submitted"),
        )
        .await
        .unwrap();
        ids.push(c.id);
    }
    let unknown = Uuid::new_v4();
    let asked = [ids[2], unknown, ids[0]];
    let mut keyed: Vec<Uuid> = repo
        .data_keys_of(&asked)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.case_id)
        .collect();
    keyed.sort();
    let mut expected = vec![ids[0], ids[2]];
    expected.sort();
    assert_eq!(keyed, expected, "one per case that has one");
    let photos = repo.photos_of_cases(&asked).await.unwrap();
    assert_eq!(photos.len(), 4);
    for id in [ids[0], ids[2]] {
        let positions: Vec<i32> = photos
            .iter()
            .filter(|p| p.case_id == id)
            .map(|p| p.position)
            .collect();
        assert_eq!(positions, [1, 2]);
    }
    assert!(repo.data_keys_of(&[]).await.unwrap().is_empty());
    assert!(repo.photos_of_cases(&[]).await.unwrap().is_empty());
}
