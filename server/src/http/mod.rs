//! The HTTP front door's plumbing: the state every handler shares (`AppState`), who the caller is (`AuthenticatedUser`), who the client
//! is when the server stands behind proxies, and reading multipart uploads under the server's
//! limits.

pub mod client_addr;
mod extractor;
mod state;
pub mod upload;

pub use extractor::AuthenticatedUser;
pub use state::AppState;
