//! A real SMTP server for the tests: `tests/smtp/sink.py` (aiosmtpd), one process per test, on
//! 127.0.0.1 and a port of its own. What it accepts is read back as `ReceivedMail`s.
//!
//! `SmtpSink::start` runs it with the Python named by `TELEDERM_SMTP_PYTHON` (`ops/test.sh` makes
//! a virtualenv with aiosmtpd and sets it), or returns `None` when there is none: the test then
//! skips, unless the run requires SMTP (`TELEDERM_REQUIRE_SMTP=1` or `CI` set), where it fails.
//! The sink writes each message to disk before its 250 reply, so a send that returned can be
//! checked at once: nothing waits or polls.

pub mod tls;

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use serde::Deserialize;

use crate::optional::{first_line, Optional};
pub use tls::{ClientPki, TlsFiles};

const SMTP_TESTS: Optional = Optional {
    tests: "SMTP test",
    require_var: "TELEDERM_REQUIRE_SMTP",
};

const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp/sink.py");

/// Longest the sink may take to say it listens (it takes a fraction of a second).
const START_GUARD: Duration = Duration::from_secs(30);

/// How the sink answers. `Default`: accept every message, no TLS.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// Refuse the first N messages (at the end of DATA), then accept.
    pub refuse_first: u32,
    /// Refuse every message.
    pub refuse_always: bool,
    /// The refusals' reply code: 4xx is transient (`451 4.3.0`), 5xx permanent (`550 5.7.1`).
    pub refuse_code: u16,
    /// Offer STARTTLS with this certificate, and refuse clients that do not upgrade.
    pub tls: Option<TlsFiles>,
    /// With `tls`: also require a client certificate signed by this CA (PEM).
    pub client_ca: Option<PathBuf>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            refuse_first: 0,
            refuse_always: false,
            refuse_code: 451,
            tls: None,
            client_ca: None,
        }
    }
}

/// One message the sink accepted, decoded by Python's `email` package.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedMail {
    /// The envelope's sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope's recipients (`RCPT TO`), Bcc included.
    pub rcpt_tos: Vec<String>,
    /// Every header in order, decoded (RFC 2047 words and folding undone).
    pub headers: Vec<(String, String)>,
    pub subject: Option<String>,
    /// The text/plain body, decoded, lines ending in `\n`.
    pub text: Option<String>,
    /// The text/html body, decoded, lines ending in `\n`.
    pub html: Option<String>,
    /// The message as it went over the wire.
    pub raw: String,
    /// Whether the session had been upgraded with STARTTLS.
    pub tls: bool,
    /// The content type of every MIME part, the outermost first.
    pub content_types: Vec<String>,
}

impl ReceivedMail {
    /// The first header named `name` (case-insensitive), decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running sink. Dropping it kills and reaps the process and removes its folder.
pub struct SmtpSink {
    // Holds the sink's stdin open: the sink stops when it closes, even if this process dies.
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Start a sink that answers as `behaviour` says; `None`: skip the test.
    pub fn start(behaviour: Behaviour) -> Option<SmtpSink> {
        let Ok(python) = std::env::var("TELEDERM_SMTP_PYTHON") else {
            return SMTP_TESTS
                .unavailable("TELEDERM_SMTP_PYTHON is not set (a Python with aiosmtpd 1.4.6)");
        };
        let dir = tempfile::tempdir().unwrap();
        let log = File::create(dir.path().join("sink.log")).unwrap();
        let mut child = match sink_command(&python, dir.path(), &behaviour)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
        {
            Ok(child) => child,
            Err(e) => return SMTP_TESTS.unavailable(&format!("cannot run {python}: {e}")),
        };
        let first_line = first_line(&mut child, "the SMTP sink", START_GUARD);
        if let Some(port) = first_line.strip_prefix("ready ") {
            let port = port.trim().parse().expect("the sink prints `ready <port>`");
            return Some(SmtpSink { child, port, dir });
        }
        let _ = child.kill();
        let status = child.wait();
        if let Some(why) = first_line.strip_prefix("unavailable: ") {
            return SMTP_TESTS.unavailable(why.trim());
        }
        let said = std::fs::read_to_string(dir.path().join("sink.log")).unwrap_or_default();
        panic!("the SMTP sink did not start ({status:?}); it said: {first_line}{said}");
    }

    /// The port it listens on, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message accepted so far, in the order received.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| is_message_file(path))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| {
                let json = std::fs::read(path).unwrap();
                serde_json::from_slice(&json)
                    .unwrap_or_else(|e| panic!("{}: not a message record: {e}", path.display()))
            })
            .collect()
    }

    /// How many messages it has refused so far.
    pub fn refused(&self) -> u32 {
        match std::fs::read_to_string(self.dir.path().join("refused")) {
            Ok(count) => count.trim().parse().expect("the sink writes a count"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => panic!("cannot read the sink's refusal count: {e}"),
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sink_command(python: &str, dir: &Path, behaviour: &Behaviour) -> Command {
    let mut command = Command::new(python);
    command.arg(SINK).arg("--dir").arg(dir);
    command
        .arg("--refuse-first")
        .arg(behaviour.refuse_first.to_string());
    command
        .arg("--refuse-code")
        .arg(behaviour.refuse_code.to_string());
    if behaviour.refuse_always {
        command.arg("--refuse-always");
    }
    if let Some(tls) = &behaviour.tls {
        command.arg("--tls-cert").arg(&tls.cert);
        command.arg("--tls-key").arg(&tls.key);
    }
    if let Some(ca) = &behaviour.client_ca {
        command.arg("--client-ca").arg(ca);
    }
    command
}

/// `0001.json`, not the `.0001.json.tmp` being written.
fn is_message_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
        && path
            .file_name()
            .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
}
