//! Wire types of the telederm HTTP API (`/api/v1`).
//!
//! These are plain data: the server parses them into domain types, the CLI sends and prints them.
//! No database or web framework types belong here.

pub mod auth;
pub mod cases;
pub mod problem;
pub mod shifts;
pub mod territories;
pub mod users;

pub use auth::{LoginRequest, TokenResponse};
pub use cases::{
    Answer, AnswerRequest, Case, CaseEvent, CaseStatus, CaseSummary, CaseUpload, CloseRequest,
    InfoExchange, InfoRequest, Management, NewCase, Outcome, OutcomeRequest, Photo, PhotoKind,
    Priority, QualityWarning, QueueItem, Reply, Sex,
};
pub use problem::{FieldError, Problem};
pub use shifts::{CreateShift, Shift, ShiftQuery};
pub use territories::{CreateTerritory, Territory, UpdateTerritory};
pub use users::{CreateUser, Role, User, UserQuery};
