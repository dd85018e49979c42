use std::fs;
use std::path::{Path, PathBuf};

use chrono::TimeZone;

use super::*;
use crate::crypto::{open, seal, ObjectRef};

const CASE: Uuid = Uuid::from_u128(0xCA5E);
const OTHER_CASE: Uuid = Uuid::from_u128(0xCA5F);

fn now() -> DateTime<Utc> {
    crate::domain::now()
}

fn key_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("keys.json")
}

/// Two data keys are the same key when one opens what the other sealed.
fn same_key(a: &DataKey, b: &DataKey) -> bool {
    let object = ObjectRef::Text("probe");
    open(b, CASE, object, &seal(a, CASE, object, b"probe")).is_ok()
}

fn key_file_error(r: Result<Keyring, CryptoError>) -> String {
    match r {
        Err(CryptoError::KeyFile(msg)) => msg,
        other => panic!("expected a KeyFile error, got {other:?}"),
    }
}

fn base64_keys_in(path: &Path) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn master_key_id_validation() {
    assert!(MasterKeyId::parse("mk-20261124-7f3a9c").is_some());
    assert!(MasterKeyId::parse(&"a".repeat(64)).is_some());
    for bad in ["", "MK-1", "mk_1", "mk 1", "mk/1", "é", &"a".repeat(65)] {
        assert!(MasterKeyId::parse(bad).is_none(), "{bad:?}");
    }
    let id = MasterKeyId::generate(now());
    assert!(MasterKeyId::parse(id.as_str()).is_some());
    assert!(id.as_str().starts_with("mk-") && id.as_str().len() == "mk-20261124-7f3a9c".len());
}

#[test]
fn a_new_key_is_dated_by_the_instant_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let at = Utc.with_ymd_and_hms(2031, 2, 3, 4, 5, 6).unwrap();
    let mut keyring = Keyring::create(&path, at).unwrap();
    assert!(keyring.active_id().as_str().starts_with("mk-20310203-"));
    assert_eq!(keyring.created_at(keyring.active_id()), Some(at));
    let later = at + chrono::Duration::days(400);
    let rotated = keyring.rotate(&path, later).unwrap();
    assert!(rotated.as_str().starts_with("mk-20320309-"), "{rotated}");
    let loaded = Keyring::load(&path).unwrap();
    assert_eq!(loaded.created_at(&rotated), Some(later));
}

#[test]
fn create_then_load_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let created = Keyring::create(&path, now()).unwrap();
    let wrapped = created.wrap(&DataKey::generate(), CASE);

    let loaded = Keyring::load(&path).unwrap();
    assert_eq!(loaded.active_id(), created.active_id());
    assert_eq!(loaded.ids().collect::<Vec<_>>(), vec![created.active_id()]);
    assert_eq!(
        loaded.created_at(loaded.active_id()).map(|t| t.timestamp()),
        created
            .created_at(created.active_id())
            .map(|t| t.timestamp())
    );
    let a = created.unwrap(&wrapped, CASE).unwrap();
    let b = loaded.unwrap(&wrapped, CASE).unwrap();
    assert!(same_key(&a, &b));

    let json: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["active"], created.active_id().as_str());
    assert!(json["keys"][0]["created_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    // No temp file left beside it.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn key_file_is_0600_and_a_0644_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let mut keyring = Keyring::create(&path, now()).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    keyring.rotate(&path, now()).unwrap();
    assert_eq!(mode(&path), 0o600, "rotation keeps the mode");

    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let msg = key_file_error(Keyring::load(&path));
    assert!(
        msg.contains(&format!("chmod 600 {}", path.display())),
        "{msg}"
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    assert!(Keyring::load(&path).is_ok(), "narrower than 0600 is fine");
}

#[test]
fn create_refuses_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let first = Keyring::create(&path, now()).unwrap();
    let msg = key_file_error(Keyring::create(&path, now()));
    assert!(msg.contains("already exists"), "{msg}");
    // The first file is intact.
    assert_eq!(Keyring::load(&path).unwrap().active_id(), first.active_id());
}

#[test]
fn load_or_create_creates_once_then_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let created = Keyring::load_or_create(&path, now()).unwrap();
    let loaded = Keyring::load_or_create(&path, now()).unwrap();
    assert_eq!(created.active_id(), loaded.active_id());
}

