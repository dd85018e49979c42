//! Validated domain types. Each has a private field and one constructor that checks it, so a value
//! of the type is valid wherever it is seen.

pub mod audit;
pub mod calendar;
mod case;
mod clock;
mod email;
pub mod icd10;
mod ids;
pub mod lifecycle;
pub mod notifications;
mod password;
mod shift;
mod territory;
mod text;
mod user;
mod validation;

pub use case::{
    case_reference, Case, CaseStatus, Clinical, Management, NewCase, PhotoKind, Priority, Sex,
    MAX_TEXT_CHARS,
};
pub use clock::{now, to_micros, Clock, ManualClock, OffsetClock, SystemClock};
pub use email::Email;
pub use ids::{CaseId, PhotoId, ShiftId, UserId};
pub use notifications::{ChannelChoices, Recipient};
pub use password::NewPassword;
pub use shift::{NewShift, Shift, MAX_SHIFT_HOURS};
pub use telederm_schemas::Role;
pub use territory::{parse_hours_parts, weekday_name, Territory, TerritoryCode, Timezone};
pub use text::{DisplayName, Rpps, TerritoryName, WebhookUrl};
pub use user::{NewUser, User};
pub use validation::ValidationErrors;
