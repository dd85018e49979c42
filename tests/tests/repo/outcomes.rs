//! What the transitions record: answers, requests for information and replies (with photos and
//! the SLA clock moved), closing with a rating, and the outcome merged field by field.

use chrono::NaiveDate;
use telederm_schemas as wire;
use telederm_server::{
    db::{Effects, OutcomeRecord, ReplyRoute, SlaTimes},
    domain::CaseStatus,
};
use uuid::Uuid;

use crate::{
    actions::{answer, case_in, info_request},
    setup::{as_enum, audited, history, mins, photo, World},
};

#[tokio::test]
async fn an_answer_is_recorded_and_ends_the_claim() {
    let w = World::new().await;
    let repo = &w.repo;
    let id = case_in(&w, CaseStatus::Claimed).await;
    assert!(repo.answer_of(id).await.unwrap().is_none());
    let written = answer(id, w.derm1, 20);
    assert!(repo
        .answer(&written, &audited("case.answered"))
        .await
        .unwrap());

    let a = repo.answer_of(id).await.unwrap().unwrap();
    assert_eq!(
        (a.case_id, a.dermatologist_id, a.answered_at),
        (id, w.derm1, mins(20))
    );
    assert_eq!(
        as_enum::<wire::Management>(&a.management),
        wire::Management::InPersonConsult
    );
    assert_eq!((a.delay_days, a.sealed), (Some(30), written.sealed));
    let c = w.case(id).await;
    assert_eq!((c.claimed_by, c.lease_until), (None, None));
    let event = repo.events(id).await.unwrap().pop().unwrap();
    assert_eq!((event.at, event.actor_id), (mins(20), Some(w.derm1)));
    assert!(repo.answer_of(Uuid::new_v4()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_request_for_information_pauses_the_case_and_the_reply_restarts_it() {
    let w = World::new().await;
    let repo = &w.repo;
    let id = case_in(&w, CaseStatus::Claimed).await;
    let first = info_request(id, w.derm1, 20);
    assert!(repo
        .request_info(&first, &Effects::default())
        .await
        .unwrap());
    let c = w.case(id).await;
    assert_eq!(
        (c.info_requested_by, c.paused_at),
        (Some(w.derm1), Some(mins(20)))
    );
    assert_eq!((c.claimed_by, c.lease_until), (None, None));
    let asked = repo.info_requests_of(id).await.unwrap();
    assert_eq!(asked.len(), 1);
    let r = &asked[0];
    assert_eq!(
        (r.id, r.case_id, r.dermatologist_id, r.asked_at),
        (first.id, id, w.derm1, mins(20))
    );
    assert_eq!((r.wants_new_photos, &r.sealed), (true, &first.sealed));
    assert_eq!((r.replied_at, &r.reply_sealed), (None, &None));

    // Back to the asker, with a new photo, the SLA steps moved by the 30 minutes of waiting.
    let moved = SlaTimes {
        remind_at: mins(80),
        warn_at: mins(110),
        due_at: mins(130),
    };
    let new_photo = photo(id, 1, mins(50));
    let back = ReplyRoute::BackTo {
        dermatologist: w.derm1,
        lease_until: mins(90),
    };
    let replied = repo
        .reply(
            id,
            w.gp13,
            mins(50),
            b"first reply",
            std::slice::from_ref(&new_photo),
            back,
            Some(moved),
            &Effects::default(),
        )
        .await
        .unwrap();
    assert!(replied);
    let c = w.case(id).await;
    assert_eq!(w.status(id).await, CaseStatus::Claimed);
    assert_eq!(
        (c.claimed_by, c.lease_until),
        (Some(w.derm1), Some(mins(90)))
    );
    assert_eq!((c.info_requested_by, c.paused_at), (None, None));
    assert_eq!(
        (c.remind_at, c.warn_at, c.due_at),
        (Some(mins(80)), Some(mins(110)), Some(mins(130)))
    );
    let photos = repo.photos_of_cases(&[id]).await.unwrap();
    assert_eq!(
        photos.iter().map(|p| p.id).collect::<Vec<_>>(),
        [new_photo.id]
    );
    let event = repo.events(id).await.unwrap().pop().unwrap();
    assert_eq!((event.at, event.actor_id), (mins(50), Some(w.gp13)));

    // A second round, this time back to the queue and without an SLA to move.
    let second = info_request(id, w.derm1, 60);
    assert!(repo
        .request_info(&second, &Effects::default())
        .await
        .unwrap());
    assert!(repo
        .reply(
            id,
            w.gp13,
            mins(70),
            b"second reply",
            &[],
            ReplyRoute::Queue,
            None,
            &Effects::default()
        )
        .await
        .unwrap());
    let c = w.case(id).await;
    assert_eq!(w.status(id).await, CaseStatus::Queued);
    assert_eq!(
        (c.claimed_by, c.lease_until, c.paused_at),
        (None, None, None)
    );
    assert_eq!(
        (c.remind_at, c.warn_at, c.due_at),
        (Some(mins(80)), Some(mins(110)), Some(mins(130)))
    );

    let asked = repo.info_requests_of(id).await.unwrap();
    let replies: Vec<_> = asked
        .iter()
        .map(|r| (r.id, r.replied_at, r.reply_sealed.clone()))
        .collect();
    assert_eq!(
        replies,
        [
            (first.id, Some(mins(50)), Some(b"first reply".to_vec())),
            (second.id, Some(mins(70)), Some(b"second reply".to_vec())),
        ]
    );
    assert!(repo
        .info_requests_of(Uuid::new_v4())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        history(repo, id).await[2..],
        [
            "info_requested claimed>info_requested",
            "replied info_requested>claimed",
            "info_requested claimed>info_requested",
            "replied info_requested>queued",
        ]
    );
}

#[tokio::test]
async fn closing_keeps_a_rating_the_schema_accepts() {
    let w = World::new().await;
    let repo = &w.repo;
    let id = case_in(&w, CaseStatus::Answered).await;
    // The rating is stored with the close: one out of range fails it whole.
    assert!(repo
        .close(id, w.gp13, mins(30), Some(6), &audited("case.closed"))
        .await
        .is_err());
    assert_eq!(w.status(id).await, CaseStatus::Answered);
    assert!(repo
        .close(id, w.gp13, mins(31), Some(5), &audited("case.closed"))
        .await
        .unwrap());
    assert_eq!(w.status(id).await, CaseStatus::Closed);
    let event = repo.events(id).await.unwrap().pop().unwrap();
    assert_eq!((event.at, event.actor_id), (mins(31), Some(w.gp13)));
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, d).unwrap()
}

fn outcome(case_id: Uuid, by: Uuid, at_min: i64) -> OutcomeRecord {
    OutcomeRecord {
        case_id,
        in_person_date: None,
        biopsy_date: None,
        histology_date: None,
        histology_sealed: None,
        treatment_date: None,
        updated_at: mins(at_min),
        updated_by: by,
    }
}

async fn merge(w: &World, o: &OutcomeRecord) {
    let status = CaseStatus::Answered;
    w.repo
        .merge_outcome(o, status, &Effects::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn outcomes_merge_field_by_field() {
    let w = World::new().await;
    let repo = &w.repo;
    let id = case_in(&w, CaseStatus::Answered).await;
    assert!(repo.outcome_of(id).await.unwrap().is_none());

    let mut first = outcome(id, w.gp13, 10);
    first.in_person_date = Some(day(1));
    first.biopsy_date = Some(day(2));
    merge(&w, &first).await;
    let mut second = outcome(id, w.derm1, 20);
    second.histology_date = Some(day(9));
    second.histology_sealed = Some(b"sealed histology".to_vec());
    merge(&w, &second).await;
    let mut third = outcome(id, w.gp13, 30);
    third.in_person_date = Some(day(3));
    merge(&w, &third).await;

    let o = repo.outcome_of(id).await.unwrap().unwrap();
    assert_eq!(o.case_id, id);
    assert_eq!(
        (o.in_person_date, o.biopsy_date, o.histology_date),
        (Some(day(3)), Some(day(2)), Some(day(9)))
    );
    assert_eq!(
        (o.histology_sealed, o.treatment_date),
        (Some(b"sealed histology".to_vec()), None)
    );
    assert_eq!((o.updated_at, o.updated_by), (mins(30), w.gp13));
    assert_eq!(
        history(repo, id).await.pop().unwrap(),
        "outcome_recorded answered>answered"
    );
    assert_eq!(w.status(id).await, CaseStatus::Answered);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_of_different_outcome_fields_both_keep_theirs() {
    let w = World::new().await;
    let id = case_in(&w, CaseStatus::Answered).await;
    let writers: Vec<OutcomeRecord> = (0..4)
        .map(|i| {
            let mut o = outcome(id, w.gp13, 10 + i);
            match i {
                0 => o.in_person_date = Some(day(1)),
                1 => o.biopsy_date = Some(day(2)),
                2 => o.histology_date = Some(day(3)),
                _ => o.treatment_date = Some(day(4)),
            }
            o
        })
        .collect();
    let tasks: Vec<_> = writers
        .into_iter()
        .map(|o| {
            let repo = w.repo.clone();
            tokio::spawn(async move {
                let status = CaseStatus::Answered;
                repo.merge_outcome(&o, status, &Effects::default())
                    .await
                    .unwrap();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let o = w.repo.outcome_of(id).await.unwrap().unwrap();
    assert_eq!(
        (
            o.in_person_date,
            o.biopsy_date,
            o.histology_date,
            o.treatment_date
        ),
        (Some(day(1)), Some(day(2)), Some(day(3)), Some(day(4)))
    );
    assert_eq!(history(&w.repo, id).await.len(), 7);
}
