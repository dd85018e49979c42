//! A real S3-protocol server for the tests: `tests/s3/moto_server.py` (moto's server mode), one
//! process per test binary on 127.0.0.1 and a port of its own, started by the first test that
//! asks; every test makes a bucket of its own (`Bucket::create`), so tests stay independent.
//!
//! The server runs with the Python named by `TELEDERM_S3_PYTHON` (`ops/test.sh` makes a
//! virtualenv with `moto[server]` and sets it). Without it `Bucket::create` returns `None`: the
//! test skips, unless the run requires S3 (`TELEDERM_REQUIRE_S3=1` or `CI` set), where it fails.
//! The server holds no state on disk and stops when the test process closes its stdin.

use std::{
    process::{Child, Command, Stdio},
    sync::OnceLock,
    time::Duration,
};

use secrecy::SecretString;
use telederm_server::{
    config::{S3Settings, Settings, StorageKind},
    store::S3Store,
};

use crate::optional::{first_line, Optional};

const S3_TESTS: Optional = Optional {
    tests: "S3 test",
    require_var: "TELEDERM_REQUIRE_S3",
};

const SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/s3/moto_server.py");

/// Longest moto may take to say it listens (its imports take a second or two).
const START_GUARD: Duration = Duration::from_secs(60);

/// The moto process of this test binary, or why there is none.
static MOTO: OnceLock<Result<Moto, String>> = OnceLock::new();

struct Moto {
    // Holds its stdin open for as long as this process lives: moto stops when it closes.
    _child: Child,
    port: u16,
}

/// A bucket of its own on the test binary's moto server.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub name: String,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Bucket {
    /// A new, empty bucket; `None`: skip the test (no moto here).
    pub async fn create() -> Option<Bucket> {
        let port = match MOTO.get_or_init(start) {
            Ok(moto) => moto.port,
            Err(why) => return S3_TESTS.unavailable(why),
        };
        let bucket = Bucket {
            name: format!("telederm-{}", uuid::Uuid::new_v4().simple()),
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let res = bucket
            .request(reqwest::Method::PUT, "")
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "creating a bucket: {res:?}");
        Some(bucket)
    }

    /// A request behind the server's back. moto checks no signature, but takes a request
    /// without one as anonymous (refused on private objects): this one names a key.
    fn request(&self, method: reqwest::Method, key: &str) -> reqwest::RequestBuilder {
        const SIGNED: &str = "AWS4-HMAC-SHA256 \
            Credential=telederm-test-key-id/20260101/us-east-1/s3/aws4_request, \
            SignedHeaders=host, Signature=0";
        reqwest::Client::new()
            .request(method, self.url(key))
            .header("authorization", SIGNED)
    }

    /// Remove the (empty) bucket, as an operator's mistake would.
    pub async fn remove(&self) {
        let res = self
            .request(reqwest::Method::DELETE, "")
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "removing a bucket: {res:?}");
    }

    /// Settings for the server to keep its photos here, under `prefix`.
    pub fn settings(&self, prefix: Option<&str>) -> S3Settings {
        S3Settings {
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            bucket: self.name.clone(),
            path_style: true,
            access_key_id: SecretString::from("telederm-test-key-id"),
            secret_access_key: SecretString::from("telederm-test-secret"),
            prefix: prefix.map(str::to_owned),
            allow_http: true,
            timeout_secs: 10,
        }
    }

    /// `settings` with `storage.kind = "s3"` on this bucket (no prefix).
    pub fn use_in(&self, settings: &mut Settings) {
        settings.storage.kind = StorageKind::S3;
        settings.storage.s3 = Some(self.settings(None));
    }

    /// The store the server would open, under `prefix`.
    pub fn store(&self, prefix: Option<&str>) -> S3Store {
        S3Store::open(&self.settings(prefix)).unwrap()
    }

    fn url(&self, key: &str) -> String {
        format!("{}/{}/{key}", self.endpoint, self.name)
    }

    /// Every object key in the bucket, whatever its prefix, sorted (one listing page: tests
    /// hold far fewer than 1000).
    pub async fn keys(&self) -> Vec<String> {
        let xml = self
            .request(reqwest::Method::GET, "?list-type=2")
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!xml.contains("<IsTruncated>true"), "more than one page");
        let mut keys: Vec<String> = xml
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_owned)
            .collect();
        keys.sort();
        keys
    }

    /// The object's bytes, behind the server's back.
    pub async fn read(&self, key: &str) -> Vec<u8> {
        let res = self
            .request(reqwest::Method::GET, key)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{key}: {}", res.status());
        res.bytes().await.unwrap().to_vec()
    }

    /// Write an object behind the server's back (overwriting it: tampering, or a leftover).
    pub async fn write(&self, key: &str, bytes: Vec<u8>) {
        let res = self
            .request(reqwest::Method::PUT, key)
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{key}: {}", res.status());
    }
}

fn start() -> Result<Moto, String> {
    let python = std::env::var("TELEDERM_S3_PYTHON")
        .map_err(|_| "TELEDERM_S3_PYTHON is not set (a Python with moto[server] 5)".to_owned())?;
    let mut child = Command::new(&python)
        .arg(SERVER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    let first_line = first_line(&mut child, "the S3 server", START_GUARD);
    if let Some(port) = first_line.strip_prefix("ready ") {
        let port = port
            .trim()
            .parse()
            .expect("moto_server.py prints `ready <port>`");
        return Ok(Moto {
            _child: child,
            port,
        });
    }
    let _ = child.kill();
    let status = child.wait();
    match first_line.strip_prefix("unavailable: ") {
        Some(why) => Err(why.trim().to_owned()),
        None => panic!("the S3 server did not start ({status:?}); it said: {first_line}"),
    }
}
