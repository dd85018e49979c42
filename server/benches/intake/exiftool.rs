//! The reference the issue measures us against: `exiftool -all= -o out in`, the metadata removal
//! pict-rs shells out for. Timed on the same file in the same run, process start included (that
//! is what shelling out costs), and printed beside our whole intake with the ratio.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::inputs::Input;

const RUNS: usize = 7;
/// Issue 15: at most 60 ms of one core for a 12 MP JPEG, at least 4x faster than exiftool.
const GOAL_MS: f64 = 60.0;
const GOAL_RATIO: f64 = 4.0;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Prints the median of our whole intake and, when `exiftool` is on PATH, of `exiftool -all=`.
pub fn compare(input: &Input, mut intake: impl FnMut()) {
    let ours = median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                intake();
                start.elapsed()
            })
            .collect(),
    );
    let ours_ms = ours.as_secs_f64() * 1e3;
    println!(
        "intake {}: median {ours_ms:.1} ms over {RUNS} runs (goal <= {GOAL_MS} ms: {})",
        input.name,
        verdict(ours_ms <= GOAL_MS)
    );
    match exiftool_median(input) {
        Ok(theirs) => {
            let theirs_ms = theirs.as_secs_f64() * 1e3;
            let ratio = theirs_ms / ours_ms;
            println!(
                "exiftool -all= {}: median {theirs_ms:.1} ms over {RUNS} runs; speed-up of \
                 intake over exiftool: {ratio:.2}x (goal >= {GOAL_RATIO}x: {})",
                input.name,
                verdict(ratio >= GOAL_RATIO)
            );
        }
        Err(why) => println!("exiftool comparison skipped: {why}"),
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

fn exiftool_median(input: &Input) -> Result<Duration, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let source = dir.path().join("in.jpg");
    std::fs::write(&source, &input.bytes).map_err(|e| format!("writing {source:?}: {e}"))?;
    let mut times = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let out = dir.path().join(format!("out-{run}.jpg"));
        let start = Instant::now();
        let status = Command::new("exiftool")
            .args(["-q", "-all="])
            .arg("-o")
            .arg(&out)
            .arg(&source)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("exiftool not runnable ({e}); Debian: libimage-exiftool-perl"))?;
        times.push(start.elapsed());
        if !status.success() {
            return Err(format!("exiftool failed ({status})"));
        }
    }
    Ok(median(times))
}
