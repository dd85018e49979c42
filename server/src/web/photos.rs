//! A case's stored photo for a page (the GP's case page, the dermatologist's viewer): the stripped
//! photo itself at full resolution, checked against its hash, under the session, never cached by
//! the browser. Who may see it is the case service's decision, as through the API.

use actix_web::{get, http::header, web, HttpResponse};
use uuid::Uuid;

use super::{errors::WebError, session::SignedIn};
use crate::{http::AppState, telemetry::current_request_id};

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(photo);
}

#[get("/cases/{id}/photos/{photo_id}")]
async fn photo(
    state: web::Data<AppState>,
    me: SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, WebError> {
    let (case_id, photo_id) = path.into_inner();
    let (format, bytes) = state
        .cases
        .photo(me.user(), case_id, photo_id, &current_request_id())
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(format.mime())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}
