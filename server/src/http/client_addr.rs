//! The client's address: the TCP peer, unless the peer is one of our own proxies
//! (`http.trusted_proxies`), in which case it is the address those proxies say they received the
//! request from (`Forwarded`, or `X-Forwarded-For`).
//!
//! Anyone can send those headers, so they are read only from a trusted peer, and from the right:
//! each proxy appends the address it received the request from, so the entries left of the last
//! trusted hop were written by the client and are never believed.

use std::{net::IpAddr, str::FromStr};

use actix_web::{http::header::HeaderMap, HttpRequest};
use forwarded_header_value::{ForwardedStanza, Identifier};

pub use crate::config::TrustedProxies;

/// The address the request came from, as far as we can trust anyone to say.
pub fn client_addr(req: &HttpRequest, trusted: &TrustedProxies) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    Some(resolve(peer, req.headers(), trusted))
}

fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let forwarded = joined(headers, "forwarded").map(|v| {
        let hops = hops(&v, |e| {
            ForwardedStanza::from_str(e).ok()?.forwarded_for_ip()
        });
        walk(peer, &hops, trusted)
    });
    let x_forwarded_for = joined(headers, "x-forwarded-for").map(|v| {
        let hops = hops(&v, |e| Identifier::from_str(e).ok()?.ip());
        walk(peer, &hops, trusted)
    });
    match (forwarded, x_forwarded_for) {
        (Some(a), Some(b)) if a != b => {
            // Our proxy wrote one of them and the client the other, and nothing tells which:
            // count the request against the proxy rather than believe the client.
            tracing::debug!("Forwarded and X-Forwarded-For disagree: using the peer address");
            peer
        }
        (Some(a), _) | (None, Some(a)) => a,
        (None, None) => peer,
    }
}

/// Every line of the header, in order, as one comma-separated list.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let lines: Vec<&str> = headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!lines.is_empty()).then(|| lines.join(","))
}

/// The addresses of the list's entries, left (farthest) to right; `None` for an entry that names
/// no address (`unknown`, an obfuscated name, or garbage).
fn hops(list: &str, address: impl Fn(&str) -> Option<IpAddr>) -> Vec<Option<IpAddr>> {
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| address(e).map(|ip| ip.to_canonical()))
        .collect()
}

/// From the peer leftwards, while the address we hold is a trusted proxy, believe what it says.
fn walk(peer: IpAddr, hops: &[Option<IpAddr>], trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) if trusted.contains(client) => client = *ip,
            // An untrusted address is the client; after an entry naming no address, the last
            // proxy we trust is as close to the client as we can tell.
            _ => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
        ]);
        let none = TrustedProxies::default();
        assert_eq!(resolve(ip("198.51.100.1"), &h, &none), ip("198.51.100.1"));
        let other = proxies("10.0.0.0/8");
        assert_eq!(resolve(ip("198.51.100.1"), &h, &other), ip("198.51.100.1"));
    }

    #[test]
    fn the_rightmost_untrusted_address_is_the_client() {
        let trusted = proxies("10.0.0.0/8, 192.0.2.7");
        // The client made up the first entry; our two proxies appended the others.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.1.1.1")]);
        assert_eq!(resolve(ip("192.0.2.7"), &h, &trusted), ip("203.0.113.9"));
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.9:5555"),
        ]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.9"));
        let h = headers(&[(
            "forwarded",
            r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https, for=10.1.1.1"#,
        )]);
        assert_eq!(
            resolve(ip("10.0.0.2"), &h, &trusted),
            ip("2001:db8:cafe::17")
        );
    }

    #[test]
    fn an_entry_naming_no_address_stops_the_walk() {
        let trusted = proxies("10.0.0.0/8");
        let h = headers(&[("forwarded", "for=203.0.113.9, for=unknown")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted), ip("10.0.0.2"));
        let h = headers(&[("x-forwarded-for", "203.0.113.9, not-an-address, 10.1.1.1")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted), ip("10.1.1.1"));
    }

    #[test]
    fn disagreeing_headers_count_against_the_proxy() {
        let trusted = proxies("10.0.0.0/8");
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=198.51.100.50"),
        ]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted), ip("10.0.0.2"));
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
        ]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.9"));
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_blocks() {
        let trusted = proxies("127.0.0.1");
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            resolve(ip("::ffff:127.0.0.1"), &h, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn lists_parse_from_files_and_environment_variables() {
        assert_eq!(proxies(" 10.0.0.0/8,fd00::/8  127.0.0.1 ").0.len(), 3);
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.internal").is_err());
        let from_list: TrustedProxies =
            serde_json::from_str(r#"["10.0.0.0/8", "127.0.0.1"]"#).unwrap();
        let from_string: TrustedProxies =
            serde_json::from_str(r#""10.0.0.0/8,127.0.0.1""#).unwrap();
        assert_eq!(from_list, from_string);
        assert!(from_list.contains(ip("127.0.0.1")));
        assert!(!from_list.contains(ip("127.0.0.2")));
    }

    #[test]
    fn settings_take_the_list_from_a_file_and_default_to_none() {
        use crate::config::{Overrides, Settings};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telederm.toml");
        std::fs::write(
            &file,
            "[http]\ntrusted_proxies = [\"10.0.0.0/8\", \"192.0.2.7\"]\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!(
            settings.http.trusted_proxies,
            proxies("10.0.0.0/8, 192.0.2.7")
        );
        let defaults = Settings::load(None, &Overrides::default()).unwrap();
        assert_eq!(defaults.http.trusted_proxies, TrustedProxies::default());
    }
}
