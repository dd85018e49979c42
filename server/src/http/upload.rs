//! Reading a multipart upload: a submission (one JSON part and photo parts named by kind), one
//! photo to check, or a web form (text fields, and `photo` file parts paired in order with `kind`
//! fields). Limits are enforced while the body streams in, through the upload gate
//! (per-user uploads, the shared memory budget, the idle timeout and the body deadline); photos
//! stay in memory (never on disk, where they would be plaintext), in buffers wiped when dropped,
//! until they are stripped and sealed (or, for a check, assessed and dropped).

mod form;
mod gate;

use std::str::FromStr;

use actix_multipart::Multipart;
use actix_web::{error::PayloadError, http::header, web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

pub use form::{read_form, FormRefused, FormUpload};
pub use gate::{PhotoHold, UploadGate, UploadLimits};

use crate::{
    domain::{PhotoKind, UserId},
    error::ApiError,
    memory::WipingBuf,
    photos::intake::RawPhoto,
};

/// The JSON part is small: text fields only.
const MAX_JSON_PART_BYTES: usize = 64 * 1024;

/// The text fields of a web form are small too, all together.
const MAX_FORM_TEXT_BYTES: usize = 64 * 1024;

pub struct Upload<T> {
    pub json: T,
    pub photos: Vec<RawPhoto>,
}

/// Read `json_part` (e.g. `case`) and the photo parts of `uploader`'s request, through `gate`.
/// `min_photos` is 1 for a new case.
pub async fn read<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    json_part: &str,
    min_photos: usize,
    gate: &UploadGate,
    uploader: UserId,
) -> Result<Upload<T>, ApiError> {
    let max_photos = gate.limits().max_photos;
    let wanted = Wanted {
        json_part: Some(json_part),
        max_photos,
        form: false,
    };
    let mut parts = Parts::default();
    receive(req, payload, wanted, gate, uploader, &mut parts).await?;
    let Parts { json, photos, .. } = parts;
    let json: T = match json {
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            if e.is_data() {
                ApiError::invalid_json(json_part, &e)
            } else {
                ApiError::BadRequest(format!("the `{json_part}` part is not valid JSON: {e}"))
            }
        })?,
        None => {
            return Err(ApiError::validation(
                json_part,
                format!("a `{json_part}` JSON part is required"),
            ))
        }
    };
    if photos.len() < min_photos {
        return Err(ApiError::validation(
            "photos",
            format!("at least {min_photos} photo is required (parts named overview, closeup or dermoscopy)"),
        ));
    }
    Ok(Upload { json, photos })
}

/// Read the one photo part of `uploader`'s request (a photo to check), through `gate`, with the
/// same limits as a submission.
pub async fn read_photo(
    req: &HttpRequest,
    payload: web::Payload,
    gate: &UploadGate,
    uploader: UserId,
) -> Result<RawPhoto, ApiError> {
    let wanted = Wanted {
        json_part: None,
        max_photos: 1,
        form: false,
    };
    let mut parts = Parts::default();
    receive(req, payload, wanted, gate, uploader, &mut parts).await?;
    let Parts { photos, .. } = parts;
    photos.into_iter().next().ok_or_else(|| {
        ApiError::validation(
            "photo",
            "one photo part is required, named overview, closeup or dermoscopy",
        )
    })
}

/// The parts a request may hold: an optional JSON part and up to `max_photos` photo parts; or,
/// for a web `form`, text fields and `photo` file parts.
#[derive(Clone, Copy)]
struct Wanted<'a> {
    json_part: Option<&'a str>,
    max_photos: usize,
    form: bool,
}

/// What a request held. A form's photos are one per file slot, `None` for a slot left empty.
#[derive(Default)]
struct Parts {
    json: Option<Zeroizing<Vec<u8>>>,
    photos: Vec<RawPhoto>,
    fields: Vec<(String, String)>,
    slots: Vec<Option<RawPhoto>>,
}

impl Wanted<'_> {
    /// What the client is told to send.
    fn parts(&self) -> String {
        match self.json_part {
            Some(json) => format!(
                "a `{json}` JSON part and photo parts named overview, closeup or dermoscopy"
            ),
            None => "one photo part named overview, closeup or dermoscopy".to_owned(),
        }
    }
}

/// Read the parts of `uploader`'s multipart request through `gate` into `parts`: the JSON
/// part's bytes (if any was sent) and the photos. On a refusal, `parts` holds what was read
/// before it (a form's text fields, to show again).
async fn receive(
    req: &HttpRequest,
    payload: web::Payload,
    wanted: Wanted<'_>,
    gate: &UploadGate,
    uploader: UserId,
    parts: &mut Parts,
) -> Result<(), ApiError> {
    let limits = gate.limits();
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send multipart/form-data: {}",
            wanted.parts()
        )));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limits.max_request_bytes) {
        return Err(request_too_large(limits));
    }
    let body = gate.admit(uploader)?;
    if let Some(declared) = declared {
        // Known in advance: a request that cannot fit is told so before its body is sent.
        gate.reserve(&body, declared).await?;
    }
    // Every byte counts against the request limit and the memory budget, part headers and
    // preambles included (the multipart parser buffers those while it looks for their end).
    let metered = gate.meter(&body, payload);
    let mut reader = Reader {
        multipart: Multipart::new(req.headers(), metered),
        limits,
        total: 0,
        declared,
        body: &body,
    };
    let result = reader.read_parts(wanted, parts).await;
    if let Err(ApiError::PayloadTooLarge(_)) = &result {
        // Read (and drop) the rest, bounded, so the client receives the answer instead of a reset.
        body.drain();
        reader.drain().await;
    }
    match (result, body.stopped(limits)) {
        // Cut by the gate (idle, too slow, or no room in the budget): the parser only saw the body
        // end.
        (Err(_), Some(stopped)) => Err(stopped),
        (result, _) => result,
    }
}

