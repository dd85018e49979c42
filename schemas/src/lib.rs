//! Wire types of the telederm HTTP API (`/api/v1`).
//!
//! These are plain data: the server parses them into domain types, the CLI sends and prints them.
//! No database or web framework types belong here.

pub mod audit;
pub mod auth;
pub mod cases;
pub mod fields;
pub mod keys;
pub mod notifications;
pub mod photos;
pub mod problem;
pub mod reports;
pub mod shifts;
pub mod sla;
pub mod territories;
pub mod users;

pub use audit::{AuditEntry, AuditPage, AuditQuery, AuditVerification};
pub use auth::{LoginRequest, TokenResponse};
pub use cases::{
    Answer, AnswerRequest, Case, CaseEvent, CaseStatus, CaseSummary, CaseUpload, CloseRequest,
    InfoExchange, InfoRequest, Management, NewCase, Outcome, OutcomeRequest, Photo, PhotoKind,
    Priority, QualityWarning, QueueItem, QueueQuery, Reply, Sex,
};
pub use fields::{FieldErrors, JsonObject};
pub use keys::{KeyStatus, MasterKeyCount};
pub use notifications::{
    Channel, ChannelChoice, Channels, DeliveryFailure, EventKind, Language, Notification,
    NotificationSettings, SetNotificationSettings, WebhookPayload,
};
pub use photos::{PhotoCheck, PhotoCheckUpload};
pub use problem::{FieldError, Problem};
pub use reports::{
    DayStats, DurationStats, OutcomeGroup, OutcomesReport, ReportQuery, SlaGroup, SlaReport,
};
pub use shifts::{CreateShift, MoveShift, Shift, ShiftQuery};
pub use sla::{SetSlaPolicy, SlaClock, SlaPolicy};
pub use territories::{CreateTerritory, Retention, Territory, UpdateTerritory, WorkingHours};
pub use users::{CreateUser, Person, Role, SetWebhook, User, UserQuery, UserWithSecret};
