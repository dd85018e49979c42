use clap::Parser;
use telederm_server::commands::{run, Cli};

/// mimalloc rather than glibc's malloc: glibc raises its mmap threshold to the size of the
/// largest block freed, so after the first photos every 4 MB buffer came from arenas that kept
/// their pages, and the server's memory grew well past what the upload and decode budgets allow
/// (ops/bench.sh: 817 MB at 64 uploads of 4 MB with glibc, about 450 MB with mimalloc).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
