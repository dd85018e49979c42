//! Reading cases back: unwrap the case's data key, open the sealed text or photo, check it.

use sha2::{Digest, Sha256};
use telederm_schemas as wire;
use uuid::Uuid;

use super::{
    answer::{AnswerText, ANSWER, QUESTION},
    finish::HISTOLOGY,
    reply::REPLY,
    submit::CLINICAL,
    CaseError, CaseService,
};
use crate::{
    accounts::People,
    audit,
    auth::policy::{can_act_as, Access, CaseAction},
    crypto::{open, DataKey, ObjectRef},
    db::{CaseRecord, Effects, PhotoRecord},
    domain::{Clinical, Role, User},
    photos::Format,
    store::BlobKey,
};

/// Shown in listings in place of text that cannot be opened (its data key was destroyed).
pub const UNREADABLE: &str = "(unreadable)";

/// Shown in listings in place of the text of an erased case.
pub const ERASED: &str = "(erased)";

/// Most cases one listing returns, newest first.
pub const LIST_LIMIT: i64 = 200;

/// Which part of a list: `limit` lines after the first `offset`.
#[derive(Debug, Clone, Copy)]
pub struct ListPage {
    pub offset: u32,
    pub limit: u32,
}

impl ListPage {
    /// The first `LIST_LIMIT` lines.
    pub fn first() -> ListPage {
        ListPage {
            offset: 0,
            limit: LIST_LIMIT as u32,
        }
    }
}

pub(crate) fn clinical(key: &DataKey, record: &CaseRecord) -> Result<Clinical, CaseError> {
    open_clinical(key, record.id, &record.clinical)
}

/// The clinical text of case `case_id`, sealed under its data key.
pub(crate) fn open_clinical(
    key: &DataKey,
    case_id: Uuid,
    sealed: &[u8],
) -> Result<Clinical, CaseError> {
    let plain = open(key, case_id, ObjectRef::Text(CLINICAL), sealed)
        .map_err(|e| anyhow::anyhow!("clinical text of case {case_id} did not open: {e}"))?;
    // Opaque: a serde message could quote clinical text into the log.
    serde_json::from_slice(&plain)
        .map_err(|_| anyhow::anyhow!("clinical text of case {case_id} is unreadable").into())
}

fn photo_to_wire(p: &PhotoRecord) -> Result<wire::Photo, CaseError> {
    Ok(wire::Photo {
        id: p.id,
        kind: p.kind,
        format: p.format.clone(),
        width: p.width as u32,
        height: p.height as u32,
        bytes: p.bytes as u64,
        sha256: p.sha256.clone(),
        metadata_removed: serde_json::from_str(&p.metadata_removed).map_err(anyhow::Error::from)?,
        quality_warnings: serde_json::from_str(&p.quality_warnings).map_err(anyhow::Error::from)?,
    })
}

fn answer_to_wire(
    key: &DataKey,
    a: &crate::db::AnswerRecord,
    people: &People,
) -> Result<wire::Answer, CaseError> {
    let plain = open(key, a.case_id, ObjectRef::Text(ANSWER), &a.sealed)
        .map_err(|e| anyhow::anyhow!("answer of case {} did not open: {e}", a.case_id))?;
    let text: AnswerText = serde_json::from_slice(&plain)
        .map_err(|_| anyhow::anyhow!("answer of case {} is unreadable", a.case_id))?;
    Ok(wire::Answer {
        dermatologist_id: a.dermatologist_id,
        dermatologist: people.person(a.dermatologist_id),
        answered_at: a.answered_at,
        diagnosis: text.diagnosis,
        icd10: text.icd10,
        management: a.management,
        delay_days: a.delay_days.and_then(|d| u16::try_from(d).ok()),
        report: text.report,
    })
}

fn open_text(
    key: &DataKey,
    case_id: Uuid,
    object: ObjectRef,
    sealed: &[u8],
) -> Result<String, CaseError> {
    let plain = open(key, case_id, object, sealed)
        .map_err(|e| anyhow::anyhow!("a message of case {case_id} did not open: {e}"))?;
    Ok(String::from_utf8(plain.to_vec()).map_err(anyhow::Error::from)?)
}

