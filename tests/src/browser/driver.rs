//! chromedriver, one per browser: started on a port of its own choosing (`--port=0`, read back
//! from its first lines), in a process group of its own so that dropping the `Driver` ends it and
//! every Chromium process it started, also when a test fails half way.

use std::{path::PathBuf, process::Stdio, time::Duration};

use rustix::process::{kill_process_group, Pid, Signal};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// Longest chromedriver may take to say it listens (it takes well under a second).
const START_GUARD: Duration = Duration::from_secs(30);

pub(super) struct Driver {
    child: Child,
    pub(super) url: String,
}

impl Driver {
    /// Start chromedriver. If it ends before it listens (seen once in a few hundred starts, on a
    /// loaded machine), what it said is printed and it is started once more: that is the
    /// harness's own start-up, not a test's outcome.
    pub(super) async fn start(chromedriver: &PathBuf) -> Driver {
        match Driver::try_start(chromedriver).await {
            Ok(driver) => driver,
            Err(said) => {
                eprintln!("chromedriver ended before it listened; once more. It said: {said}");
                Driver::try_start(chromedriver)
                    .await
                    .unwrap_or_else(|said| panic!("chromedriver ended before it listened: {said}"))
            }
        }
    }

    async fn try_start(chromedriver: &PathBuf) -> Result<Driver, String> {
        let mut child = Command::new(chromedriver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
        let stderr = child.stderr.take().expect("chromedriver's stderr is piped");
        let mut lines = BufReader::new(stdout).lines();
        let mut said = Vec::new();
        let port = tokio::time::timeout(START_GUARD, async {
            while let Some(line) = lines.next_line().await.expect("chromedriver's output") {
                // "ChromeDriver was started successfully on port 43333."
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    return rest.trim_end_matches('.').parse::<u16>().ok();
                }
                said.push(line);
            }
            None
        })
        .await
        .expect("chromedriver did not start in time");
        let mut errors = BufReader::new(stderr).lines();
        let Some(port) = port else {
            while let Ok(Some(line)) = errors.next_line().await {
                said.push(line);
            }
            return Err(said.join(" | "));
        };
        // Keep reading its output, so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        tokio::spawn(async move { while let Ok(Some(_)) = errors.next_line().await {} });
        Ok(Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Chromium runs in chromedriver's process group: end them all together.
        if let Some(pid) = self.child.id().and_then(|id| Pid::from_raw(id as i32)) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }
}
