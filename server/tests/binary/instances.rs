//! Two `telederm-server` processes on one PostgreSQL database and one S3 bucket (`cluster`): a
//! case goes in through one and is worked through the other; the escalation ladder and the
//! outbox, run by both, do nothing twice; an instance killed mid-submission loses nothing that
//! was acknowledged and leaves nothing half-written.

use std::{collections::HashSet, time::Duration};

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use telederm_schemas::{Case, CaseStatus};
use telederm_tests::{case_json, fixtures};
use uuid::Uuid;

use super::cluster::{until, Api, Cluster, ACCESS_KEY_ID, SECRET_ACCESS_KEY};

fn photos(n: u32) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| fixtures::jpeg(&fixtures::lesion(96 + 16 * i, 80)))
        .collect()
}

/// The case and every photo read back through `api`, each photo matching its SHA-256.
async fn read_whole(api: &Api, token: &str, id: Uuid) -> Case {
    let res = api.get(&format!("/cases/{id}"), token).await;
    assert_eq!(res.status(), 200, "case {id}");
    let case: Case = res.json().await.unwrap();
    assert!(!case.photos.is_empty(), "case {id} has its photos");
    for photo in &case.photos {
        let res = api
            .get(&format!("/cases/{id}/photos/{}", photo.id), token)
            .await;
        assert_eq!(res.status(), 200, "photo {} of {id}", photo.id);
        let bytes = res.bytes().await.unwrap();
        assert_eq!(hex::encode(Sha256::digest(&bytes)), photo.sha256);
    }
    case
}

async fn count(db: &PgPool, sql: &str, id: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_case_goes_in_through_one_instance_and_is_worked_and_escalated_through_both_once() {
    let Some(mut cluster) = Cluster::new().await else {
        return;
    };
    let a = cluster.start(true);
    let b = cluster.start(false);
    let gp = a.api.token("gp13").await;
    let derm = b.api.token("derm1").await;

    let res = a.api.submit(&gp, &case_json(), &photos(2)).await.unwrap();
    assert_eq!(res.status(), 201);
    let case: Case = res.json().await.unwrap();
    let claim = b
        .api
        .post(
            &format!("/cases/{}/claim", case.id),
            Some(&derm),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(claim.status(), 200);
    read_whole(&b.api, &derm, case.id).await;
    let answer = serde_json::json!({
        "diagnosis": "Seborrhoeic keratosis", "management": "reassure",
        "report": "Benign; no follow-up needed.",
    });
    let res = b
        .api
        .post(&format!("/cases/{}/answer", case.id), Some(&derm), &answer)
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let answered = read_whole(&a.api, &gp, case.id).await;
    assert_eq!(answered.status, CaseStatus::Answered);
    assert_eq!(answered.answer.unwrap().diagnosis, "Seborrhoeic keratosis");

    // A second case, its target run out: every step of the ladder is due at once, on both.
    let res = a.api.submit(&gp, &case_json(), &photos(1)).await.unwrap();
    assert_eq!(res.status(), 201);
    let late: Case = res.json().await.unwrap();
    let db = cluster.db().await;
    sqlx::query(
        "UPDATE cases SET remind_at = now() - interval '3 minutes', \
         warn_at = now() - interval '2 minutes', due_at = now() - interval '1 minute' \
         WHERE id = $1",
    )
    .bind(late.id)
    .execute(&db)
    .await
    .unwrap();

    // Every message of both cases (but the "new cases" e-mails, which wait up to 15 minutes
    // for company) delivered, by one instance or the other.
    let messages =
        "SELECT COUNT(*) FROM outbox WHERE case_id IN ($1, $2) AND event <> 'case.queued'";
    let undelivered = "SELECT COUNT(*) FROM outbox WHERE case_id IN ($1, $2) \
                       AND event <> 'case.queued' AND delivered_at IS NULL";
    until(
        "the ladder's steps taken and their messages delivered",
        Duration::from_secs(60),
        || {
            let (db, case, late) = (&db, case.id, late.id);
            async move {
                let steps = count(
                    db,
                    "SELECT COUNT(*) FROM sla_steps WHERE case_id = $1",
                    late,
                )
                .await;
                let total: i64 = sqlx::query_scalar(messages)
                    .bind(case)
                    .bind(late)
                    .fetch_one(db)
                    .await
                    .unwrap();
                let waiting: i64 = sqlx::query_scalar(undelivered)
                    .bind(case)
                    .bind(late)
                    .fetch_one(db)
                    .await
                    .unwrap();
                steps == 3 && total > 0 && waiting == 0
            }
        },
    )
    .await;

    let rows: Vec<(Uuid, Uuid, String, Uuid, String)> = sqlx::query_as(
        "SELECT id, case_id, event, recipient_id, channel FROM outbox \
         WHERE case_id IN ($1, $2) AND event <> 'case.queued' ORDER BY event",
    )
    .bind(case.id)
    .bind(late.id)
    .fetch_all(&db)
    .await
    .unwrap();
    let events: HashSet<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    for event in [
        "case.answered",
        "sla.reminder",
        "sla.offered",
        "sla.breached",
    ] {
        assert!(events.contains(event), "{event} in {events:?}");
    }
    let distinct: HashSet<_> = rows.iter().map(|r| (r.1, &r.2, r.3, &r.4)).collect();
    assert_eq!(
        distinct.len(),
        rows.len(),
        "one message per event, recipient and channel: {rows:?}"
    );
    let history: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM case_events WHERE case_id = $1 GROUP BY kind ORDER BY kind",
    )
    .bind(late.id)
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(
        history.iter().all(|(_, n)| *n == 1),
        "each event once: {history:?}"
    );

    // Each e-mail went out exactly once (its Message-ID is its outbox id), whoever sent it.
    let mails = cluster.sink.messages();
    let ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "no e-mail sent twice"
    );
    for (id, _, event, _, channel) in &rows {
        if channel == "email" {
            let sent = ids.iter().filter(|m| m.contains(&id.to_string())).count();
            assert_eq!(sent, 1, "{event} e-mail {id}");
        }
    }

    for instance in [&a, &b] {
        let log = instance.log();
        assert!(log.contains("photos are kept in an S3 bucket"));
        assert!(
            !log.contains(SECRET_ACCESS_KEY) && !log.contains(ACCESS_KEY_ID),
            "no credential in the log"
        );
    }
}