#[test]
fn load_of_a_missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let msg = key_file_error(Keyring::load(key_path(&dir)));
    assert!(
        msg.contains("keys.json") && msg.contains("not found"),
        "{msg}"
    );
}

#[test]
fn rotate_keeps_old_keys_and_old_wraps_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let mut keyring = Keyring::create(&path, now()).unwrap();
    let old_id = keyring.active_id().clone();
    let data_key = DataKey::generate();
    let wrapped = keyring.wrap(&data_key, CASE);
    assert_eq!(wrapped.master_key_id, old_id);

    let new_id = keyring.rotate(&path, now()).unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(keyring.active_id(), &new_id);
    assert_eq!(
        keyring.ids().cloned().collect::<Vec<_>>(),
        vec![old_id.clone(), new_id.clone()]
    );

    // Both in memory and from the saved file, the old wrap still opens.
    let reloaded = Keyring::load(&path).unwrap();
    assert_eq!(reloaded.active_id(), &new_id);
    for k in [&keyring, &reloaded] {
        assert!(same_key(&k.unwrap(&wrapped, CASE).unwrap(), &data_key));
    }
    assert_eq!(keyring.wrap(&data_key, CASE).master_key_id, new_id);
}

#[test]
fn failed_rotation_leaves_the_keyring_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let mut keyring = Keyring::create(&path, now()).unwrap();
    let before = keyring.active_id().clone();
    let unwritable = dir.path().join("missing-dir").join("keys.json");
    assert!(matches!(
        keyring.rotate(&unwritable, now()),
        Err(CryptoError::Io(_))
    ));
    assert_eq!(keyring.active_id(), &before);
    assert_eq!(keyring.ids().count(), 1);
    // And a successful rotation leaves no temp file behind.
    keyring.rotate(&path, now()).unwrap();
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn rewrap_moves_a_key_to_the_active_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let mut keyring = Keyring::create(&path, now()).unwrap();
    let data_key = DataKey::generate();
    let old = keyring.wrap(&data_key, CASE);
    let new_id = keyring.rotate(&path, now()).unwrap();

    let moved = keyring.rewrap(&old, CASE).unwrap();
    assert_eq!(moved.master_key_id, new_id);
    assert_ne!(moved.blob, old.blob);
    assert!(same_key(&keyring.unwrap(&moved, CASE).unwrap(), &data_key));

    // Already active: returned as is.
    assert_eq!(keyring.rewrap(&moved, CASE).unwrap(), moved);
    // Still checked: a key filed under the wrong case is reported.
    assert!(matches!(
        keyring.rewrap(&moved, OTHER_CASE),
        Err(CryptoError::Open)
    ));
}

#[test]
fn wrapped_key_bound_to_its_case_and_master_key_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let mut keyring = Keyring::create(&path, now()).unwrap();
    let wrapped = keyring.wrap(&DataKey::generate(), CASE);
    assert_eq!(wrapped.blob.len(), 61);
    assert!(matches!(
        keyring.unwrap(&wrapped, OTHER_CASE),
        Err(CryptoError::Open)
    ));

    // Relabelled with another (existing) master key id: fails too.
    let new_id = keyring.rotate(&path, now()).unwrap();
    let relabelled = WrappedKey {
        master_key_id: new_id,
        blob: wrapped.blob.clone(),
    };
    assert!(matches!(
        keyring.unwrap(&relabelled, CASE),
        Err(CryptoError::Open)
    ));

    let mut tampered = wrapped.clone();
    tampered.blob[20] ^= 1;
    assert!(matches!(
        keyring.unwrap(&tampered, CASE),
        Err(CryptoError::Open)
    ));
    tampered.blob = wrapped.blob[..60].to_vec();
    assert!(matches!(
        keyring.unwrap(&tampered, CASE),
        Err(CryptoError::Open)
    ));
}

