//! The background workers' loop: one run per period, failures logged, never fatal.

/// Run `work` every `period` (the first time one period after start) until aborted, logging its
/// failures.
pub(super) fn every<S, F, Fut>(
    period: std::time::Duration,
    state: S,
    work: F,
) -> tokio::task::JoinHandle<()>
where
    S: Clone + Send + 'static,
    F: Fn(S) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = work(state.clone()).await {
                // `{:#}`: the whole chain of causes, not only the outermost message.
                let error = format!("{error:#}");
                tracing::warn!(%error, "background work failed; trying again next time");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use std::sync::Arc;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn background_work_runs_once_per_period() {
        let runs = Arc::new(AtomicUsize::new(0));
        let period = std::time::Duration::from_secs(600);
        let worker = every(period, runs.clone(), |runs| async move {
            runs.fetch_add(1, Ordering::SeqCst);
            Err(anyhow::anyhow!(
                "a failure is logged and the next period still runs"
            ))
        });
        tokio::time::sleep(period / 2).await;
        assert_eq!(runs.load(Ordering::SeqCst), 0, "not at start");
        tokio::time::sleep(period * 3).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        worker.abort();
    }
}
