use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use telederm_schemas as wire;

use super::{ids::CaseId, TerritoryCode, UserId, ValidationErrors};

pub use wire::{CaseStatus, Management, PhotoKind, Priority, Sex};

/// Longest free-text field (a question, a history): a page of text.
pub const MAX_TEXT_CHARS: usize = 4000;

fn text(raw: &str, max: usize) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.chars().count() > max {
        return Err(format!("must have at most {max} characters"));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err("must not contain control characters".into());
    }
    Ok(s.to_owned())
}

fn optional_text(raw: &Option<String>, max: usize) -> Result<Option<String>, String> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => text(s, max).map(Some),
    }
}

/// The clinical free text of a case. It is only ever stored sealed (see `crypto`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clinical {
    /// The GP's own opaque patient reference.
    pub patient_ref: String,
    pub body_site: String,
    pub question: String,
    pub duration: Option<String>,
    pub evolution: Option<String>,
    pub history: Option<String>,
    pub treatments: Option<String>,
}

/// A validated case submission (without its photos).
#[derive(Debug, Clone)]
pub struct NewCase {
    pub priority: Priority,
    pub age: u16,
    pub sex: Sex,
    pub phototype: Option<u8>,
    pub clinical: Clinical,
}

impl NewCase {
    pub fn parse(req: &wire::NewCase) -> Result<NewCase, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let patient_ref = e.check("patient_ref", text(&req.patient_ref, 64));
        if let Some(r) = &patient_ref {
            if r.contains('\n') {
                e.add("patient_ref", "must be a single line");
            }
        }
        let body_site = e.check("body_site", text(&req.body_site, 200));
        let question = e.check("question", text(&req.question, MAX_TEXT_CHARS));
        let duration = e.check("duration", optional_text(&req.duration, 200));
        let evolution = e.check("evolution", optional_text(&req.evolution, MAX_TEXT_CHARS));
        let history = e.check("history", optional_text(&req.history, MAX_TEXT_CHARS));
        let treatments = e.check("treatments", optional_text(&req.treatments, MAX_TEXT_CHARS));
        if req.age > 130 {
            e.add("age", "must be between 0 and 130 years");
        }
        if let Some(p) = req.phototype {
            if !(1..=6).contains(&p) {
                e.add("phototype", "a Fitzpatrick phototype is 1 to 6");
            }
        }
        if !req.consent {
            e.add("consent", "the patient's consent is required");
        }
        let clinical = match (
            patient_ref,
            body_site,
            question,
            duration,
            evolution,
            history,
            treatments,
        ) {
            (
                Some(patient_ref),
                Some(body_site),
                Some(question),
                Some(duration),
                Some(evolution),
                Some(history),
                Some(treatments),
            ) => Some(Clinical {
                patient_ref,
                body_site,
                question,
                duration,
                evolution,
                history,
                treatments,
            }),
            _ => None,
        };
        let case = clinical.map(|clinical| NewCase {
            priority: req.priority,
            age: req.age,
            sex: req.sex,
            phototype: req.phototype,
            clinical,
        });
        e.finish(case)
    }
}

/// A case as stored, with its clinical text already opened.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: CaseId,
    pub gp: UserId,
    pub territory: TerritoryCode,
    pub status: CaseStatus,
    pub priority: Priority,
    pub age: u16,
    pub sex: Sex,
    pub phototype: Option<u8>,
    pub clinical: Clinical,
    pub consent_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
}

/// A case as people name it without its clinical content (e-mails, coordinator and admin
/// pages): the start of its id, `3F2A9C41`.
pub fn case_reference(id: uuid::Uuid) -> String {
    id.simple().to_string()[..8].to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> wire::NewCase {
        wire::NewCase {
            priority: Priority::Urgent,
            patient_ref: "P-0042".into(),
            age: 54,
            sex: Sex::Female,
            body_site: "left forearm".into(),
            question: "Melanoma?".into(),
            consent: true,
            phototype: Some(2),
            duration: Some("  ".into()),
            evolution: None,
            history: None,
            treatments: None,
        }
    }

    #[test]
    fn a_complete_case_parses_and_blank_optionals_vanish() {
        let c = NewCase::parse(&req()).unwrap();
        assert_eq!(c.clinical.duration, None);
        assert_eq!(c.clinical.body_site, "left forearm");
    }

    #[test]
    fn consent_age_phototype_and_texts_are_checked() {
        let mut r = req();
        r.consent = false;
        r.age = 200;
        r.phototype = Some(7);
        r.question = " ".into();
        r.patient_ref = "x".repeat(65);
        let fields: Vec<_> = NewCase::parse(&r)
            .unwrap_err()
            .into_fields()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            ["patient_ref", "question", "age", "phototype", "consent"]
        );
    }
}
