//! HTTP plumbing that is not a resource: who the client is when the server stands behind proxies.

pub mod client_addr;
