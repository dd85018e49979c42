//! HTTP plumbing that is not a resource: who the client is when the server stands behind
//! proxies, and reading multipart uploads under the server's limits.

pub mod client_addr;
pub mod upload;
