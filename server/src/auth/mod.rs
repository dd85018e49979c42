//! Who the caller is and what it may do: passwords, tokens, the `AuthenticatedUser` extractor,
//! login throttling, and the access policy in one place.

mod extractor;
pub mod hs256;
pub mod jwt;
pub mod login;
pub mod password;
pub mod policy;
pub mod signing_key;
mod throttle;

pub use extractor::AuthenticatedUser;
pub use jwt::{Claims, TokenIssuer};
pub use signing_key::SigningKey;
pub use throttle::LoginThrottle;
