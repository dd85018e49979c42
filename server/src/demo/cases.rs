//! Demo cases, through the real services (intake, sealing, claims), so that a newcomer logging in
//! as a demo dermatologist finds a queue, and a demo GP finds cases in several states.

use std::sync::Arc;

use chrono::Duration;
use image::{codecs::jpeg::JpegEncoder, ImageEncoder, Rgb, RgbImage};
use telederm_schemas as wire;

use crate::{
    auth::policy::CaseAction,
    cases::CaseError,
    domain::{Email, PhotoKind, User},
    http::{upload, AppState},
};

/// A synthetic skin-toned photo with a dark irregular lesion (never a real patient).
fn lesion_photo(seed: u32, width: u32, height: u32) -> Vec<u8> {
    let mut x_state = seed | 1;
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let radius = width.min(height) as f32 / 6.0;
    let img = RgbImage::from_fn(width, height, |x, y| {
        x_state ^= x_state << 13;
        x_state ^= x_state >> 17;
        x_state ^= x_state << 5;
        let noise = (x_state % 31) as i32 - 15;
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let wobble = 1.0 + 0.2 * (dy.atan2(dx) * 4.0 + seed as f32).sin();
        let base = if (dx * dx + dy * dy).sqrt() < radius * wobble {
            [86, 52, 38]
        } else {
            [222, 170, 138]
        };
        Rgb(base.map(|c: i32| (c + noise).clamp(0, 255) as u8))
    });
    let mut out = Vec::new();
    let _ = JpegEncoder::new_with_quality(&mut out, 90).write_image(
        img.as_raw(),
        width,
        height,
        image::ExtendedColorType::Rgb8,
    );
    out
}

fn case(
    priority: wire::Priority,
    patient: &str,
    age: u16,
    sex: wire::Sex,
    site: &str,
    question: &str,
) -> wire::NewCase {
    wire::NewCase {
        priority,
        patient_ref: patient.into(),
        age,
        sex,
        body_site: site.into(),
        question: question.into(),
        consent: true,
        phototype: Some(2),
        duration: Some("3 months".into()),
        evolution: Some("growing".into()),
        history: None,
        treatments: None,
    }
}

async fn user(state: &AppState, email: &str) -> anyhow::Result<User> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    state
        .repo
        .user_credentials(&email)
        .await?
        .map(|(u, _)| u)
        .ok_or_else(|| anyhow::anyhow!("demo user {email} missing"))
}

