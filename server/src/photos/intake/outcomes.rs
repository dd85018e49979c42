//! What the whole intake makes of every file we have: the stored bytes (by their SHA-256) or the
//! refusal, compared with lists committed beside this file. A faster pipeline must store the same
//! bytes and refuse the same files with the same words.
//!
//! - `outcomes-fixtures.tsv`: every file of `fixtures/`, plus damaged copies of its JPEGs (cut at
//!   several offsets, cut and given a fresh EOI, scan bytes overwritten with data or with bits
//!   no Huffman code has).
//! - `outcomes-corpus.tsv`: every file of `../shared/corpus` (or `TELEDERM_CORPUS`); compared
//!   only when the corpus is present.
//!
//! `TELEDERM_BLESS=1 cargo test -p telederm-server --lib intake::outcomes` rewrites the lists.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::{inspect, process, PhotoError, RawPhoto};
use crate::{
    domain::PhotoKind,
    photos::{inspect::PhotoLimits, quality::QualityThresholds},
};

/// One line: the file's name, then `stored`, the stored bytes' SHA-256 and size in pixels, or
/// `refused`, the kind of refusal and its message.
fn outcome(name: &str, bytes: &[u8]) -> String {
    let raw = RawPhoto {
        number: 1,
        kind: PhotoKind::Overview,
        bytes: Zeroizing::new(bytes.to_vec()),
        hold: Box::new(()),
    };
    let limits = PhotoLimits::default();
    let result = inspect(raw, &limits)
        .and_then(|inspected| process(inspected, &limits, &QualityThresholds::default()));
    match result {
        Ok(p) => format!("{name}\tstored\t{}\t{}x{}", p.sha256, p.width, p.height),
        Err(e) => {
            let kind = match e {
                PhotoError::Unsupported(_) => "unsupported",
                PhotoError::TooLarge(_) => "too_large",
                PhotoError::Corrupt(_) => "corrupt",
                PhotoError::Busy { .. } => "busy",
                PhotoError::Internal(_) => "internal",
            };
            format!("{name}\trefused\t{kind}\t{e}")
        }
    }
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `lines` with the committed list `file` (or rewrites it under `TELEDERM_BLESS`).
fn compare(file: &str, lines: &[String]) {
    let path = manifest_dir().join("src/photos/intake").join(file);
    let actual = lines.join("\n") + "\n";
    if std::env::var_os("TELEDERM_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with TELEDERM_BLESS=1", path.display()));
    let expected: Vec<&str> = expected.lines().collect();
    let differ: Vec<String> = expected
        .iter()
        .zip(lines)
        .filter(|(e, a)| *e != a)
        .map(|(e, a)| format!("expected {e}\n     got {a}"))
        .collect();
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert_eq!(expected.len(), lines.len(), "{file}: number of files");
}

/// Damaged copies of a JPEG: what a cut transfer or a bad disk makes of a phone photo.
fn damaged(name: &str, jpeg: &[u8]) -> Vec<(String, Vec<u8>)> {
    let len = jpeg.len();
    let mut out = Vec::new();
    for tenth in 1..10 {
        let cut = len * tenth / 10;
        out.push((format!("{name} cut at {tenth}/10"), jpeg[..cut].to_vec()));
        let with_eoi = [&jpeg[..cut], &[0xFF, 0xD9][..]].concat();
        out.push((format!("{name} cut at {tenth}/10 + EOI"), with_eoi));
        let mut overwritten = jpeg.to_vec();
        // 64 bytes of a pattern that holds no marker, in the middle of the scan data.
        let at = (len * tenth / 10).min(len - 80);
        for (i, byte) in overwritten[at..at + 64].iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(37) & 0x7F;
        }
        out.push((format!("{name} overwritten at {tenth}/10"), overwritten));
        // Stuffed FF bytes: all one bits, which no Huffman code is, so the decoder gives up there.
        let mut ones = jpeg.to_vec();
        for pair in ones[at..at + 64].chunks_exact_mut(2) {
            pair.copy_from_slice(&[0xFF, 0x00]);
        }
        out.push((format!("{name} all ones at {tenth}/10"), ones));
    }
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
        .into_iter()
        .flat_map(|path| match path.is_dir() {
            true => files(&path),
            false => vec![path],
        })
        .collect()
}

#[test]
fn every_fixture_is_stored_or_refused_as_before() {
    let dir = manifest_dir().join("../fixtures");
    let mut lines = Vec::new();
    for path in files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        lines.push(outcome(&name, &bytes));
        if name.ends_with(".jpg") && name != "truncated.jpg" {
            for (damaged_name, damaged) in damaged(&name, &bytes) {
                lines.push(outcome(&damaged_name, &damaged));
            }
        }
    }
    compare("outcomes-fixtures.tsv", &lines);
}

#[test]
fn every_corpus_file_is_stored_or_refused_as_before() {
    let dir = match std::env::var_os("TELEDERM_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir().join("../../shared/corpus"),
    };
    if !dir.is_dir() {
        eprintln!("photo corpus not found (set TELEDERM_CORPUS): skipping");
        return;
    }
    let lines: Vec<String> = files(&dir)
        .iter()
        .filter(|path| path.extension().is_some_and(|e| e != "md" && e != "tsv"))
        .map(|path| {
            let name = path.strip_prefix(&dir).unwrap().to_string_lossy();
            outcome(&name, &std::fs::read(path).unwrap())
        })
        .collect();
    compare("outcomes-corpus.tsv", &lines);
}
