use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{fields::JsonObject, read_fields, Person};

/// `urgent`: suspected melanoma or carcinoma, rapid change, bleeding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Urgent,
    Routine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhotoKind {
    Overview,
    Closeup,
    Dermoscopy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Queued,
    Claimed,
    InfoRequested,
    Answered,
    Closed,
    Cancelled,
}

macro_rules! wire_names {
    ($t:ty { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok(Self::$v),)+
                    other => Err(format!("unknown value `{other}`")),
                }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_names!(Priority { Urgent => "urgent", Routine => "routine" });
wire_names!(Sex { Female => "female", Male => "male", Other => "other" });
wire_names!(PhotoKind { Overview => "overview", Closeup => "closeup", Dermoscopy => "dermoscopy" });
wire_names!(CaseStatus {
    Queued => "queued", Claimed => "claimed", InfoRequested => "info_requested",
    Answered => "answered", Closed => "closed", Cancelled => "cancelled",
});

/// The `case` part of `POST /api/v1/cases` (multipart: this JSON, then 1 to 10 photo parts named
/// `overview`, `closeup` or `dermoscopy`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct NewCase {
    pub priority: Priority,
    /// The GP's own opaque reference for the patient, never a name.
    #[schema(example = "P-0042")]
    pub patient_ref: String,
    /// Years.
    pub age: u16,
    pub sex: Sex,
    #[schema(example = "left forearm")]
    pub body_site: String,
    pub question: String,
    /// Must be true: the patient agreed to the tele-expertise.
    pub consent: bool,
    /// Fitzpatrick phototype, 1 to 6.
    #[serde(default)]
    pub phototype: Option<u8>,
    #[serde(default)]
    pub duration: Option<String>,
    #[serde(default)]
    pub evolution: Option<String>,
    #[serde(default)]
    pub history: Option<String>,
    #[serde(default)]
    pub treatments: Option<String>,
}

read_fields!(NewCase {
    priority,
    patient_ref,
    age,
    sex,
    body_site,
    question,
    consent,
    phototype,
    duration,
    evolution,
    history,
    treatments
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct QualityWarning {
    /// `too_small`, `blurred`, `underexposed` or `overexposed`.
    pub code: String,
    pub message: String,
}

/// A stored photo, as its metadata (the bytes are at `.../photos/{photo_id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Photo {
    pub id: Uuid,
    pub kind: PhotoKind,
    /// `jpeg`, `png` or `webp`.
    pub format: String,
    pub width: u32,
    pub height: u32,
    /// Size of the stored (stripped) photo.
    pub bytes: u64,
    /// SHA-256 of the stored photo, hex.
    pub sha256: String,
    /// What was removed: `gps`, `camera`, `datetime`, `thumbnail`, `exif`, `xmp`, `iptc`,
    /// `comment`, `secondary_image`, `trailing_data`, `png_text`, `png_time`, `other`.
    pub metadata_removed: Vec<String>,
    pub quality_warnings: Vec<QualityWarning>,
}

/// A case as its GP sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Case {
    pub id: Uuid,
    pub status: CaseStatus,
    pub priority: Priority,
    pub territory: String,
    pub gp_id: Uuid,
    /// The GP who submitted the case (`gp_id`), named.
    pub gp: Person,
    pub patient_ref: String,
    pub age: u16,
    pub sex: Sex,
    pub body_site: String,
    pub question: String,
    pub phototype: Option<u8>,
    pub duration: Option<String>,
    pub evolution: Option<String>,
    pub history: Option<String>,
    pub treatments: Option<String>,
    pub consent_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    /// When the first response is due (set once response-time targets exist).
    pub due_at: Option<DateTime<Utc>>,
    /// The dermatologist holding the claim, while the case is claimed.
    pub claimed_by: Option<Uuid>,
    /// The dermatologist holding the claim (`claimed_by`), named.
    pub claimed_by_person: Option<Person>,
    pub photos: Vec<Photo>,
    /// The dermatologist's answer, once given.
    pub answer: Option<Answer>,
    /// Requests for information and the GP's replies, oldest first.
    pub info_requests: Vec<InfoExchange>,
    /// What happened after the answer, once recorded.
    pub outcome: Option<Outcome>,
    /// Every transition, oldest first.
    pub events: Vec<CaseEvent>,
}

/// A line of `GET /api/v1/cases` (the most recently active first).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseSummary {
    pub id: Uuid,
    pub status: CaseStatus,
    pub priority: Priority,
    pub territory: String,
    pub patient_ref: String,
    pub body_site: String,
    pub submitted_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    /// Its last event (submission, claim, question, reply, answer...): the list's order.
    pub last_activity_at: DateTime<Utc>,
    pub photo_count: u32,
}

/// The parts of `POST /api/v1/cases` (documentation only: the server reads the parts as they
/// stream in). Photo parts may repeat; 1 to 10 photos in all.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CaseUpload {
    /// The case as JSON (a file part or a text part).
    case: NewCase,
    #[schema(value_type = Vec<String>, format = Binary)]
    overview: Vec<Vec<u8>>,
    #[schema(value_type = Vec<String>, format = Binary)]
    closeup: Vec<Vec<u8>>,
    #[schema(value_type = Vec<String>, format = Binary)]
    dermoscopy: Vec<Vec<u8>>,
}