#[test]
fn unknown_master_key_id_fails() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Keyring::create(key_path(&dir), now()).unwrap();
    let mut wrapped = keyring.wrap(&DataKey::generate(), CASE);
    wrapped.master_key_id = MasterKeyId::parse("mk-19700101-000000").unwrap();
    match keyring.unwrap(&wrapped, CASE) {
        Err(CryptoError::UnknownMasterKey(id)) => assert_eq!(id, "mk-19700101-000000"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn corrupted_key_files_give_clear_messages_without_key_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let keyring = Keyring::create(&path, now()).unwrap();
    let good = fs::read_to_string(&path).unwrap();
    let secret = base64_keys_in(&path).remove(0);
    let id = keyring.active_id().as_str().to_owned();

    let cases: Vec<(String, &str)> = vec![
        (good[..good.len() / 2].to_owned(), "not valid JSON"),
        ("garbage".to_owned(), "not valid JSON"),
        (
            good.replace("\"version\": 1", "\"version\": 2"),
            "unsupported version 2",
        ),
        (
            good.replace(&secret, &secret[..20]),
            "not 32 bytes of base64",
        ),
        (
            good.replace(&secret, &format!("{secret}AAAA")),
            "not 32 bytes of base64",
        ),
        (
            good.replace(&secret, "!!not base64!!"),
            "not 32 bytes of base64",
        ),
        // A key where an id belongs: the message must not echo it.
        (
            good.replacen(&format!("\"{id}\""), &format!("\"{secret}\""), 1),
            "not one of its keys",
        ),
        (good.replace("\"keys\"", "\"keyz\""), "unexpected structure"),
        (
            good.replace("\"key\"", "\"key\": 5, \"x\""),
            "unexpected structure",
        ),
        (
            good.replace(&format!("\"id\": \"{id}\""), "\"id\": \"BAD ID\""),
            "invalid id",
        ),
        (good.replace("T", "_"), "RFC 3339"),
    ];
    for (content, expected) in cases {
        fs::write(&path, &content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        }
        let msg = key_file_error(Keyring::load(&path));
        assert!(msg.contains(expected), "{expected:?} not in {msg:?}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(!msg.contains(&secret[..16]), "key bytes leaked: {msg}");
    }
}

#[test]
fn debug_shows_ids_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let keyring = Keyring::create(&path, now()).unwrap();
    let debug = format!("{keyring:?}");
    assert!(debug.contains(keyring.active_id().as_str()), "{debug}");
    let secret = base64_keys_in(&path).remove(0);
    assert!(!debug.contains(&secret), "{debug}");
    assert!(!debug.contains("secret"), "{debug}");
}

#[test]
fn a_sealed_secret_opens_only_for_its_owner_and_purpose_and_survives_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let path = key_path(&dir);
    let mut keyring = Keyring::create(&path, now()).unwrap();
    let (owner, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let sealed = keyring.seal_secret(owner, "webhook", b"whsec_abc");
    assert_eq!(
        keyring
            .open_secret(&sealed, owner, "webhook")
            .unwrap()
            .as_slice(),
        b"whsec_abc"
    );
    for (who, purpose) in [(other, "webhook"), (owner, "other")] {
        assert!(matches!(
            keyring.open_secret(&sealed, who, purpose),
            Err(CryptoError::Open)
        ));
    }
    // Neither a wrapped data key nor a relabelled blob opens as a secret.
    let data_key = keyring.wrap(&DataKey::generate(), owner);
    assert!(keyring.open_secret(&data_key, owner, "webhook").is_err());

    let old_id = keyring.active_id().clone();
    keyring.rotate(&path, now()).unwrap();
    let moved = keyring.reseal_secret(&sealed, owner, "webhook").unwrap();
    assert_ne!(moved.master_key_id, old_id);
    assert_eq!(
        keyring
            .open_secret(&moved, owner, "webhook")
            .unwrap()
            .as_slice(),
        b"whsec_abc"
    );
    let relabelled = WrappedKey {
        master_key_id: old_id,
        blob: moved.blob.clone(),
    };
    assert!(keyring.open_secret(&relabelled, owner, "webhook").is_err());
}
