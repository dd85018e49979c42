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

/// A form that could not be read whole: why, and the text fields read before (to show again).
pub struct FormRefused {
    pub error: ApiError,
    pub fields: FormUpload,
}

/// Read a web form of `uploader`'s through `gate`: text fields, and `photo` file parts, the n-th
/// of the kind named by the n-th `kind` field (a slot left empty sends an empty file, skipped
/// with its kind). Same limits as a submission.
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    gate: &UploadGate,
    uploader: UserId,
) -> Result<FormUpload, Box<FormRefused>> {
    let wanted = Wanted {
        json_part: None,
        max_photos: gate.limits().max_photos,
        form: true,
    };
    let mut parts = Parts::default();
    let read = receive(req, payload, wanted, gate, uploader, &mut parts).await;
    let Parts { fields, slots, .. } = parts;
    let refused = |error, fields| {
        let fields = FormUpload {
            fields,
            photos: Vec::new(),
        };
        Box::new(FormRefused { error, fields })
    };
    if let Err(error) = read {
        return Err(refused(error, fields));
    }
    let kinds: Vec<&str> = fields
        .iter()
        .filter(|(name, _)| name == "kind")
        .map(|(_, v)| v.as_str())
        .collect();
    // Each slot sends its file and its kind: as many of one as of the other.
    let kinds: Option<Vec<PhotoKind>> = (kinds.len() == slots.len())
        .then(|| kinds.iter().map(|k| PhotoKind::from_str(k).ok()).collect())
        .flatten();
    let Some(kinds) = kinds else {
        let error = ApiError::validation("kind", "each photo needs its kind");
        return Err(refused(error, fields));
    };
    let mut kept = Vec::with_capacity(slots.len());
    for (photo, kind) in slots.into_iter().zip(kinds) {
        let Some(mut photo) = photo else { continue };
        photo.kind = kind;
        photo.number = kept.len() + 1;
        kept.push(photo);
    }
    Ok(FormUpload {
        fields,
        photos: kept,
    })
}