fn outcome_to_wire(
    key: &DataKey,
    o: &crate::db::OutcomeRecord,
    people: &People,
) -> Result<wire::Outcome, CaseError> {
    Ok(wire::Outcome {
        in_person_date: o.in_person_date,
        biopsy_date: o.biopsy_date,
        histology_result: o
            .histology_sealed
            .as_deref()
            .map(|s| open_text(key, o.case_id, ObjectRef::Text(HISTOLOGY), s))
            .transpose()?,
        histology_date: o.histology_date,
        treatment_date: o.treatment_date,
        updated_at: o.updated_at,
        updated_by: o.updated_by,
        updated_by_person: people.person(o.updated_by),
    })
}

fn exchange_to_wire(
    key: &DataKey,
    r: &crate::db::InfoRequestRecord,
    people: &People,
) -> Result<wire::InfoExchange, CaseError> {
    Ok(wire::InfoExchange {
        dermatologist_id: r.dermatologist_id,
        dermatologist: people.person(r.dermatologist_id),
        asked_at: r.asked_at,
        message: open_text(
            key,
            r.case_id,
            ObjectRef::Message(r.id, QUESTION),
            &r.sealed,
        )?,
        wants_new_photos: r.wants_new_photos,
        replied_at: r.replied_at,
        reply: r
            .reply_sealed
            .as_deref()
            .map(|s| open_text(key, r.case_id, ObjectRef::Message(r.id, REPLY), s))
            .transpose()?,
    })
}

fn event_to_wire(e: &crate::db::EventRecord, people: &People) -> wire::CaseEvent {
    wire::CaseEvent {
        kind: e.kind.clone(),
        at: e.at,
        actor_id: e.actor_id,
        actor: e.actor_id.map(|id| people.person(id)),
        from: e.from_status,
        to: e.to_status,
    }
}

impl CaseService {
    /// A case in full, for reading: the read is recorded in the audit trail before it is returned.
    pub async fn read_case(&self, user: &User, case_id: Uuid) -> Result<wire::Case, CaseError> {
        let case = self.full_case(user, case_id).await?;
        let entry = audit::entry(
            self.now(),
            Some(user.id.as_uuid()),
            "case.read",
            "case",
            Some(case_id.to_string()),
        )
        .on_case(case_id, &case.territory);
        self.repo.record(&Effects::audit(entry)).await?;
        Ok(case)
    }

    /// The case as its reader sees it, without recording the read (the caller just changed it).
    pub(super) async fn full_case(
        &self,
        user: &User,
        case_id: Uuid,
    ) -> Result<wire::Case, CaseError> {
        let record = self
            .authorize(user, case_id, CaseAction::Read)
            .await?
            .into_record();
        let key = self.data_key(case_id).await?;
        let text = clinical(&key, &record)?;
        let photos = self.repo.photos_of_cases(&[case_id]).await?;
        let answer = self.repo.answer_of(case_id).await?;
        let exchanges = self.repo.info_requests_of(case_id).await?;
        let outcome = self.repo.outcome_of(case_id).await?;
        let events = self.repo.events(case_id).await?;
        let mentioned = [Some(record.gp_id), record.claimed_by]
            .into_iter()
            .flatten()
            .chain(answer.iter().map(|a| a.dermatologist_id))
            .chain(exchanges.iter().map(|r| r.dermatologist_id))
            .chain(outcome.iter().map(|o| o.updated_by))
            .chain(events.iter().filter_map(|e| e.actor_id));
        let people = People::of(self.repo.as_ref(), mentioned).await?;
        Ok(wire::Case {
            id: record.id,
            status: record.status,
            priority: record.priority,
            territory: record.territory_code.clone(),
            gp_id: record.gp_id,
            gp: people.person(record.gp_id),
            patient_ref: text.patient_ref,
            age: u16::try_from(record.age).map_err(anyhow::Error::from)?,
            sex: record.sex,
            body_site: text.body_site,
            question: text.question,
            phototype: record.phototype.and_then(|p| u8::try_from(p).ok()),
            duration: text.duration,
            evolution: text.evolution,
            history: text.history,
            treatments: text.treatments,
            consent_at: record.consent_at,
            submitted_at: record.submitted_at,
            due_at: record.due_at,
            claimed_by: record.claimed_by,
            claimed_by_person: record.claimed_by.map(|id| people.person(id)),
            photos: photos.iter().map(photo_to_wire).collect::<Result<_, _>>()?,
            answer: answer
                .map(|a| answer_to_wire(&key, &a, &people))
                .transpose()?,
            info_requests: exchanges
                .iter()
                .map(|r| exchange_to_wire(&key, r, &people))
                .collect::<Result<_, _>>()?,
            outcome: outcome
                .map(|o| outcome_to_wire(&key, &o, &people))
                .transpose()?,
            events: events.iter().map(|e| event_to_wire(e, &people)).collect(),
        })
    }

