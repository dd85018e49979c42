//! Case records as the database holds them: the clinical text and the data key stay sealed here;
//! opening them is the `cases` service's job.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    sql::{Name, OptName},
    Effects, RepoError,
};
use crate::domain::{calendar::SlaClock, CaseStatus, PhotoKind, Priority, Sex};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRecord {
    pub id: Uuid,
    pub gp_id: Uuid,
    pub territory_code: String,
    #[sqlx(try_from = "Name")]
    pub status: CaseStatus,
    #[sqlx(try_from = "Name")]
    pub priority: Priority,
    pub age: i32,
    #[sqlx(try_from = "Name")]
    pub sex: Sex,
    pub phototype: Option<i32>,
    /// Sealed JSON of the clinical free text.
    pub clinical: Vec<u8>,
    pub consent_at: DateTime<Utc>,
    pub submitted_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub claimed_by: Option<Uuid>,
    pub lease_until: Option<DateTime<Utc>>,
    /// The dermatologist who asked for information, while the case waits on the GP.
    pub info_requested_by: Option<Uuid>,
    /// The SLA policy at submission: its clock and its target.
    #[sqlx(try_from = "OptName")]
    pub sla_clock: Option<SlaClock>,
    pub sla_target_secs: Option<i64>,
    /// 50 % and 80 % of the target (`due_at` is 100 %).
    pub remind_at: Option<DateTime<Utc>>,
    pub warn_at: Option<DateTime<Utc>>,
    /// Since when the SLA clock is stopped (the case waits on the GP).
    pub paused_at: Option<DateTime<Utc>>,
    /// When the case was offered to the fallback territories.
    pub offered_at: Option<DateTime<Utc>>,
    /// When the case was erased (data key destroyed, blobs deleted, sealed text blanked).
    pub erased_at: Option<DateTime<Utc>>,
}

/// A line of a GP's list: the case, when it last changed, and how many photos it has.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GpCaseRecord {
    #[sqlx(flatten)]
    pub case: CaseRecord,
    /// Its last event (submission, claim, question, reply, answer...).
    pub last_activity_at: DateTime<Utc>,
    pub photo_count: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhotoRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub position: i32,
    #[sqlx(try_from = "Name")]
    pub kind: PhotoKind,
    pub format: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub sha256: String,
    pub blob_key: String,
    /// JSON array of strings.
    pub metadata_removed: String,
    /// JSON array of `{code, message}`.
    pub quality_warnings: String,
    pub created_at: DateTime<Utc>,
}

/// A case's data key, wrapped by the master key named.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DataKeyRecord {
    pub case_id: Uuid,
    pub master_key_id: String,
    pub wrapped: Vec<u8>,
}

#[async_trait]
pub trait CaseRepo {
    /// The case, its photos and its data key, all or nothing.
    async fn create_case(
        &self,
        case: &CaseRecord,
        photos: &[PhotoRecord],
        key: &DataKeyRecord,
        fx: &Effects,
    ) -> Result<(), RepoError>;
    async fn case(&self, id: Uuid) -> Result<Option<CaseRecord>, RepoError>;
    /// A page of a GP's cases, the most recently active first.
    async fn cases_of_gp(
        &self,
        gp_id: Uuid,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<GpCaseRecord>, RepoError>;
    /// Photos of the cases, in the order of `case_ids`, each case's in submission order (one
    /// batch).
    async fn photos_of_cases(&self, case_ids: &[Uuid]) -> Result<Vec<PhotoRecord>, RepoError>;
    async fn data_key(&self, case_id: Uuid) -> Result<Option<DataKeyRecord>, RepoError>;
    /// The data keys of the cases, in one batch (lists read them all at once); a case without
    /// one is absent.
    async fn data_keys_of(&self, case_ids: &[Uuid]) -> Result<Vec<DataKeyRecord>, RepoError>;
    /// Data keys not wrapped by `master_key_id`, a page at a time (for rotation).
    async fn data_keys_not_under(
        &self,
        master_key_id: &str,
        limit: i64,
    ) -> Result<Vec<DataKeyRecord>, RepoError>;
    /// Replace a wrapped key if it is still wrapped by `expected_master`; `false` if it changed.
    async fn rewrap_data_key(
        &self,
        expected_master: &str,
        key: &DataKeyRecord,
        at: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// (master key id, number of data keys it wraps).
    async fn data_key_counts(&self) -> Result<Vec<(String, i64)>, RepoError>;
    /// Every blob key a photo row references (for the orphan sweep).
    async fn referenced_blob_keys(&self) -> Result<Vec<String>, RepoError>;
    /// How many times the photo was downloaded (from the audit trail).
    async fn photo_read_count(&self, photo_id: Uuid) -> Result<i64, RepoError>;
}
