//! The shared corpus of real camera and phone files (`../shared/corpus` beside the checkout, or
//! `TELEDERM_CORPUS`). Skipped cleanly when absent. Its files are only read, never copied into
//! the repository; set `TELEDERM_STRIP_OUT` to a directory to get the stripped outputs there
//! (for `shared/tools/leakcheck.py`).

use std::fs;
use std::path::{Path, PathBuf};

use super::super::{strip, StripError};
use super::pixels;
use crate::photos::format::{sniff, Sniffed};

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("TELEDERM_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn every_corpus_photo_strips_clean_or_is_corrupt() {
    let Some(dir) = corpus_dir() else {
        eprintln!("photo corpus not found (set TELEDERM_CORPUS): skipping");
        return;
    };
    let out_dir = std::env::var_os("TELEDERM_STRIP_OUT").map(PathBuf::from);
    let (mut clean, mut corrupt, mut failures) = (0, 0, Vec::new());
    for path in files(&dir) {
        let bytes = fs::read(&path).unwrap();
        let Sniffed::Supported(format) = sniff(&bytes) else {
            continue; // HEIC, AVIF, the manifest...
        };
        let name = path.strip_prefix(&dir).unwrap().to_path_buf();
        let malformed = name.starts_with("malformed");
        let original = pixels(format, &bytes);
        match strip(format, &bytes) {
            Ok(out) => {
                clean += 1;
                if original.is_some() && pixels(format, &out.bytes) != original {
                    failures.push(format!("{}: pixels differ", name.display()));
                }
                if let Some(out_dir) = &out_dir {
                    let target = out_dir.join(&name);
                    fs::create_dir_all(target.parent().unwrap()).unwrap();
                    fs::write(target, &out.bytes).unwrap();
                }
            }
            Err(StripError::Corrupt(why)) => {
                corrupt += 1;
                eprintln!("{}: corrupt: {why}", name.display());
                if !malformed && original.is_some() {
                    failures.push(format!("{}: corrupt ({why}) but decodable", name.display()));
                }
            }
            Err(StripError::NotClean(why)) => {
                failures.push(format!("{}: not clean: {why}", name.display()));
            }
        }
    }
    eprintln!("corpus: {clean} stripped, {corrupt} corrupt");
    assert!(clean > 0, "no photo found in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
