//! The GP's reply to a request for information, with any new photos.

use telederm_schemas as wire;
use telederm_schemas::EventKind;
use uuid::Uuid;

use super::{
    access::Authorized,
    answer::{require_status, text},
    service::on_case,
    submit::{seal_photos, NewPhotos},
    CaseError, CaseService,
};
use crate::{
    auth::policy::CaseAction,
    crypto::{seal, ObjectRef},
    db::{Effects, ReplyRoute},
    domain::{lifecycle::Transition, User, ValidationErrors},
    photos::intake::RawPhoto,
};

/// AAD name of a sealed reply.
pub const REPLY: &str = "reply";

const REPLY_TRANSITION: Transition = Transition::Reply {
    back_to_asker: false,
};

impl CaseService {
    /// The case `gp` may reply to now: its own, waiting on it. Asked before the reply's upload is
    /// read, so that a refused reply costs no upload.
    pub async fn open_reply(&self, gp: &User, case_id: Uuid) -> Result<Authorized, CaseError> {
        let case = self.authorize(gp, case_id, CaseAction::Reply).await?;
        require_status(&case.record().status, REPLY_TRANSITION)?;
        Ok(case)
    }

    /// The GP's reply, with any new photos (through the same intake as a submission, and
    /// atomically: the photos are stored with the reply or not at all). The case goes back to the
    /// dermatologist who asked when it is still on call for the case's territory, otherwise to
    /// the queue.
    pub async fn reply(
        &self,
        gp: &User,
        case: Authorized,
        reply: &wire::Reply,
        photos: Vec<RawPhoto>,
    ) -> Result<wire::Case, CaseError> {
        let case_id = case.id();
        let mut e = ValidationErrors::default();
        let message = text(&mut e, "message", &reply.message);
        let message = e.finish(message)?;
        // The upload may have taken minutes: route the reply from the case as it is now (its GP,
        // which the access check was about, never changes).
        let record = self.load(case_id).await?;
        let open_request = self
            .repo
            .info_requests_of(case_id)
            .await?
            .into_iter()
            .find(|r| r.replied_at.is_none());
        let (Some(request), Some(asker)) = (open_request, record.info_requested_by) else {
            return Err(CaseError::refused(record.status, REPLY_TRANSITION));
        };
        let photos = self.process_photos(gp, photos).await?;
        let at = self.now();
        let asker_on_call = self
            .repo
            .eligibility(asker, at)
            .await?
            .take
            .contains(&record.territory_code);
        let route = if asker_on_call {
            ReplyRoute::BackTo {
                dermatologist: asker,
                lease_until: at + self.settings.lease,
            }
        } else {
            ReplyRoute::Queue
        };
        let territory = self.territory_of(&record).await?;
        // The clock starts again: each step moves later by the time the case waited on the GP.
        let sla = crate::sla::policy::resumed(&record, &territory, at);
        let notices = match route {
            ReplyRoute::BackTo { dermatologist, .. } => {
                self.tell(
                    dermatologist,
                    EventKind::CaseReplied,
                    &record,
                    sla.as_ref().map(|s| s.due_at),
                    at,
                )
                .await?
            }
            ReplyRoute::Queue => {
                self.queued_notices(&territory, case_id, sla.as_ref().map(|s| s.due_at), at)
                    .await?
            }
        };
        let fx = Effects::audit(on_case(at, gp, "case.replied", &record).detail(
            serde_json::json!({
                "photos": photos.len(),
                "back_to_asker": matches!(route, ReplyRoute::BackTo { .. }),
            }),
        ))
        .with(notices);
        let key = self.data_key(case_id).await?;
        let sealed = seal(
            &key,
            case_id,
            ObjectRef::Message(request.id, REPLY),
            message.as_bytes(),
        );
        let first_position = self.repo.photos_of_cases(&[case_id]).await?.len() + 1;
        let (blobs, rows) = seal_photos(&key, case_id, first_position, photos, at);
        let gp_id = gp.id.as_uuid();
        let repo = self.repo.clone();
        let applied = NewPhotos::new(self.store.clone(), blobs)
            .commit_with(async move {
                repo.reply(case_id, gp_id, at, &sealed, &rows, route, sla, &fx)
                    .await
            })
            .await?;
        if !applied {
            return Err(self.refused(case_id, REPLY_TRANSITION).await?);
        }
        self.full_case(gp, case_id).await
    }
}
