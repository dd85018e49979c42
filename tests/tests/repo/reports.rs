//! `SlaRepo::report_rows`: each case submitted in a period, as the coordinators' reports see it.

use chrono::NaiveDate;
use telederm_server::{
    db::{Effects, OutcomeRecord, ReplyRoute, ReportRow, SlaStep},
    domain::{CaseStatus, Priority},
};
use uuid::Uuid;

use crate::{
    actions::{answer, info_request},
    setup::{as_enum, codes, mins, World},
};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, d).unwrap()
}

/// Asked about by derm1 at 20, replied to the queue at 30, breached at 35, answered by derm2 at
/// 40, with its outcome dates.
async fn eventful(w: &World) -> Uuid {
    let repo = &w.repo;
    let fx = Effects::default();
    let id = w.queued("13", Priority::Urgent, 0, Some(100)).await;
    w.claim(id, w.derm1).await;
    assert!(repo
        .request_info(&info_request(id, w.derm1, 20), &fx)
        .await
        .unwrap());
    let replied = repo.reply(
        id,
        w.gp13,
        mins(30),
        b"reply",
        &[],
        ReplyRoute::Queue,
        None,
        &fx,
    );
    assert!(replied.await.unwrap());
    repo.claim(id, w.derm2, mins(31), mins(60), &fx)
        .await
        .unwrap();
    assert!(repo
        .take_sla_step(id, SlaStep::Breach, mins(35), &fx)
        .await
        .unwrap());
    assert!(repo.answer(&answer(id, w.derm2, 40), &fx).await.unwrap());
    let outcome = OutcomeRecord {
        case_id: id,
        in_person_date: Some(day(1)),
        biopsy_date: Some(day(2)),
        histology_date: Some(day(3)),
        histology_sealed: None,
        treatment_date: Some(day(4)),
        updated_at: mins(50),
        updated_by: w.gp13,
    };
    repo.merge_outcome(&outcome, CaseStatus::Answered, &fx)
        .await
        .unwrap();
    id
}

fn ids(rows: &[ReportRow]) -> Vec<Uuid> {
    rows.iter().map(|r| r.id).collect()
}

#[tokio::test]
async fn report_rows_carry_each_case_of_the_period_and_territories() {
    let w = World::new().await;
    let repo = &w.repo;
    let busy = eventful(&w).await;
    let quiet = w.queued("84", Priority::Routine, 10, None).await;
    let too_late = w.queued("13", Priority::Routine, 60, None).await;
    w.queued("13", Priority::Routine, -1, None).await;

    let rows = repo.report_rows(None, mins(0), mins(60)).await.unwrap();
    assert_eq!(ids(&rows), [busy, quiet]);
    let b = &rows[0];
    assert_eq!(b.territory_code, "13");
    assert_eq!(as_enum::<Priority>(&b.priority), Priority::Urgent);
    assert_eq!(as_enum::<CaseStatus>(&b.status), CaseStatus::Answered);
    assert_eq!(b.submitted_at, mins(0));
    // The first response is the request for information, by its asker.
    assert_eq!(
        (b.first_response_at, b.first_responder),
        (Some(mins(20)), Some(w.derm1))
    );
    assert_eq!(
        (b.warn_at, b.due_at, b.answered_at),
        (Some(mins(80)), Some(mins(100)), Some(mins(40)))
    );
    assert_eq!(
        (b.breached, b.info_requested, b.new_photos_requested),
        (true, true, true)
    );
    assert_eq!(
        (b.in_person_date, b.biopsy_date, b.histology_date),
        (Some(day(1)), Some(day(2)), Some(day(3)))
    );

    let q = &rows[1];
    assert_eq!(
        (q.territory_code.as_str(), as_enum::<CaseStatus>(&q.status)),
        ("84", CaseStatus::Queued)
    );
    assert_eq!(
        (q.first_response_at, q.first_responder, q.answered_at),
        (None, None, None)
    );
    assert_eq!((q.warn_at, q.due_at), (None, None));
    assert_eq!(
        (q.breached, q.info_requested, q.new_photos_requested),
        (false, false, false)
    );
    assert_eq!(
        (q.in_person_date, q.biopsy_date, q.histology_date),
        (None, None, None)
    );

    let only = |list: &'static [&'static str]| async move {
        ids(&repo
            .report_rows(Some(codes(list).as_slice()), mins(0), mins(60))
            .await
            .unwrap())
    };
    assert_eq!(only(&["84"]).await, [quiet]);
    assert_eq!(only(&["13", "84"]).await, [busy, quiet]);
    assert!(only(&["04"]).await.is_empty());
    assert!(only(&[]).await.is_empty());
    // Half-open: a case submitted at the end of the period belongs to the next.
    let next = repo.report_rows(None, mins(60), mins(61)).await.unwrap();
    assert_eq!(ids(&next), [too_late]);
}

