//! No key in the source (issue 10): a server started the default way, without a configured key,
//! refuses an admin token signed with any constant of the workspace's Rust sources that is
//! 32 bytes or longer: string literals as they are, base64- or hex-decoded, whole or word by word,
//! and byte arrays (`[b; n]`, `[b0, b1, ...]`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use base64::engine::{
    general_purpose::{GeneralPurpose, GeneralPurposeConfig},
    DecodePaddingMode,
};
use base64::{alphabet, Engine};
use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::{create_user, server, start_command, PASSWORD};

const MIN_LEN: usize = 32;
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const BASE64: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const BASE64_URL: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Every `.rs` file under `dir`, in a stable order, build output and hidden folders left out.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The candidate keys of one file. Lexed, not parsed, so literals inside macro calls and doc
/// comments count too.
fn scan(source: &str) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    walk(TokenStream::from_str(source).unwrap(), &mut found);
    found
}

fn walk(tokens: TokenStream, found: &mut Vec<Vec<u8>>) {
    for tree in tokens {
        match tree {
            TokenTree::Literal(lit) => match syn::Lit::new(lit) {
                syn::Lit::Str(s) => text(s.value().as_bytes(), found),
                syn::Lit::ByteStr(s) => text(&s.value(), found),
                syn::Lit::CStr(s) => text(s.value().as_bytes(), found),
                _ => {}
            },
            TokenTree::Group(group) => {
                if group.delimiter() == Delimiter::Bracket {
                    if let Some(bytes) = byte_array(group.stream()) {
                        if bytes.len() >= MIN_LEN {
                            found.push(bytes);
                        }
                    }
                }
                walk(group.stream(), found);
            }
            _ => {}
        }
    }
}

/// A literal of 32 bytes or more, and each word of it that long, raw and decoded.
fn text(value: &[u8], found: &mut Vec<Vec<u8>>) {
    if value.len() < MIN_LEN {
        return;
    }
    let key_char = |b: &u8| b.is_ascii_alphanumeric() || b"+/=_-".contains(b);
    let words = value.split(|b| !key_char(b)).filter(|w| w.len() >= MIN_LEN);
    for piece in std::iter::once(value).chain(words) {
        found.push(piece.to_vec());
        let decoded = [
            BASE64.decode(piece).ok(),
            BASE64_URL.decode(piece).ok(),
            hex::decode(piece).ok(),
        ];
        found.extend(decoded.into_iter().flatten().filter(|k| !k.is_empty()));
    }
}

/// `[b; n]` or `[b0, b1, ...]` where every `b` is a byte value.
fn byte_array(tokens: TokenStream) -> Option<Vec<u8>> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let literal = |tree: &TokenTree| match tree {
        TokenTree::Literal(lit) => Some(syn::Lit::new(lit.clone())),
        _ => None,
    };
    let byte = |tree: &TokenTree| match literal(tree)? {
        syn::Lit::Int(i) => i.base10_parse::<u8>().ok(),
        syn::Lit::Byte(b) => Some(b.value()),
        _ => None,
    };
    let punct = |tree: &TokenTree, c: char| matches!(tree, TokenTree::Punct(p) if p.as_char() == c);
    if let [value, separator, count] = trees.as_slice() {
        if punct(separator, ';') {
            let syn::Lit::Int(count) = literal(count)? else {
                return None;
            };
            return Some(vec![byte(value)?; count.base10_parse::<usize>().ok()?]);
        }
    }
    let mut bytes = Vec::new();
    for (i, tree) in trees.iter().enumerate() {
        if i % 2 == 1 {
            if !punct(tree, ',') {
                return None;
            }
        } else {
            bytes.push(byte(tree)?);
        }
    }
    Some(bytes)
}