/// Photos the server made itself (the demo's), held like an upload of `user`'s: in the upload
/// memory budget and in the user's uploads until they are sealed.
pub async fn made_by_server(
    gate: &UploadGate,
    user: UserId,
    photos: Vec<(PhotoKind, Vec<u8>)>,
) -> Result<Vec<RawPhoto>, ApiError> {
    let total = photos.iter().map(|(_, bytes)| bytes.len() as u64).sum();
    let held = gate
        .memory()
        .acquire(total)
        .await
        .map_err(anyhow::Error::from)?;
    let body = gate.admit(user)?;
    body.hold(held);
    let photos = photos
        .into_iter()
        .enumerate()
        .map(|(i, (kind, bytes))| RawPhoto {
            number: i + 1,
            kind,
            hold: Box::new(body.keep(bytes.len())),
            bytes: bytes.into(),
        })
        .collect();
    Ok(photos)
}

fn request_too_large(limits: UploadLimits) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the submission is larger than {} MiB",
        limits.max_request_bytes / (1024 * 1024)
    ))
}

struct Reader<'a> {
    multipart: Multipart,
    limits: UploadLimits,
    total: usize,
    /// The body's length as its header declared it, if it did.
    declared: Option<usize>,
    body: &'a gate::Body,
}

impl Reader<'_> {
    async fn read_parts(&mut self, wanted: Wanted<'_>, parts: &mut Parts) -> Result<(), ApiError> {
        let mut text_bytes = 0;
        while let Some(field) = self.multipart.next().await {
            let mut field = field.map_err(malformed)?;
            let name = field.name().unwrap_or_default().to_owned();
            if let Some(json_part) = wanted.json_part.filter(|j| *j == name) {
                if parts.json.is_some() {
                    return Err(ApiError::validation(json_part, "sent twice"));
                }
                parts.json = Some(
                    self.read_field(&mut field, MAX_JSON_PART_BYTES, &name)
                        .await?,
                );
                continue;
            }
            if wanted.form && name != "photo" {
                let room = MAX_FORM_TEXT_BYTES.saturating_sub(text_bytes);
                let value = self.read_field(&mut field, room, "the form's text").await?;
                text_bytes += value.len();
                let value = String::from_utf8(value.to_vec())
                    .map_err(|_| ApiError::validation(&name, "not UTF-8 text"))?;
                parts.fields.push((name, value));
                continue;
            }
            let kind = match (wanted.form, PhotoKind::from_str(&name)) {
                // A form's photo takes its kind from the `kind` field beside it, read later.
                (true, _) => PhotoKind::Overview,
                (false, Ok(kind)) => kind,
                (false, Err(_)) => {
                    return Err(ApiError::validation(
                        &name,
                        format!("unknown part: send {}", wanted.parts()),
                    ))
                }
            };
            let count = parts.photos.len() + parts.slots.iter().flatten().count();
            let too_many = || {
                ApiError::validation(
                    "photos",
                    match wanted.max_photos {
                        1 => "one photo at a time".to_owned(),
                        n => format!("at most {n} photos"),
                    },
                )
            };
            // Refused before it is read; a form's slot may be empty, known once read.
            if count == wanted.max_photos && !wanted.form {
                return Err(too_many());
            }
            let number = count + 1;
            let what = format!("photo {number} ({name})");
            let bytes = self
                .read_field(&mut field, self.limits.max_photo_bytes, &what)
                .await?;
            if wanted.form && bytes.is_empty() {
                // A file input left empty.
                parts.slots.push(None);
                continue;
            }
            if count == wanted.max_photos {
                return Err(too_many());
            }
            let photo = RawPhoto {
                number,
                kind,
                hold: Box::new(self.body.keep(bytes.len())),
                bytes,
            };
            if wanted.form {
                parts.slots.push(Some(photo));
            } else {
                parts.photos.push(photo);
            }
        }
        Ok(())
    }

    async fn read_field(
        &mut self,
        field: &mut actix_multipart::Field,
        max: usize,
        what: &str,
    ) -> Result<Zeroizing<Vec<u8>>, ApiError> {
        // Sized once for what the body has left (at most `max`) rather than grown by doubling:
        // a photo then takes its own size in memory, as the budget counts it, not up to twice.
        let left = self.declared.map_or(0, |n| n.saturating_sub(self.total));
        let mut buf = WipingBuf::with_capacity(left.min(max));
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(malformed)?;
            self.total += chunk.len();
            if self.total > self.limits.max_request_bytes {
                return Err(request_too_large(self.limits));
            }
            if buf.len() + chunk.len() > max {
                return Err(ApiError::PayloadTooLarge(format!(
                    "{what} is larger than {}",
                    human_size(max)
                )));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.into_inner())
    }

    /// Discard what is left of the body, up to the request limit.
    async fn drain(&mut self) {
        while let Some(Ok(mut field)) = self.multipart.next().await {
            while let Some(Ok(chunk)) = field.next().await {
                self.total += chunk.len();
                if self.total > 2 * self.limits.max_request_bytes {
                    return;
                }
            }
        }
    }
}

fn malformed(e: actix_multipart::MultipartError) -> ApiError {
    match e {
        actix_multipart::MultipartError::Payload(PayloadError::Overflow) => {
            ApiError::PayloadTooLarge("the submission is too large".into())
        }
        e => ApiError::BadRequest(format!("malformed multipart body: {e}")),
    }
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}
