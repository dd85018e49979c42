//! Who the caller is and what it may do: passwords, tokens, login throttling, and the access
//! policy in one place. (The HTTP extractor of the caller is `http::AuthenticatedUser`.)

pub mod hs256;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod signing_key;
mod throttle;

pub use jwt::{Claims, TokenIssuer};
pub use signing_key::SigningKey;
pub use throttle::LoginThrottle;