/// Candidate keys of the whole workspace, each with the first file it was found in.
fn workspace_candidates() -> (usize, BTreeMap<Vec<u8>, PathBuf>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut candidates = BTreeMap::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for key in scan(&source) {
            let relative = file.strip_prefix(root).unwrap().to_path_buf();
            candidates.entry(key).or_insert(relative);
        }
    }
    (files.len(), candidates)
}

#[test]
fn the_scanner_finds_keys_in_every_form_a_source_holds_them() {
    // The key `server/src/config.rs` published until issue 10, and other shapes of key.
    let found = scan(
        r##"
        pub const DEV_SIGNING_KEY: &str =
            "dGVsZWRlcm0tZGV2ZWxvcG1lbnQtb25seS1zaWduaW5nLWtleS0wMDAwMDAwMA==";
        const A: [u8; 40] = [7u8; 40];
        const B: &[u8] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                           20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
        fn f() { let k = hex!("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"); }
        /// In a doc comment: key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
        const SHORT: [u8; 31] = [7u8; 31];
        "##,
    );
    assert!(found.contains(&b"telederm-development-only-signing-key-00000000".to_vec()));
    assert!(found.contains(&vec![7u8; 40]));
    assert!(!found.contains(&vec![7u8; 31]), "shorter than 32 bytes");
    let zero_to_31: Vec<u8> = (0..32).collect();
    let hits = found.iter().filter(|k| **k == zero_to_31).count();
    assert_eq!(
        hits, 3,
        "the byte array, the hex string and the base64 word"
    );
}

#[test]
fn no_constant_of_the_sources_signs_a_token_the_default_server_accepts() {
    let (files, candidates) = workspace_candidates();
    // Not vacuous: the sources were read, and keys the tests do hold were found.
    assert!(files > 100, "{files} Rust files");
    assert!(candidates.len() > 500, "{} candidates", candidates.len());
    assert!(candidates.contains_key(&vec![42u8; 32]), "TEST_SIGNING_KEY");

    // Started the default way: no key configured anywhere (`server` clears TELEDERM* variables),
    // with a real admin whose id the attacker is assumed to know.
    let data = tempfile::tempdir().unwrap();
    create_user(data.path(), "chief@example.fr");
    let mut serve = server(data.path());
    serve.args(["serve", "--bind", "127.0.0.1:0"]);
    let running = start_command(serve);
    let base = format!("http://127.0.0.1:{}", running.port);
    let generated = std::fs::read_to_string(data.path().join("signing-key")).unwrap();
    let generated = BASE64.decode(generated.trim()).unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let accepted = rt.block_on(async {
        let client = reqwest::Client::new();
        let users = |token: String| {
            let request = client
                .get(format!("{base}/api/v1/users"))
                .bearer_auth(token);
            async move { request.send().await.unwrap().status().as_u16() }
        };
        let login = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": "chief@example.fr", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200);
        let login: serde_json::Value = login.json().await.unwrap();
        let token = login["access_token"].as_str().unwrap().to_owned();
        // The real admin token's claims (sub is the admin's id): only the signature will differ.
        let payload = token.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&BASE64_URL.decode(payload).unwrap()).unwrap();
        assert_eq!(claims["role"], "admin");
        telederm_server::auth::hs256::install();
        let sign = |key: &[u8]| {
            let key = jsonwebtoken::EncodingKey::from_secret(key);
            jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap()
        };

        // Controls: the endpoint is open to this admin, and a token forged with the server's own
        // key passes, so each 401 below is the key's doing and nothing else's.
        assert_eq!(users(token.clone()).await, 200);
        assert_eq!(users(sign(&generated)).await, 200);
        assert!(!candidates.contains_key(&generated));

        let mut accepted = Vec::new();
        for (key, file) in &candidates {
            let status = users(sign(key)).await;
            if status != 401 {
                accepted.push(format!("{} ({status})", file.display()));
            }
        }
        accepted
    });
    running.stop();
    assert!(
        accepted.is_empty(),
        "tokens signed with constants of these files were not refused: {accepted:?}"
    );
}
