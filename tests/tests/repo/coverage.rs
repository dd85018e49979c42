//! Fails when a repository trait method has no contract test: the methods are read from the
//! trait declarations under `server/src/db`, the calls from this test's own sources.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without `//` comments (doc comments mention method names too).
fn code_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn words(code: &str) -> Vec<&str> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// `(trait, method)` of every `fn` declared in a trait whose name ends in `Repo`.
fn trait_methods(code: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("trait ") {
        let after = &rest[at + "trait ".len()..];
        let name = words(after).first().copied().unwrap_or_default().to_owned();
        let Some(open) = after.find('{') else { break };
        // The trait's body: up to the brace that closes the first one.
        let mut depth = 0;
        let mut end = open;
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = open + i;
                break;
            }
        }
        if name.ends_with("Repo") {
            let body = words(&after[open..end]);
            for pair in body.windows(2) {
                if pair[0] == "fn" {
                    found.push((name.clone(), pair[1].to_owned()));
                }
            }
        }
        rest = &after[end..];
    }
    found
}

#[test]
fn every_repository_trait_method_has_a_contract_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut db_files = Vec::new();
    rust_files(&root.join("../server/src/db"), &mut db_files);
    let methods: BTreeSet<(String, String)> = db_files
        .iter()
        .flat_map(|f| trait_methods(&code_of(f)))
        .collect();
    // The scan itself must see the traits, or it would pass on nothing.
    let traits: BTreeSet<&str> = methods.iter().map(|(t, _)| t.as_str()).collect();
    assert!(
        traits.contains("Repo") && traits.contains("QueueRepo"),
        "traits found: {traits:?}"
    );
    assert!(methods.len() >= 60, "only {} methods found", methods.len());

    let mut test_files = Vec::new();
    rust_files(&root.join("tests/repo"), &mut test_files);
    let calls: String = test_files
        .iter()
        .filter(|f| !f.ends_with("coverage.rs"))
        .map(|f| code_of(f).split_whitespace().collect::<String>())
        .collect();
    let untested: Vec<String> = methods
        .iter()
        .filter(|(_, m)| !calls.contains(&format!("repo.{m}(")))
        .map(|(t, m)| format!("{t}::{m}"))
        .collect();
    assert!(
        untested.is_empty(),
        "repository methods without a contract test in tests/tests/repo: {untested:?}"
    );
}
