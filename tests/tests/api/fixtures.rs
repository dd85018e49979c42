//! The committed fixtures are exactly what the generator makes (`TELEDERM_BLESS=1` rewrites them).

use telederm_tests::fixtures;

#[test]
fn committed_fixtures_are_current() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");
    let mut stale = Vec::new();
    for (name, bytes) in fixtures::all() {
        let path = format!("{dir}/{name}");
        if std::env::var("TELEDERM_BLESS").is_ok() {
            std::fs::write(&path, &bytes).unwrap();
        }
        if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "stale fixtures {stale:?}: run `TELEDERM_BLESS=1 cargo test -p telederm-tests committed_fixtures`"
    );
}

#[test]
fn the_planted_metadata_is_really_there() {
    // Guards the tests that look for these values in what the server returns.
    let jpeg = fixtures::read("lesion-gps.jpg");
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&jpeg))
        .unwrap();
    assert!(exif
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .is_some());
    assert!(exif
        .get_field(exif::Tag::BodySerialNumber, exif::In::PRIMARY)
        .is_some());
    let rotated = fixtures::read("lesion-orientation-6.jpg");
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&rotated))
        .unwrap();
    let o = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(o.value.get_uint(0), Some(6));
    let png = fixtures::read("lesion-text.png");
    assert!(contains(&png, fixtures::PLANTED_PNG_TEXT.as_bytes()));
    assert!(image::load_from_memory(&fixtures::read("lesion.webp")).is_ok());
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
