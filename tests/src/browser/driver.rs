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
    pub(super) async fn start(chromedriver: &PathBuf) -> Driver {
        let mut child = Command::new(chromedriver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let port = tokio::time::timeout(START_GUARD, async {
            while let Some(line) = lines.next_line().await.expect("chromedriver's output") {
                // "ChromeDriver was started successfully on port 43333."
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    return rest.trim_end_matches('.').parse::<u16>().ok();
                }
            }
            None
        })
        .await
        .expect("chromedriver did not start in time")
        .expect("chromedriver exited without saying which port it listens on");
        // Keep reading its output, so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
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