async fn submit_demo(
    state: &Arc<AppState>,
    gp: &User,
    new: wire::NewCase,
    seed: u32,
) -> anyhow::Result<wire::Case> {
    let photos = upload::made_by_server(
        &state.uploads,
        gp.id,
        vec![
            (PhotoKind::Overview, lesion_photo(seed, 1600, 1200)),
            (PhotoKind::Dermoscopy, lesion_photo(seed + 7, 1200, 1200)),
        ],
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo photos: {e}"))?;
    state
        .cases
        .submit(gp, &new, photos)
        .await
        .map_err(|e| anyhow::anyhow!("demo case: {e}"))
}

/// Seed the demo cases once (when the demo GP of territory 13 has none yet), at times in the
/// past through the real services, so that the queue, the ladder, the coordinator's report and the
/// audit trail all have something to show: one case past its target, one past 80 %, one waiting
/// on the GP, one claimed, one answered, one fresh.
///
/// `travel` sets the server's clock this far from the present (zero: back to the present).
pub async fn seed_cases(
    state: &Arc<AppState>,
    travel: &(dyn Fn(Duration) + Sync),
) -> anyhow::Result<()> {
    let gp13 = user(state, "gp13@demo.test").await?;
    if !state
        .repo
        .cases_of_gp(gp13.id.as_uuid(), 1, 0)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let result = seed_in_the_past(state, travel, &gp13).await;
    travel(Duration::zero());
    result?;
    // The ladder catches up at once rather than at the worker's first tick.
    state.cases.escalate_due().await?;
    Ok(())
}

async fn seed_in_the_past(
    state: &Arc<AppState>,
    travel: &(dyn Fn(Duration) + Sync),
    gp13: &User,
) -> anyhow::Result<()> {
    let gp84 = user(state, "gp84@demo.test").await?;
    let derm1 = user(state, "derm1@demo.test").await?;
    use wire::{Priority::*, Sex::*};
    let e = |e: CaseError| anyhow::anyhow!("demo case: {e}");
    let ago = |hours: i64| travel(-Duration::hours(hours));

    // Routine (7 days), submitted 8 days ago and never taken: breached.
    ago(192);
    submit_demo(
        state,
        gp13,
        case(
            Routine,
            "P-0107",
            71,
            Male,
            "scalp, vertex",
            "Crusted lesion that bleeds easily: actinic keratosis or carcinoma?",
        ),
        2,
    )
    .await?;

    // Urgent, answered 3 hours after submission.
    ago(50);
    let answered = submit_demo(
        state,
        gp13,
        case(
            Urgent,
            "P-0012",
            47,
            Female,
            "left calf",
            "Changing naevus, itchy for 2 weeks.",
        ),
        6,
    )
    .await?;
    ago(47);
    state.cases.claim(&derm1, answered.id).await.map_err(e)?;
    let held = state
        .cases
        .authorize(&derm1, answered.id, CaseAction::Answer)
        .await
        .map_err(e)?;
    state.cases.answer(&derm1, held, wire::AnswerRequest {
        diagnosis: "Atypical naevus; melanoma cannot be excluded".into(),
        icd10: Some("D22.7".into()),
        management: wire::Management::UrgentBiopsyOrExcision,
        delay_days: Some(14),
        report: "Please refer for excision biopsy within two weeks; I can see the patient on Tuesday.".into(),
    }).await.map_err(e)?;

    // Urgent (48 h), submitted 40 hours ago: past 80 %, offered to the fallback territory.
    ago(40);
    submit_demo(
        state,
        gp13,
        case(
            Urgent,
            "P-0042",
            54,
            Female,
            "left forearm",
            "Asymmetric pigmented lesion, irregular border, grew in 3 months: melanoma?",
        ),
        1,
    )
    .await?;

    // Routine, asked for a closer dermoscopy photo: the clock stands still until the GP replies.
    ago(26);
    let waiting = submit_demo(
        state,
        gp13,
        case(
            Routine,
            "P-0090",
            63,
            Male,
            "nose",
            "Pearly lesion with telangiectasia: basal cell carcinoma?",
        ),
        5,
    )
    .await?;
    ago(20);
    state.cases.claim(&derm1, waiting.id).await.map_err(e)?;
    let held = state
        .cases
        .authorize(&derm1, waiting.id, CaseAction::RequestInfo)
        .await
        .map_err(e)?;
    state
        .cases
        .request_info(
            &derm1,
            held,
            wire::InfoRequest {
                message: "Could you add a dermoscopy photo taken closer, with polarised light?"
                    .into(),
                wants_new_photos: true,
            },
        )
        .await
        .map_err(e)?;

    ago(3);
    let claimed = submit_demo(
        state,
        gp13,
        case(
            Routine,
            "P-0055",
            29,
            Other,
            "right ankle",
            "Pink papule for 6 months, not itchy: dermatofibroma?",
        ),
        4,
    )
    .await?;
    ago(2);
    submit_demo(
        state,
        &gp84,
        case(
            Urgent,
            "V-0311",
            38,
            Female,
            "upper back",
            "New dark naevus in a patient with family history of melanoma.",
        ),
        3,
    )
    .await?;
    travel(Duration::zero());
    state.cases.claim(&derm1, claimed.id).await.map_err(e)?;
    Ok(())
}
