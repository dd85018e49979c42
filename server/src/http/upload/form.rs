//! A web form posted as `multipart/form-data`: text fields, and photo slots (`photo` file parts)
//! paired in order with their `kind` fields.

use std::str::FromStr;

use actix_web::{web, HttpRequest};

use super::{receive, Parts, UploadGate, Wanted};
use crate::{
    domain::{PhotoKind, UserId},
    error::ApiError,
    photos::intake::RawPhoto,
};

/// A web form posted as `multipart/form-data`: its text fields in the order sent, and its photos,
/// each of the kind chosen beside it.
pub struct FormUpload {
    pub fields: Vec<(String, String)>,
    pub photos: Vec<RawPhoto>,
}

impl FormUpload {
    /// The first value of `name`, trimmed ("" when absent).
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.trim())
    }
}

/// Read a web form of `uploader`'s through `gate`: text fields, and `photo` file parts, the n-th
/// of the kind named by the n-th `kind` field (a slot left empty sends an empty file, skipped
/// with its kind). Same limits as a submission.
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    gate: &UploadGate,
    uploader: UserId,
) -> Result<FormUpload, ApiError> {
    let wanted = Wanted {
        json_part: None,
        max_photos: gate.limits().max_photos,
        form: true,
    };
    let Parts { fields, slots, .. } = receive(req, payload, wanted, gate, uploader).await?;
    let kinds: Vec<&str> = fields
        .iter()
        .filter(|(name, _)| name == "kind")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut kept = Vec::with_capacity(slots.len());
    for (slot, photo) in slots.into_iter().enumerate() {
        let Some(mut photo) = photo else { continue };
        let kind = kinds.get(slot).copied().unwrap_or("overview");
        photo.kind = PhotoKind::from_str(kind)
            .map_err(|_| ApiError::validation("kind", format!("unknown photo kind `{kind}`")))?;
        photo.number = kept.len() + 1;
        kept.push(photo);
    }
    Ok(FormUpload {
        fields,
        photos: kept,
    })
}
