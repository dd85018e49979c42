//! Login throttling that nobody can aim at someone else. Failures are counted per client address,
//! and per account from that address: an address that failed too often against one account is
//! locked out of that account, one that failed too often overall is locked out of every account,
//! and the account stays open to every other address. (Counting per account alone would let
//! anyone lock a dermatologist out by typing wrong passwords for it.)
//!
//! IPv6 clients are counted per /64, the block one subscriber usually holds. The counts live in
//! the instance's memory, bounded whatever the number of addresses: with several instances
//! behind a load balancer each counts on its own, so the limits are multiplied by their number.

use std::{
    collections::{HashMap, VecDeque},
    hash::BuildHasher,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use ipnet::Ipv6Net;

use crate::config::AuthSettings;

/// Above this many tracked addresses, those without a failure in the window are forgotten.
const SWEEP_ABOVE: usize = 10_000;
/// At most this many failures are remembered in all (about 24 bytes each).
const MAX_TRACKED_FAILURES: usize = 1_000_000;

/// One failure: when, and against which account (a keyed hash: the emails typed stay out of
/// memory, and a collision only merges two accounts' counts from one address).
type Failure = (Instant, u64);

pub struct LoginThrottle {
    failures: Mutex<Failures>,
    window: Duration,
    max_per_account: usize,
    max_per_address: usize,
    /// Addresses remembered at most: the memory ceiling.
    max_addresses: usize,
    accounts: std::collections::hash_map::RandomState,
}

struct Failures {
    /// Per address (or /64), its failures in the window, oldest first; never more than the
    /// address's limit, since a locked-out address records nothing. Which is enough to count
    /// the account's failures too, as long as the address itself is not locked out.
    by_address: HashMap<Option<IpAddr>, VecDeque<Failure>>,
    sweep_above: usize,
}

impl LoginThrottle {
    pub fn new(settings: &AuthSettings) -> LoginThrottle {
        let max_per_address = (settings.max_failures_per_address as usize).max(1);
        LoginThrottle {
            failures: Mutex::new(Failures {
                by_address: HashMap::new(),
                sweep_above: SWEEP_ABOVE,
            }),
            window: Duration::from_secs(settings.login_failure_window_secs),
            max_per_account: (settings.max_failures_per_account as usize).max(1),
            max_per_address,
            max_addresses: (MAX_TRACKED_FAILURES / max_per_address).max(SWEEP_ABOVE),
            accounts: std::collections::hash_map::RandomState::new(),
        }
    }

    /// Start a login attempt: `Err(seconds to wait)` when the address is locked out, or locked
    /// out of this account; otherwise the attempt is counted as a failure at once, under the
    /// same lock, so that parallel attempts cannot all pass the check before any failure is
    /// recorded. A successful login then takes it back (`record_success`).
    pub fn begin_attempt(&self, account: &str, address: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let account = self.account(account);
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let recent = failures.by_address.entry(bucket(address)).or_default();
        while recent
            .front()
            .is_some_and(|(at, _)| now - *at >= self.window)
        {
            recent.pop_front();
        }
        // Locked while `max` failures are in the window: until the max-th newest leaves it.
        let nth_newest = |max: usize, of: &dyn Fn(&Failure) -> bool| {
            recent
                .iter()
                .rev()
                .filter(|f| of(f))
                .nth(max - 1)
                .map(|f| f.0)
        };
        let wait = [
            nth_newest(self.max_per_address, &|_| true),
            nth_newest(self.max_per_account, &|f| f.1 == account),
        ]
        .into_iter()
        .flatten()
        .map(|at| self.window.saturating_sub(now - at))
        .max()
        .unwrap_or_default();
        if !wait.is_zero() {
            return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        }
        recent.push_back((now, account));
        failures.sweep(now, self.window, self.max_addresses);
        Ok(())
    }

    /// A successful login clears the failures against the account from this address, this
    /// attempt's included; those from other addresses, and against other accounts, stay.
    pub fn record_success(&self, account: &str, address: Option<IpAddr>) {
        let account = self.account(account);
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let key = bucket(address);
        if let Some(recent) = failures.by_address.get_mut(&key) {
            recent.retain(|(_, a)| *a != account);
            if recent.is_empty() {
                failures.by_address.remove(&key);
            }
        }
    }

    fn account(&self, account: &str) -> u64 {
        self.accounts.hash_one(account.trim().to_lowercase())
    }
}

impl Failures {
    /// Forget addresses whose failures all left the window; if that is not enough to stay under
    /// the ceiling, forget those whose last failure is oldest. Sweeps get rarer as the map
    /// grows, so each attempt pays a constant share of them.
    fn sweep(&mut self, now: Instant, window: Duration, max_addresses: usize) {
        if self.by_address.len() <= self.sweep_above {
            return;
        }
        let last = |recent: &VecDeque<Failure>| recent.back().map(|(at, _)| *at);
        self.by_address
            .retain(|_, recent| last(recent).is_some_and(|at| now - at < window));
        if self.by_address.len() > max_addresses {
            let mut lasts: Vec<Instant> = self.by_address.values().filter_map(last).collect();
            let forget = lasts.len() - max_addresses * 3 / 4;
            let (_, cut, _) = lasts.select_nth_unstable(forget);
            let cut = *cut;
            self.by_address
                .retain(|_, recent| last(recent).is_some_and(|at| at >= cut));
            tracing::warn!(
                kept = self.by_address.len(),
                "login throttle full: forgot the addresses quiet for longest"
            );
        }
        self.sweep_above = (self.by_address.len() * 2).clamp(SWEEP_ABOVE, max_addresses);
    }
}

/// IPv4 addresses count alone (IPv4-mapped IPv6 ones as IPv4), IPv6 ones per /64.
fn bucket(address: Option<IpAddr>) -> Option<IpAddr> {
    address.map(|ip| match ip.to_canonical() {
        IpAddr::V6(v6) => Ipv6Net::new(v6, 64)
            .map(|net| IpAddr::V6(net.trunc().addr()))
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    })
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

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn locks_an_account_from_the_address_that_failed_only() {
        let t = throttle(3, 100);
        for _ in 0..3 {
            assert!(t.begin_attempt("a@b.fr", ip("10.0.0.1")).is_ok());
        }
        let wait = t.begin_attempt("A@B.fr", ip("10.0.0.1")).unwrap_err();
        assert!(wait > 0 && wait <= 900);
        assert!(t.begin_attempt("other@b.fr", ip("10.0.0.1")).is_ok());
        assert!(t.begin_attempt("a@b.fr", ip("10.0.0.2")).is_ok());
    }

    #[test]
    fn locks_an_address_across_accounts() {
        let t = throttle(100, 3);
        for i in 0..3 {
            assert!(t
                .begin_attempt(&format!("u{i}@b.fr"), ip("10.0.0.1"))
                .is_ok());
        }
        assert!(t.begin_attempt("fresh@b.fr", ip("10.0.0.1")).is_err());
        assert!(t.begin_attempt("fresh@b.fr", ip("10.0.0.2")).is_ok());
    }

    #[test]
    fn ipv6_addresses_count_per_64() {
        let t = throttle(2, 100);
        assert!(t.begin_attempt("a@b.fr", ip("2001:db8:1:2::1")).is_ok());
        assert!(t.begin_attempt("a@b.fr", ip("2001:db8:1:2::ffff")).is_ok());
        assert!(t
            .begin_attempt("a@b.fr", ip("2001:db8:1:2:abcd::9"))
            .is_err());
        assert!(t.begin_attempt("a@b.fr", ip("2001:db8:1:3::1")).is_ok());
        assert!(t.begin_attempt("c@b.fr", ip("::ffff:10.0.0.9")).is_ok());
        assert!(t.begin_attempt("c@b.fr", ip("10.0.0.9")).is_ok());
        assert!(t.begin_attempt("c@b.fr", ip("10.0.0.9")).is_err());
    }

    #[test]
    fn success_clears_the_account_from_that_address_only() {
        let t = throttle(2, 3);
        assert!(t.begin_attempt("victim@b.fr", ip("10.0.0.3")).is_ok());
        assert!(t.begin_attempt("mine@b.fr", ip("10.0.0.3")).is_ok());
        t.record_success("mine@b.fr", ip("10.0.0.3"));
        assert!(t.begin_attempt("victim@b.fr", ip("10.0.0.3")).is_ok());
        assert!(
            t.begin_attempt("victim@b.fr", ip("10.0.0.3")).is_err(),
            "logging in as oneself does not wipe the failures against someone else"
        );
        assert!(t.begin_attempt("mine@b.fr", ip("10.0.0.3")).is_ok());
        assert!(
            t.begin_attempt("x@b.fr", ip("10.0.0.3")).is_err(),
            "3 per address"
        );
    }

    #[test]
    fn memory_stays_bounded_under_many_addresses() {
        let t = throttle(5, 20);
        let max = t.max_addresses;
        for i in 0..(3 * max as u32) {
            let addr = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            assert!(t.begin_attempt("a@b.fr", Some(addr)).is_ok());
        }
        let tracked = t.failures.lock().unwrap().by_address.len();
        assert!(
            tracked <= max + 1,
            "{tracked} addresses tracked, ceiling {max}"
        );
        // The newest are the ones remembered.
        let newest = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + 3 * max as u32 - 1));
        assert!(t
            .failures
            .lock()
            .unwrap()
            .by_address
            .contains_key(&Some(newest)));
    }
}
