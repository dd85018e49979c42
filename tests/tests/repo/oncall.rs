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

#[tokio::test]
async fn a_dermatologist_is_on_call_from_the_start_of_a_shift_until_just_before_its_end() {
    let w = rota().await;
    let repo = &w.repo;
    let at = |m| repo.oncall_territories(w.derm1, mins(m));
    assert_eq!(at(-1).await.unwrap(), Vec::<String>::new());
    assert_eq!(at(0).await.unwrap(), ["84"]);
    assert_eq!(at(30).await.unwrap(), ["13", "84"]);
    assert_eq!(at(60).await.unwrap(), ["13"]);
    assert!(at(90).await.unwrap().is_empty());
    assert_eq!(
        repo.oncall_territories(w.derm2, mins(179)).await.unwrap(),
        ["04"]
    );

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
async fn territories_fall_back_to_their_fallbacks_and_uncovered_ones_are_found() {
    let w = rota().await;
    let repo = &w.repo;
    // 13 falls back to 84; 04 to 13, then 84.
    assert_eq!(
        repo.territories_falling_back_to(&codes(&["84"]))
            .await
            .unwrap(),
        ["04", "13"]
    );
    assert_eq!(
        repo.territories_falling_back_to(&codes(&["13"]))
            .await
            .unwrap(),
        ["04"]
    );
    assert_eq!(
        repo.territories_falling_back_to(&codes(&["13", "84"]))
            .await
            .unwrap(),
        ["04", "13"]
    );
    assert!(repo
        .territories_falling_back_to(&codes(&["04"]))
        .await
        .unwrap()
        .is_empty());
    assert!(repo
        .territories_falling_back_to(&[])
        .await
        .unwrap()
        .is_empty());

    let uncovered = |covering: &'static [&'static str], m| async move {
        repo.uncovered_territories_falling_back_to(&codes(covering), mins(m))
            .await
            .unwrap()
    };
    // At 0 nobody is on call in 13 or 04.
    assert_eq!(uncovered(&["84"], 0).await, ["04", "13"]);
    // From 30 derm1 covers 13.
    assert_eq!(uncovered(&["84"], 30).await, ["04"]);
    assert_eq!(uncovered(&["13"], 30).await, ["04"]);
    // From 120 derm2 covers 04, and 13 is uncovered again.
    assert_eq!(uncovered(&["84"], 120).await, ["13"]);
    assert!(uncovered(&["13"], 120).await.is_empty());
    assert!(uncovered(&[], 0).await.is_empty());
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
