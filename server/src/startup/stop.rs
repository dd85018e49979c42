//! When to stop serving. actix stops gracefully on SIGTERM but drops every connection at once on
//! SIGINT (Ctrl-C); here both drain: requests in flight (an upload over a slow uplink) finish
//! within `http.shutdown_grace_secs`.

use std::future::Future;

/// Resolves at the first SIGINT or SIGTERM. The handlers are installed now, before the server
/// announces it is listening, so a signal sent after that is never the default (fatal) one.
#[cfg(unix)]
pub(super) fn stop_requested() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        tracing::info!(signal = name, "stopping: finishing the requests in flight");
    })
}

#[cfg(not(unix))]
pub(super) fn stop_requested() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping: finishing the requests in flight");
    })
}
