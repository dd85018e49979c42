//! Login throttling: too many failed logins for one account or from one address within a window
//! lock further attempts out until the oldest failure leaves the window.
//!
//! The counts live in the instance's memory: with several instances behind a load balancer each
//! counts on its own, so the effective limit is multiplied by the number of instances.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::config::AuthSettings;

/// Above this many tracked keys, expired ones are swept on the next failure.
const SWEEP_ABOVE: usize = 10_000;

pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
    window: Duration,
    max_per_account: usize,
    max_per_address: usize,
}

impl LoginThrottle {
    pub fn new(settings: &AuthSettings) -> LoginThrottle {
        LoginThrottle {
            failures: Mutex::new(HashMap::new()),
            window: Duration::from_secs(settings.login_failure_window_secs),
            max_per_account: settings.max_failures_per_account as usize,
            max_per_address: settings.max_failures_per_address as usize,
        }
    }

    /// Start a login attempt: `Err(seconds to wait)` when the account or the address is locked
    /// out; otherwise the attempt is counted as a failure at once, under the same lock, so that
    /// parallel attempts cannot all pass the check before any failure is recorded. A successful
    /// login then takes it back (`record_success`).
    pub fn begin_attempt(&self, account: &str, address: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for (key, max) in self.limits(account, address) {
            if let Some(times) = map.get(&key) {
                let recent: Vec<_> = times.iter().filter(|t| now - **t < self.window).collect();
                if recent.len() >= max {
                    if let Some(oldest) = recent.first() {
                        wait = wait.max(self.window - (now - **oldest));
                    }
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait.as_secs().max(1));
        }
        Self::record(&mut map, self.limits(account, address), now, self.window);
        Ok(())
    }

    fn record(
        map: &mut HashMap<String, VecDeque<Instant>>,
        keys: Vec<(String, usize)>,
        now: Instant,
        window: Duration,
    ) {
        for (key, max) in keys {
            let times = map.entry(key).or_default();
            times.push_back(now);
            while times.len() > max {
                times.pop_front();
            }
        }
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, times| times.back().is_some_and(|t| now - *t < window));
        }
    }

    /// A successful login clears the account's failures and takes back this attempt's count
    /// against the address.
    pub fn record_success(&self, account: &str, address: Option<IpAddr>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(account));
        if let Some(ip) = address {
            if let Some(times) = map.get_mut(&format!("address:{ip}")) {
                times.pop_back();
            }
        }
    }

    fn limits(&self, account: &str, address: Option<IpAddr>) -> Vec<(String, usize)> {
        let mut keys = vec![(account_key(account), self.max_per_account)];
        if let Some(ip) = address {
            keys.push((format!("address:{ip}"), self.max_per_address));
        }
        keys
    }
}

fn account_key(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(per_account: u32, per_address: u32) -> LoginThrottle {
        LoginThrottle::new(&AuthSettings {
            signing_key: None,
            signing_key_file: None,
            issuer: "i".into(),
            audience: "a".into(),
            token_ttl_secs: 60,
            login_failure_window_secs: 900,
            max_failures_per_account: per_account,
            max_failures_per_address: per_address,
        })
    }

    #[test]
    fn locks_an_account_after_its_limit() {
        let t = throttle(3, 100);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert!(t.begin_attempt("a@b.fr", Some(ip)).is_ok());
        }
        let wait = t.begin_attempt("A@B.fr", Some(ip)).unwrap_err();
        assert!(wait > 0 && wait <= 900);
        assert!(t.begin_attempt("other@b.fr", Some(ip)).is_ok());
    }

    #[test]
    fn locks_an_address_across_accounts() {
        let t = throttle(100, 3);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for i in 0..3 {
            assert!(t.begin_attempt(&format!("u{i}@b.fr"), Some(ip)).is_ok());
        }
        assert!(t.begin_attempt("fresh@b.fr", Some(ip)).is_err());
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(t.begin_attempt("fresh@b.fr", Some(other)).is_ok());
    }

    #[test]
    fn success_takes_the_attempt_back() {
        let t = throttle(2, 2);
        let ip: IpAddr = "10.0.0.3".parse().unwrap();
        assert!(t.begin_attempt("a@b.fr", Some(ip)).is_ok());
        t.record_success("a@b.fr", Some(ip));
        assert!(t.begin_attempt("a@b.fr", Some(ip)).is_ok());
        assert!(t.begin_attempt("a@b.fr", Some(ip)).is_ok());
        assert!(t.begin_attempt("a@b.fr", Some(ip)).is_err());
    }
}
