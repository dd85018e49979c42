//! Tools some tests need that a developer's machine may lack (Chromium, a Python with aiosmtpd).
//! A test that cannot have its tool skips with one line on stderr, unless the run requires the
//! tool (its `TELEDERM_REQUIRE_...=1`, or `CI` set), where it fails: CI never passes by skipping.
//! `ops/test.sh` installs them all.

/// One kind of optional test, and the variable that makes it required.
pub struct Optional {
    /// What the skip line calls these tests ("browser test").
    pub tests: &'static str,
    /// `TELEDERM_REQUIRE_BROWSER`, ...
    pub require_var: &'static str,
}

impl Optional {
    /// Whether a missing tool fails the test instead of skipping it.
    pub fn required(&self) -> bool {
        std::env::var(self.require_var).is_ok_and(|v| v == "1")
            || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
    }

    /// A test cannot run for want of `what`: it fails when required, else it skips (`None`).
    pub fn unavailable<T>(&self, what: &str) -> Option<T> {
        assert!(
            !self.required(),
            "{what}: the {}s are required here ({} or CI set); run ops/test.sh, which installs \
             what they need",
            self.tests,
            self.require_var
        );
        eprintln!("SKIPPED ({}): {what}; ops/test.sh installs it", self.tests);
        None
    }
}

/// A test server's first line on stdout (empty if it ended without one), read on a thread so
/// that a server that hangs fails the test after `guard` instead of blocking it for ever.
pub(crate) fn first_line(
    child: &mut std::process::Child,
    what: &str,
    guard: std::time::Duration,
) -> String {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("the server's stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    rx.recv_timeout(guard)
        .unwrap_or_else(|_| panic!("{what} did not start in time"))
}
