//! A photo checked before it is sent: the real intake pipeline (sniff, header limits, strip,
//! whole-image decode, quality), so that the GP sees what a submission would keep and what to
//! retake while the patient is still there. Nothing is stored, and the log says only that a
//! check happened; the intake remembers, for the same user's submission and for a few minutes,
//! only the photo's hash, size and quality warnings (`photos::checked`).

use telederm_schemas as wire;

use super::{CaseError, CaseService};
use crate::{auth::policy::can_check_photo, domain::User, photos::intake::RawPhoto};

impl CaseService {
    /// Whether `user` may check photos at all: asked before its upload is read.
    pub fn may_check_photo(&self, user: &User) -> Result<(), CaseError> {
        can_check_photo(user).or(CaseError::Forbidden)
    }

    /// What the intake pipeline makes of `raw`, refused as a submission would refuse it.
    pub async fn check_photo(
        &self,
        user: &User,
        raw: RawPhoto,
    ) -> Result<wire::PhotoCheck, CaseError> {
        self.may_check_photo(user)?;
        // Remembered for a while, so that submitting this photo does not decode it again.
        let result = self.intake.check(raw, user.id, self.now()).await;
        // The fact only: no bytes, no hash, no metadata value, no reason.
        tracing::info!(accepted = result.is_ok(), "photo checked");
        let processed = result?;
        // The stripped bytes are wiped when `processed` drops, at the end of this call.
        Ok(wire::PhotoCheck {
            format: processed.format.as_str().to_owned(),
            width: processed.width,
            height: processed.height,
            bytes: processed.bytes.len() as u64,
            sha256: processed.sha256.clone(),
            metadata_removed: processed.removed.clone(),
            quality_warnings: processed.warnings.clone(),
        })
    }
}