/// `GET /api/v1/queue`: how much of the head of the queue to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// 1 to 200, default 50: the cases to take next, not the whole backlog.
    pub limit: Option<i64>,
}

/// A line of the dermatologists' queue: triage fields only; the full case opens after a claim.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueItem {
    pub id: Uuid,
    pub priority: Priority,
    pub territory: String,
    pub age: u16,
    pub sex: Sex,
    pub body_site: String,
    pub photo_kinds: Vec<PhotoKind>,
    pub submitted_at: DateTime<Utc>,
    /// Seconds since submission.
    pub waiting_secs: i64,
    pub due_at: Option<DateTime<Utc>>,
    /// When 50 % and 80 % of the response-time target are past (`due_at` is 100 %).
    #[serde(default)]
    pub remind_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub warn_at: Option<DateTime<Utc>>,
    /// In this queue because the escalation ladder offered it from another territory, whose own
    /// dermatologists have not taken it.
    #[serde(default)]
    pub offered_by_escalation: bool,
}

/// One transition in a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseEvent {
    /// `submitted`, `claimed`, `released`, `lease_expired`, ...
    pub kind: String,
    pub at: DateTime<Utc>,
    /// `None` for the system (e.g. an expired lease).
    pub actor_id: Option<Uuid>,
    /// Who made the transition (`actor_id`), named; null for the system.
    pub actor: Option<Person>,
    pub from: Option<CaseStatus>,
    pub to: Option<CaseStatus>,
}

/// What the dermatologist advises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Management {
    Reassure,
    Treat,
    FollowUpPhotos,
    InPersonConsult,
    UrgentBiopsyOrExcision,
}

wire_names!(Management {
    Reassure => "reassure", Treat => "treat", FollowUpPhotos => "follow_up_photos",
    InPersonConsult => "in_person_consult", UrgentBiopsyOrExcision => "urgent_biopsy_or_excision",
});

/// `POST /api/v1/cases/{id}/answer` (the dermatologist holding the claim).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct AnswerRequest {
    pub diagnosis: String,
    #[serde(default)]
    pub icd10: Option<String>,
    pub management: Management,
    /// Within how many days (for follow-up photos, an in-person consultation, a biopsy).
    #[serde(default)]
    pub delay_days: Option<u16>,
    /// The text for the GP.
    pub report: String,
}

read_fields!(AnswerRequest {
    diagnosis,
    icd10,
    management,
    delay_days,
    report
});

/// The dermatologist's answer, as the GP reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Answer {
    pub dermatologist_id: Uuid,
    /// The dermatologist who answered (`dermatologist_id`), named.
    pub dermatologist: Person,
    pub answered_at: DateTime<Utc>,
    pub diagnosis: String,
    pub icd10: Option<String>,
    pub management: Management,
    pub delay_days: Option<u16>,
    pub report: String,
}

/// `POST /api/v1/cases/{id}/request-info` (the dermatologist holding the claim).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct InfoRequest {
    pub message: String,
    #[serde(default)]
    pub wants_new_photos: bool,
}

read_fields!(InfoRequest { message, wants_new_photos = bool::default });

/// `POST /api/v1/cases/{id}/reply` (the case's GP, while information is requested).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct Reply {
    pub message: String,
}

read_fields!(Reply { message });

/// A request for information and the GP's reply, once given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InfoExchange {
    pub dermatologist_id: Uuid,
    /// The dermatologist who asked (`dermatologist_id`), named.
    pub dermatologist: Person,
    pub asked_at: DateTime<Utc>,
    pub message: String,
    pub wants_new_photos: bool,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply: Option<String>,
}

/// `POST /api/v1/cases/{id}/close` (the case's GP, after the answer).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct CloseRequest {
    /// How useful the answer was, 1 to 5.
    #[serde(default)]
    pub rating: Option<u8>,
}

read_fields!(CloseRequest { rating });

/// `POST /api/v1/cases/{id}/outcome` (the case's GP or the answering dermatologist, once the case
/// is answered). Absent fields keep their recorded value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "JsonObject")]
pub struct OutcomeRequest {
    #[serde(default)]
    pub in_person_date: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub biopsy_date: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub histology_result: Option<String>,
    #[serde(default)]
    pub histology_date: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub treatment_date: Option<chrono::NaiveDate>,
}

read_fields!(OutcomeRequest {
    in_person_date,
    biopsy_date,
    histology_result,
    histology_date,
    treatment_date
});

/// What happened after the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    pub in_person_date: Option<chrono::NaiveDate>,
    pub biopsy_date: Option<chrono::NaiveDate>,
    pub histology_result: Option<String>,
    pub histology_date: Option<chrono::NaiveDate>,
    pub treatment_date: Option<chrono::NaiveDate>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Uuid,
    /// Who recorded the outcome last (`updated_by`), named.
    pub updated_by_person: Person,
}