#[tokio::test]
async fn territory_figures_count_the_day_and_what_is_open_now() {
    let w = World::new().await;
    let repo = &w.repo;
    eventful(&w).await;
    w.queued("84", Priority::Routine, 10, None).await;
    // At risk from 90 (80 % of the way from 50 to 100).
    w.queued("13", Priority::Urgent, 50, Some(100)).await;
    // Submitted after the day: open, not received.
    w.queued("13", Priority::Routine, 60, None).await;

    let figures = repo
        .territory_figures(&codes(&["84", "13"]), mins(0), mins(60), mins(90))
        .await
        .unwrap();
    let counts: Vec<_> = figures
        .iter()
        .map(|f| {
            (
                f.code.as_str(),
                f.received,
                f.responded,
                f.breached,
                f.open,
                f.at_risk,
            )
        })
        .collect();
    assert_eq!(counts, [("13", 2, 1, 1, 2, 1), ("84", 1, 0, 0, 1, 0)]);
    assert!(figures.iter().all(|f| !f.name.is_empty()));
    // Before the at-risk point, and for an unknown or no territory.
    let (thirteen, elsewhere) = (codes(&["13"]), codes(&["04"]));
    let early = repo.territory_figures(&thirteen, mins(0), mins(60), mins(89));
    assert_eq!(early.await.unwrap()[0].at_risk, 0);
    let none = repo.territory_figures(&elsewhere, mins(0), mins(60), mins(90));
    assert_eq!(none.await.unwrap()[0].received, 0);
    assert!(repo
        .territory_figures(&[], mins(0), mins(60), mins(90))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn the_sla_summary_counts_each_group_and_picks_nearest_rank_delays() {
    use telederm_server::db::SummaryKey;
    let w = World::new().await;
    let repo = &w.repo;
    // First responded at 20 (the request for information), breached at 35, answered at 40.
    eventful(&w).await;
    // Queued, due at 100: open, at risk from 90 (80 % of the way from 50), overdue at 100.
    w.queued("13", Priority::Urgent, 50, Some(100)).await;
    w.queued("84", Priority::Routine, 10, None).await;
    let summary = |key, now| repo.sla_summary(None, mins(0), mins(60), mins(now), key);

    let by_territory = summary(SummaryKey::Territory, 95).await.unwrap();
    // The total first (keyed ""), then each group.
    let total = &by_territory[0];
    assert_eq!((total.key.as_str(), total.cases), ("", 3));
    assert_eq!(total.max_secs, Some(20 * 60));
    let figures: Vec<_> = by_territory[1..]
        .iter()
        .map(|g| {
            (
                g.key.as_str(),
                g.cases,
                g.answered,
                g.responses,
                g.median_secs,
                g.breaches,
                g.open,
                g.at_risk,
                g.info_requested,
                g.new_photos_requested,
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            ("13", 2, 1, 1, Some(20 * 60), 1, 1, 1, 1, 1),
            ("84", 1, 0, 0, None, 0, 1, 0, 0, 0)
        ]
    );
    // At 100 the open case of 13 is overdue: a breach before the ladder records it.
    let later = summary(SummaryKey::Territory, 100).await.unwrap();
    assert_eq!((later[0].breaches, later[1].breaches), (2, 2));
    let by_derm = summary(SummaryKey::Dermatologist, 95).await.unwrap();
    let keys: Vec<&str> = by_derm.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["", w.derm1.to_string().as_str(), "unassigned"]);
    let by_priority = summary(SummaryKey::Priority, 95).await.unwrap();
    let keys: Vec<(&str, i64)> = by_priority
        .iter()
        .map(|g| (g.key.as_str(), g.cases))
        .collect();
    assert_eq!(keys, [("", 3), ("routine", 1), ("urgent", 2)]);
    let none = repo.sla_summary(Some(&[]), mins(0), mins(60), mins(95), SummaryKey::Priority);
    assert!(none.await.unwrap().is_empty());
}

/// Nearest rank over several delays, in a group and in the total: the smallest delay with at
/// least p % of them at or below it (PostgreSQL's `percentile_disc`, SQLite's row numbers).
#[tokio::test]
async fn the_sla_summary_picks_nearest_rank_percentiles_over_many_delays() {
    use telederm_server::db::SummaryKey;
    let w = World::new().await;
    let fx = Effects::default();
    // Territory 13: ten cases submitted at 0, answered 1 to 10 minutes after their claim at 1.
    for minute in 1..=10 {
        let id = w.queued("13", Priority::Routine, 0, Some(600)).await;
        w.claim(id, w.derm1).await;
        assert!(w
            .repo
            .answer(&answer(id, w.derm1, 1 + minute), &fx)
            .await
            .unwrap());
    }
    // Territory 84: one case answered after 30 minutes.
    let id = w.queued("84", Priority::Routine, 0, Some(600)).await;
    w.claim(id, w.derm1).await;
    assert!(w.repo.answer(&answer(id, w.derm1, 30), &fx).await.unwrap());

    let rows = w
        .repo
        .sla_summary(None, mins(0), mins(60), mins(60), SummaryKey::Territory)
        .await
        .unwrap();
    let delays: Vec<_> = rows
        .iter()
        .map(|g| {
            let m = |s: Option<i64>| s.map(|s| s / 60);
            (
                g.key.as_str(),
                g.responses,
                m(g.median_secs),
                m(g.p90_secs),
                m(g.p95_secs),
                m(g.max_secs),
            )
        })
        .collect();
    assert_eq!(
        delays,
        [
            // 11 delays 2..=11 and 30: rank 6 is 7, rank 10 is 11, rank 11 is 30.
            ("", 11, Some(7), Some(11), Some(30), Some(30)),
            // 10 delays 2..=11: rank 5 is 6, rank 9 is 10, rank 10 is 11.
            ("13", 10, Some(6), Some(10), Some(11), Some(11)),
            ("84", 1, Some(30), Some(30), Some(30), Some(30)),
        ]
    );
}
