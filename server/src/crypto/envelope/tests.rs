use super::*;

const CASE: Uuid = Uuid::from_u128(0x1111);
const PHOTO: ObjectRef = ObjectRef::Photo(Uuid::from_u128(0x2222));
const TEXT: ObjectRef = ObjectRef::Text("clinical");

fn opened(key: &DataKey, case: Uuid, object: ObjectRef, sealed: &[u8]) -> Vec<u8> {
    open(key, case, object, sealed).unwrap().to_vec()
}

fn is_open_err(r: Result<Zeroizing<Vec<u8>>, CryptoError>) -> bool {
    matches!(r, Err(CryptoError::Open))
}

#[test]
fn round_trip_photo_and_text() {
    let key = DataKey::generate();
    let photo = vec![0xA5; 100_000];
    let sealed = seal(&key, CASE, PHOTO, &photo);
    assert_eq!(sealed.len(), photo.len() + SEAL_OVERHEAD);
    assert_eq!(sealed[0], FORMAT_VERSION);
    assert_eq!(opened(&key, CASE, PHOTO, &sealed), photo);

    let sealed = seal(&key, CASE, TEXT, "lésion pigmentée".as_bytes());
    assert_eq!(
        opened(&key, CASE, TEXT, &sealed),
        "lésion pigmentée".as_bytes()
    );
}

#[test]
fn empty_plaintext_is_fine() {
    let key = DataKey::generate();
    let sealed = seal(&key, CASE, TEXT, b"");
    assert_eq!(sealed.len(), SEAL_OVERHEAD);
    assert!(opened(&key, CASE, TEXT, &sealed).is_empty());
}

#[test]
fn same_plaintext_seals_differently() {
    let key = DataKey::generate();
    let a = seal(&key, CASE, PHOTO, b"same bytes");
    let b = seal(&key, CASE, PHOTO, b"same bytes");
    assert_ne!(a, b);
    assert_ne!(a[1..HEADER_LEN], b[1..HEADER_LEN], "fresh nonce");
}

#[test]
fn wrong_key_fails() {
    let sealed = seal(&DataKey::generate(), CASE, PHOTO, b"photo");
    assert!(is_open_err(open(
        &DataKey::generate(),
        CASE,
        PHOTO,
        &sealed
    )));
}

#[test]
fn moved_to_another_case_or_object_fails() {
    let key = DataKey::generate();
    let photo = seal(&key, CASE, PHOTO, b"photo");
    let text = seal(&key, CASE, TEXT, b"text");
    let other_case = Uuid::from_u128(0x1112);
    assert!(is_open_err(open(&key, other_case, PHOTO, &photo)));
    let other_photo = ObjectRef::Photo(Uuid::from_u128(0x2223));
    assert!(is_open_err(open(&key, CASE, other_photo, &photo)));
    assert!(is_open_err(open(
        &key,
        CASE,
        ObjectRef::Text("answer"),
        &text
    )));
    assert!(is_open_err(open(&key, other_case, TEXT, &text)));
    assert!(is_open_err(open(&key, CASE, TEXT, &photo)));
}

#[test]
fn photo_and_text_aads_never_collide() {
    // A text field whose name spells a photo id's bytes still encodes differently (tag byte).
    let id = Uuid::from_u128(0x3333);
    let a = object_aad(CASE, ObjectRef::Photo(id));
    let b = object_aad(CASE, ObjectRef::Text("0000000000003333"));
    assert_ne!(a, b);
}

#[test]
fn any_flipped_bit_fails() {
    let key = DataKey::generate();
    let sealed = seal(&key, CASE, PHOTO, b"a small photo");
    // Byte 0 is the version: flipping it is a format error, every other byte an open error.
    for i in 0..sealed.len() {
        for bit in 0..8 {
            let mut bad = sealed.clone();
            bad[i] ^= 1 << bit;
            let r = open(&key, CASE, PHOTO, &bad);
            if i == 0 {
                assert!(matches!(r, Err(CryptoError::Format)), "byte 0 bit {bit}");
            } else {
                assert!(is_open_err(r), "byte {i} bit {bit}");
            }
        }
    }
}

#[test]
fn truncated_fails() {
    let key = DataKey::generate();
    let sealed = seal(&key, CASE, PHOTO, b"photo bytes");
    for len in 1..sealed.len() {
        assert!(
            is_open_err(open(&key, CASE, PHOTO, &sealed[..len])),
            "len {len}"
        );
    }
    assert!(matches!(
        open(&key, CASE, PHOTO, &[]),
        Err(CryptoError::Format)
    ));
}

#[test]
fn unknown_version_is_a_format_error() {
    let key = DataKey::generate();
    let mut sealed = seal(&key, CASE, PHOTO, b"photo");
    for v in [0u8, 2, 0xFF] {
        sealed[0] = v;
        assert!(matches!(
            open(&key, CASE, PHOTO, &sealed),
            Err(CryptoError::Format)
        ));
    }
}

#[test]
fn debug_shows_no_key_bytes() {
    let key = DataKey::generate();
    assert_eq!(format!("{key:?}"), "DataKey(..)");
}

#[test]
fn zeroize_wipes_the_key() {
    let mut key = DataKey::generate();
    key.zeroize();
    assert_eq!(key.as_bytes(), &[0; KEY_LEN]);
}

#[test]
fn a_message_opens_only_as_itself() {
    let key = DataKey::generate();
    let case = Uuid::new_v4();
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let sealed = seal(
        &key,
        case,
        ObjectRef::Message(a, "question"),
        b"please send a dermoscopy",
    );
    assert_eq!(
        &*open(&key, case, ObjectRef::Message(a, "question"), &sealed).unwrap(),
        b"please send a dermoscopy"
    );
    for other in [
        ObjectRef::Message(b, "question"),
        ObjectRef::Message(a, "reply"),
        ObjectRef::Photo(a),
        ObjectRef::Text("question"),
    ] {
        assert!(open(&key, case, other, &sealed).is_err(), "{other:?}");
    }
}

/// Sealed by ring, opened by aes-gcm: the same standard AES-256-GCM, checked against the
/// reference implementation for lengths around the block size and a photo-sized message.
#[test]
fn what_ring_seals_aes_gcm_opens() {
    use aes_gcm::aead::{AeadInPlace, KeyInit};
    let key = [0x42u8; KEY_LEN];
    for len in [0, 1, 15, 16, 17, 255, 4096 + 3, 1 << 20] {
        let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let sealed = seal_raw(&key, b"aad", &plaintext);
        assert_eq!(sealed.len(), plaintext.len() + SEAL_OVERHEAD);
        let (nonce, rest) = sealed[1..].split_at(NONCE_LEN);
        let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
        let mut opened = ciphertext.to_vec();
        aes_gcm::Aes256Gcm::new(&key.into())
            .decrypt_in_place_detached(nonce.into(), b"aad", &mut opened, tag.into())
            .unwrap_or_else(|_| panic!("{len} bytes did not open"));
        assert!(opened == plaintext, "{len} bytes");
    }
}