    /// A page of the GP's own cases, the most recently active first.
    pub async fn gp_cases(
        &self,
        gp: &User,
        page: ListPage,
    ) -> Result<Vec<wire::CaseSummary>, CaseError> {
        if can_act_as(gp, Role::Gp) != Access::Allowed {
            return Err(CaseError::Forbidden);
        }
        let rows = self
            .repo
            .cases_of_gp(gp.id.as_uuid(), page.limit.into(), page.offset.into())
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.case.id).collect();
        let keys = self.data_keys(&ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let record = &row.case;
            // A case whose data key was destroyed (or does not open) is listed as unreadable rather
            // than failing the whole list.
            let text = keys
                .get(&record.id)
                .and_then(|key| clinical(key, record).ok());
            let (patient_ref, body_site) = match text {
                Some(t) => (t.patient_ref, t.body_site),
                None if record.erased_at.is_some() => (ERASED.to_owned(), ERASED.to_owned()),
                None => {
                    tracing::warn!(case_id = %record.id, "case text unreadable");
                    (UNREADABLE.to_owned(), UNREADABLE.to_owned())
                }
            };
            out.push(wire::CaseSummary {
                id: record.id,
                status: record.status,
                priority: record.priority,
                territory: record.territory_code.clone(),
                patient_ref,
                body_site,
                submitted_at: record.submitted_at,
                due_at: record.due_at,
                last_activity_at: row.last_activity_at,
                photo_count: u32::try_from(row.photo_count).unwrap_or(u32::MAX),
            });
        }
        Ok(out)
    }

    /// The stripped photo, after checking it against its recorded SHA-256; the read is recorded.
    pub async fn photo(
        &self,
        user: &User,
        case_id: Uuid,
        photo_id: Uuid,
        request_id: &str,
    ) -> Result<(Format, Vec<u8>), CaseError> {
        let case = self
            .authorize(user, case_id, CaseAction::ReadPhotos)
            .await?
            .into_record();
        let photo = self
            .repo
            .photos_of_cases(&[case_id])
            .await?
            .into_iter()
            .find(|p| p.id == photo_id)
            .ok_or(CaseError::NotFound("photo"))?;
        let key = self.data_key(case_id).await?;
        let blob_key = BlobKey::parse(&photo.blob_key)
            .ok_or_else(|| anyhow::anyhow!("corrupt blob key for photo {photo_id}"))?;
        let sealed = self
            .store
            .get(&blob_key)
            .await
            .map_err(|e| anyhow::anyhow!("photo {photo_id} unreadable: {e}"))?;
        let plain = open(&key, case_id, ObjectRef::Photo(photo_id), &sealed)
            .map_err(|e| anyhow::anyhow!("photo {photo_id} did not open: {e}"))?;
        if hex::encode(Sha256::digest(&plain)) != photo.sha256 {
            return Err(
                anyhow::anyhow!("photo {photo_id} does not match its recorded SHA-256").into(),
            );
        }
        let format = Format::parse(&photo.format)
            .ok_or_else(|| anyhow::anyhow!("corrupt format for photo {photo_id}"))?;
        // Recorded before the bytes leave: a download the trail cannot record does not happen.
        let mut entry = audit::entry(
            self.now(),
            Some(user.id.as_uuid()),
            "photo.read",
            "photo",
            Some(photo_id.to_string()),
        )
        .on_case(case_id, &case.territory_code);
        entry.request_id = Some(request_id.to_owned());
        self.repo.record(&Effects::audit(entry)).await?;
        let mut plain = plain;
        Ok((format, std::mem::take(&mut *plain)))
    }
}