#[tokio::test]
async fn an_instance_killed_mid_submission_loses_nothing_acknowledged() {
    let Some(mut cluster) = Cluster::new().await else {
        return;
    };
    let a = cluster.start(true);
    let b = cluster.start(false);
    let gp = a.api.token("gp13").await;
    let db = cluster.db().await;
    let before: HashSet<Uuid> = sqlx::query_scalar("SELECT id FROM cases")
        .fetch_all(&db)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let blobs_before = cluster.bucket.keys().await.len();

    let submissions: Vec<_> = (0..8)
        .map(|_| {
            let (api, gp) = (b.api.clone(), gp.clone());
            tokio::spawn(async move {
                let res = api.submit(&gp, &case_json(), &photos(3)).await.ok()?;
                (res.status() == 201).then_some(())?;
                res.json::<Case>().await.ok()
            })
        })
        .collect();
    // Killed once its first photo is in the bucket: submissions are then in every stage.
    until("a first photo stored", Duration::from_secs(60), || async {
        cluster.bucket.keys().await.len() > blobs_before
    })
    .await;
    b.kill();
    let mut acknowledged = Vec::new();
    for submission in submissions {
        if let Some(case) = submission.await.unwrap() {
            acknowledged.push(case.id);
        }
    }
    assert!(acknowledged.len() < 8, "the kill fell mid-submission");

    for id in &acknowledged {
        assert_eq!(read_whole(&a.api, &gp, *id).await.photos.len(), 3);
    }
    // What did not answer is all there (committed just before the kill) or not at all.
    let after: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM cases")
        .fetch_all(&db)
        .await
        .unwrap();
    let new: Vec<Uuid> = after
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    assert!(acknowledged.iter().all(|id| new.contains(id)));
    for id in &new {
        let n = count(&db, "SELECT COUNT(*) FROM photos WHERE case_id = $1", *id).await;
        assert_eq!(n, 3, "case {id} has every photo");
        read_whole(&a.api, &gp, *id).await;
    }

    // The sweep, as any instance runs it once the grace has passed, leaves exactly the photos
    // the database references.
    let repo = telederm_server::db::connect(&cluster.database_url.clone().into(), 2)
        .await
        .unwrap();
    let store = cluster.bucket.store(None);
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    let swept = telederm_server::cases::sweep::sweep_orphans(
        repo.as_ref(),
        &store,
        later,
        Duration::from_secs(3600),
    )
    .await
    .unwrap();
    eprintln!(
        "killed mid-submission: {} of 8 acknowledged, {} committed in all, {} orphan photos swept",
        acknowledged.len(),
        new.len(),
        swept.orphan_blobs
    );
    let mut referenced: Vec<String> = sqlx::query_scalar("SELECT blob_key FROM photos")
        .fetch_all(&db)
        .await
        .unwrap();
    referenced.sort();
    assert_eq!(
        cluster.bucket.keys().await,
        referenced,
        "no orphan left, no photo lost"
    );
}

#[test]
fn production_refuses_plain_http_to_the_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let out = super::production(dir.path(), keys.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("TELEDERM__STORAGE__KIND", "s3")
        .env("TELEDERM__STORAGE__S3__ENDPOINT", "http://127.0.0.1:9000")
        .env("TELEDERM__STORAGE__S3__ALLOW_HTTP", "true")
        .env("TELEDERM__STORAGE__S3__REGION", "fr-par")
        .env("TELEDERM__STORAGE__S3__BUCKET", "telederm-photos")
        .env("TELEDERM__STORAGE__S3__ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env(
            "TELEDERM__STORAGE__S3__SECRET_ACCESS_KEY",
            SECRET_ACCESS_KEY,
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("storage.s3.allow_http"), "{stderr}");
    assert!(!stderr.contains(SECRET_ACCESS_KEY) && !stderr.contains(ACCESS_KEY_ID));
}
