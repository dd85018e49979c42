//! Who is on call where, and which territories fall back to which: the rota questions of
//! `QueueRepo` and the notification targets of `SlaRepo`.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use telederm_schemas::{Channels, EventKind, Language};
use telederm_server::{
    db::Effects,
    domain::{ChannelChoices, Recipient, Role, Shift, ShiftId, UserId, WebhookUrl},
};
use uuid::Uuid;

use crate::setup::{code, codes, mins, user, World};

async fn on_call(w: &World, derm: Uuid, territory: &str, from: DateTime<Utc>, to: DateTime<Utc>) {
    let shift = Shift {
        id: ShiftId::new(),
        dermatologist: UserId::from(derm),
        territory: code(territory),
        starts_at: from,
        ends_at: to,
    };
    w.repo
        .create_shift(
            &shift,
            UserId::from(w.coord13),
            crate::setup::t0(),
            &Effects::default(),
        )
        .await
        .unwrap();
}

async fn hook(w: &World, id: Uuid) {
    let url = WebhookUrl::parse("https://hooks.example/derm").unwrap();
    let user = w
        .repo
        .set_webhook(
            UserId::from(id),
            Some(&url),
            None,
            mins(0),
            &Effects::default(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.webhook_url, Some(url));
}

/// derm1: 84 from 0 to 60, 13 from 30 to 90; derm2: 04 from 120 to 180 (minutes).
async fn rota() -> World {
    let w = World::new().await;
    on_call(&w, w.derm1, "84", mins(0), mins(60)).await;
    on_call(&w, w.derm1, "13", mins(30), mins(90)).await;
    on_call(&w, w.derm2, "04", mins(120), mins(180)).await;
    w
}

/// `(take, offered_from)` of a dermatologist at a minute.
async fn eligible(w: &World, derm: Uuid, m: i64) -> (Vec<String>, Vec<String>) {
    let e = w.repo.eligibility(derm, mins(m)).await.unwrap();
    (e.take, e.offered_from)
}

fn lists(take: &[&str], offered_from: &[&str]) -> (Vec<String>, Vec<String>) {
    (codes(take), codes(offered_from))
}

#[tokio::test]
async fn a_dermatologist_is_on_call_from_the_start_of_a_shift_until_just_before_its_end() {
    let w = rota().await;
    let repo = &w.repo;
    // Nobody falls back to 04: derm2's queue is 04's alone, while its shift lasts.
    assert_eq!(eligible(&w, w.derm2, 119).await, lists(&[], &[]));
    assert_eq!(eligible(&w, w.derm2, 120).await, lists(&["04"], &[]));
    let just_before_the_end = repo
        .eligibility(w.derm2, mins(180) - crate::setup::micro())
        .await
        .unwrap();
    assert_eq!(just_before_the_end.take, ["04"]);
    assert_eq!(eligible(&w, w.derm2, 180).await, lists(&[], &[]));
    assert_eq!(eligible(&w, w.derm1, -1).await, lists(&[], &[]));
    assert_eq!(eligible(&w, w.derm1, 90).await, lists(&[], &[]));

    assert!(repo.covered("84", mins(0)).await.unwrap());
    assert!(repo
        .covered("84", mins(60) - crate::setup::micro())
        .await
        .unwrap());
    assert!(!repo.covered("84", mins(60)).await.unwrap());
    assert!(!repo.covered("04", mins(0)).await.unwrap());
    assert!(repo.covered("04", mins(120)).await.unwrap());
}

#[tokio::test]
async fn uncovered_territories_fall_to_their_fallbacks_and_offered_cases_to_those_who_cover_them() {
    let w = rota().await;
    // 13 falls back to 84; 04 to 13, then 84.
    // At 0 derm1 covers 84 alone, and 13 and 04, uncovered, fall back to it; their cases once
    // offered too (they fall back to 84 or 13).
    assert_eq!(
        eligible(&w, w.derm1, 0).await,
        lists(&["04", "13", "84"], &["04", "13"])
    );
    // From 30 derm1 also covers 13; 04 is still uncovered.
    assert_eq!(
        eligible(&w, w.derm1, 30).await,
        lists(&["04", "13", "84"], &["04", "13"])
    );
    // From 60 derm1 covers 13 alone: 04 falls to it, 84 does not (84 falls back to nobody).
    assert_eq!(
        eligible(&w, w.derm1, 60).await,
        lists(&["04", "13"], &["04"])
    );
    // From 120 derm2 covers 04, and derm3 84: 13 is uncovered again and falls to 84, 04 is
    // covered and only its offered cases reach 84.
    let derm3 = w.dermatologist("derm3@x.fr").await;
    on_call(&w, derm3, "84", mins(100), mins(200)).await;
    assert_eq!(
        eligible(&w, derm3, 120).await,
        lists(&["13", "84"], &["04", "13"])
    );
    assert_eq!(eligible(&w, w.derm2, 120).await, lists(&["04"], &[]));
    // A colleague on call for 84 too changes nothing for derm3, and covers nothing more.
    let derm4 = w.dermatologist("derm4@x.fr").await;
    on_call(&w, derm4, "84", mins(110), mins(130)).await;
    assert_eq!(
        eligible(&w, derm3, 120).await,
        lists(&["13", "84"], &["04", "13"])
    );
    assert_eq!(
        eligible(&w, derm4, 120).await,
        lists(&["13", "84"], &["04", "13"])
    );
}

fn ids(recipients: &[Recipient]) -> Vec<Uuid> {
    recipients.iter().map(|r| r.id).collect()
}

#[tokio::test]
async fn on_call_recipients_are_the_enabled_dermatologists_on_call_with_their_channels() {
    let w = rota().await;
    let repo = &w.repo;
    let derm3 = w.dermatologist("derm3@x.fr").await;
    let unhooked = w.dermatologist("unhooked@x.fr").await;
    let disabled = w.dermatologist("disabled@x.fr").await;
    on_call(&w, derm3, "84", mins(0), mins(60)).await;
    on_call(&w, unhooked, "84", mins(0), mins(60)).await;
    on_call(&w, disabled, "84", mins(0), mins(60)).await;
    for id in [w.derm1, w.derm2, derm3, disabled] {
        hook(&w, id).await;
    }
    repo.disable_user(UserId::from(disabled), mins(0), &Effects::default())
        .await
        .unwrap();
    let choices = ChannelChoices::default()
        .with(
            Role::Dermatologist,
            &BTreeMap::from([(EventKind::SlaReminder, Channels::None)]),
        )
        .unwrap();
    repo.set_notification_settings(
        UserId::from(unhooked),
        Language::En,
        &choices,
        &Effects::default(),
    )
    .await
    .unwrap();

    let mut three = vec![w.derm1, derm3, unhooked];
    three.sort();
    let found = repo
        .oncall_recipients(&codes(&["84"]), mins(10))
        .await
        .unwrap();
    assert_eq!(ids(&found), three);
    let of = |id| found.iter().find(|r| r.id == id).unwrap();
    assert!(of(w.derm1).has_webhook && !of(unhooked).has_webhook);
    assert_eq!(of(unhooked).role, Role::Dermatologist);
    assert_eq!(of(unhooked).choices, choices, "its choices come along");
    assert_eq!(of(w.derm1).choices, ChannelChoices::default());
    let on_call = |territories: &'static [&'static str], at| async move {
        ids(&repo
            .oncall_recipients(&codes(territories), mins(at))
            .await
            .unwrap())
    };
    // Listed once even when on call in two of the territories.
    assert_eq!(on_call(&["84", "13"], 40).await, three);
    assert_eq!(on_call(&["13"], 40).await, [w.derm1]);
    assert!(on_call(&["84"], 60).await.is_empty());
    assert_eq!(on_call(&["04", "84"], 150).await, [w.derm2]);
    assert!(repo
        .oncall_recipients(&[], mins(10))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn coordinator_recipients_are_the_enabled_coordinators_of_the_territory() {
    let w = World::new().await;
    let repo = &w.repo;
    let both = w
        .add(user("both@x.fr", Role::Coordinator, None, &["13", "84"]))
        .await;
    // A coordinator of 13 without a webhook: listed, without one.
    let unhooked = w
        .add(user("unhooked@x.fr", Role::Coordinator, None, &["13"]))
        .await;
    let disabled = w
        .add(user("off@x.fr", Role::Coordinator, None, &["13"]))
        .await;
    for id in [w.coord13, both, disabled] {
        hook(&w, id).await;
    }
    repo.disable_user(UserId::from(disabled), mins(0), &Effects::default())
        .await
        .unwrap();

    let mut expected = vec![w.coord13, both, unhooked];
    expected.sort();
    let found = repo.coordinator_recipients("13").await.unwrap();
    assert_eq!(ids(&found), expected);
    assert!(found.iter().all(|r| r.role == Role::Coordinator));
    assert_eq!(
        found.iter().filter(|r| r.has_webhook).count(),
        2,
        "all but the unhooked one"
    );
    assert_eq!(
        ids(&repo.coordinator_recipients("84").await.unwrap()),
        [both]
    );
    assert!(repo.coordinator_recipients("04").await.unwrap().is_empty());
}
