//! The paths a photo takes through the intake, whole, as a submission runs them (minus the
//! async hops between stages): seen for the first time, already checked by its GP, and the
//! byte-level work alone (strip, verify, hash, seal).

use std::hint::black_box;

use chrono::Utc;
use sha2::{Digest, Sha256};
use telederm_server::{
    crypto::{seal, DataKey, ObjectRef},
    domain::{PhotoKind, UserId},
    photos::{
        checked::CheckedPhotos,
        inspect::{self, PhotoLimits},
        intake::{self, RawPhoto},
        quality::{self, QualityThresholds},
        strip, Format, Sniffed,
    },
};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::inputs::Input;

/// One stage, run alone.
pub type Stage<'a> = Box<dyn Fn() + 'a>;

pub struct Paths {
    bytes: Vec<u8>,
    format: Format,
    limits: PhotoLimits,
    thresholds: QualityThresholds,
    checked: CheckedPhotos,
    gp: UserId,
}

impl Paths {
    /// The paths for `input`, with its check already remembered for one GP.
    pub fn new(input: &Input) -> Paths {
        let Sniffed::Supported(format) = telederm_server::photos::sniff(&input.bytes) else {
            panic!("{}: not a supported photo", input.name);
        };
        let paths = Paths {
            bytes: input.bytes.clone(),
            format,
            limits: PhotoLimits::default(),
            thresholds: QualityThresholds::default(),
            checked: CheckedPhotos::default(),
            gp: UserId::new(),
        };
        let processed = paths.process(paths.raw());
        paths.checked.remember(
            paths.gp,
            digest(&processed.bytes),
            processed.outcome.clone(),
            Utc::now(),
        );
        paths
    }

    /// The photo as received (a copy: the pipeline wipes what it is given).
    pub fn raw(&self) -> RawPhoto {
        RawPhoto {
            number: 1,
            kind: PhotoKind::Closeup,
            bytes: Zeroizing::new(self.bytes.clone()),
            hold: Box::new(()),
        }
    }

    fn process(&self, raw: RawPhoto) -> intake::Processed {
        let inspected =
            intake::inspect(raw, &self.limits).unwrap_or_else(|e| panic!("inspect refused: {e:?}"));
        intake::process(inspected, &self.limits, &self.thresholds)
            .unwrap_or_else(|e| panic!("process refused: {e:?}"))
    }

    /// A photo seen for the first time: sniff, header, strip, verify, hash, proof, quality, seal.
    pub fn first_seen(&self, raw: RawPhoto) -> Vec<u8> {
        sealed(self.process(raw))
    }

    /// The pipeline as it was before issue 15, rebuilt from the parts still here for a same-run
    /// comparison: the full RGB decoding, `image`'s thumbnail as the working copy, aes-gcm's seal,
    /// the received bytes wiped one byte at a time. (Its strip is today's, a few ms faster than
    /// it was: the comparison flatters the old pipeline a little.)
    pub fn first_seen_before(&self, raw: RawPhoto) -> Vec<u8> {
        use aes_gcm::aead::{AeadInPlace, KeyInit};
        let format = self.format;
        inspect::cost(format, &raw.bytes, &self.limits).unwrap_or_else(|e| panic!("{e:?}"));
        let stripped = strip::strip(format, &raw.bytes).unwrap_or_else(|e| panic!("{e:?}"));
        drop(raw);
        let mut image = inspect::decode(format, &stripped.bytes, &self.limits)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let (width, height) = (image.width(), image.height());
        let grey = match width.max(height) <= quality::WORKING_SIDE {
            true => image.to_luma8(),
            false => image
                .thumbnail(quality::WORKING_SIDE, quality::WORKING_SIDE)
                .to_luma8(),
        };
        black_box(quality::assess_working(
            width,
            height,
            &grey,
            &self.thresholds,
        ));
        telederm_server::memory::wipe_image(&mut image);
        black_box(hex::encode(digest(&stripped.bytes)));
        let key = [7u8; 32];
        let mut sealed = stripped.bytes.to_vec();
        let tag = aes_gcm::Aes256Gcm::new(&key.into())
            .encrypt_in_place_detached(&[1u8; 12].into(), b"aad", &mut sealed)
            .unwrap_or_else(|e| panic!("{e:?}"));
        sealed.extend_from_slice(&tag);
        sealed
    }

    /// A photo its GP has just had checked: the proof and the quality check are remembered.
    pub fn already_checked(&self, raw: RawPhoto) -> Vec<u8> {
        let inspected =
            intake::inspect(raw, &self.limits).unwrap_or_else(|e| panic!("inspect refused: {e:?}"));
        let cleaned = intake::clean(inspected).unwrap_or_else(|e| panic!("clean refused: {e:?}"));
        let outcome = self
            .checked
            .recall(self.gp, cleaned.digest(), Utc::now())
            .unwrap_or_else(|| panic!("the check is not remembered"));
        sealed(cleaned.into_processed(outcome))
    }

    /// The stages of a first-seen photo, each alone on what the one before made (the raw copy
    /// each run needs is made outside the timing).
    pub fn stages(&self) -> Vec<(&'static str, Stage<'_>)> {
        let stripped = strip::strip(self.format, &self.bytes).unwrap_or_else(|e| panic!("{e:?}"));
        let proof = inspect::prove(self.format, &stripped.bytes, &self.limits)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let (format, limits, thresholds) = (self.format, self.limits, self.thresholds);
        let stripped = std::rc::Rc::new(stripped.bytes);
        let (s1, s2, s3) = (stripped.clone(), stripped.clone(), stripped);
        vec![
            (
                "sniff+header",
                Box::new(move || {
                    black_box(inspect::cost(format, &self.bytes, &limits).ok());
                }),
            ),
            (
                "strip+verify",
                Box::new(move || {
                    black_box(strip::strip(format, &self.bytes).ok());
                }),
            ),
            (
                "sha256",
                Box::new(move || {
                    black_box(digest(&s1));
                }),
            ),
            (
                "proof+working copy",
                Box::new(move || {
                    black_box(inspect::prove(format, &s2, &limits).ok());
                }),
            ),
            (
                "quality",
                Box::new(move || {
                    black_box(quality::assess_working(
                        proof.width,
                        proof.height,
                        &proof.grey,
                        &thresholds,
                    ));
                }),
            ),
            (
                "seal",
                Box::new(move || {
                    let key = DataKey::generate();
                    let photo = ObjectRef::Photo(Uuid::new_v4());
                    black_box(seal(&key, Uuid::new_v4(), photo, &s3));
                }),
            ),
        ]
    }

    /// The byte-level work alone, on bytes already sniffed: strip (with its verification), hash,
    /// seal.
    pub fn strip_hash_seal(&self, bytes: &[u8]) -> (Vec<u8>, [u8; 32]) {
        let stripped = strip::strip(self.format, bytes).unwrap_or_else(|e| panic!("{e:?}"));
        let digest = digest(&stripped.bytes);
        let key = DataKey::generate();
        let photo = ObjectRef::Photo(Uuid::new_v4());
        (seal(&key, Uuid::new_v4(), photo, &stripped.bytes), digest)
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn sealed(processed: intake::Processed) -> Vec<u8> {
    let key = DataKey::generate();
    let photo = ObjectRef::Photo(processed.id.as_uuid());
    seal(&key, Uuid::new_v4(), photo, &processed.bytes)
}
