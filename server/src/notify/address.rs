//! Which IP addresses a webhook may reach. Deny by default on everything that is not plainly a
//! public unicast address: an admin or a user choosing a webhook URL must not turn the delivery
//! worker into a way into the server's own network (SSRF).
//!
//! Ranges follow IANA's special-purpose address registries. IPv6 forms that carry an IPv4 address
//! (IPv4-mapped, NAT64, 6to4) are judged by the IPv4 address they reach.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

/// What an address is, for a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A public unicast address.
    Public,
    /// Inside a private network (loopback, RFC 1918, link-local, unique-local, CGNAT): refused
    /// unless `notifications.allow_private_targets` is set (tests, a receiver on the same host).
    Internal,
    /// Never a webhook receiver, whatever the settings: unspecified, multicast, broadcast,
    /// reserved, documentation, and the cloud metadata services.
    Forbidden,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len)
}

const fn v6(s: [u16; 8], len: u8) -> Ipv6Net {
    Ipv6Net::new_assert(
        Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]),
        len,
    )
}

/// Cloud instance metadata endpoints (AWS, GCP, Azure, OpenStack; AWS ECS; Alibaba).
const METADATA_V4: [Ipv4Addr; 3] = [
    Ipv4Addr::new(169, 254, 169, 254),
    Ipv4Addr::new(169, 254, 170, 2),
    Ipv4Addr::new(100, 100, 100, 200),
];
/// AWS's IPv6 instance metadata endpoint.
const METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);

const FORBIDDEN_V4: [Ipv4Net; 8] = [
    v4(0, 0, 0, 0, 8),       // "this network", unspecified
    v4(192, 0, 0, 0, 24),    // IETF protocol assignments
    v4(192, 0, 2, 0, 24),    // documentation
    v4(192, 88, 99, 0, 24),  // 6to4 relay anycast (deprecated)
    v4(198, 51, 100, 0, 24), // documentation
    v4(203, 0, 113, 0, 24),  // documentation
    v4(224, 0, 0, 0, 4),     // multicast
    v4(240, 0, 0, 0, 4),     // reserved, and 255.255.255.255 broadcast
];

const INTERNAL_V4: [Ipv4Net; 7] = [
    v4(10, 0, 0, 0, 8),     // private
    v4(100, 64, 0, 0, 10),  // carrier-grade NAT
    v4(127, 0, 0, 0, 8),    // loopback
    v4(169, 254, 0, 0, 16), // link-local
    v4(172, 16, 0, 0, 12),  // private
    v4(192, 168, 0, 0, 16), // private
    v4(198, 18, 0, 0, 15),  // benchmarking, used as private space
];

const FORBIDDEN_V6: [Ipv6Net; 5] = [
    v6([0, 0, 0, 0, 0, 0, 0, 0], 96), // unspecified, IPv4-compatible (deprecated)
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64), // discard-only
    v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), // IETF assignments: Teredo, ORCHID, benchmarking
    v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), // documentation
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), // multicast
];

const INTERNAL_V6: [Ipv6Net; 5] = [
    v6([0, 0, 0, 0, 0, 0, 0, 1], 128),        // loopback
    v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), // local-use NAT64
    v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7),     // unique-local
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),    // link-local
    v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10),    // site-local (deprecated)
];

pub fn classify(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => classify_v6(ip),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Reach {
    if METADATA_V4.contains(&ip) || FORBIDDEN_V4.iter().any(|n| n.contains(&ip)) {
        Reach::Forbidden
    } else if INTERNAL_V4.iter().any(|n| n.contains(&ip)) {
        Reach::Internal
    } else {
        Reach::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> Reach {
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    if ip == METADATA_V6 {
        return Reach::Forbidden;
    }
    // Loopback sits inside ::/96, so the internal list is asked first.
    if INTERNAL_V6.iter().any(|n| n.contains(&ip)) {
        Reach::Internal
    } else if FORBIDDEN_V6.iter().any(|n| n.contains(&ip)) {
        Reach::Forbidden
    } else {
        Reach::Public
    }
}

/// The IPv4 address an IPv6 address leads to: IPv4-mapped (`::ffff:a.b.c.d`), NAT64
/// (`64:ff9b::a.b.c.d`) or 6to4 (`2002:aabb:ccdd::/48`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    const NAT64: Ipv6Net = v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96);
    const SIX_TO_FOUR: Ipv6Net = v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16);
    let o = ip.octets();
    if let Some(mapped) = ip.to_ipv4_mapped() {
        Some(mapped)
    } else if NAT64.contains(&ip) {
        Some(Ipv4Addr::new(o[12], o[13], o[14], o[15]))
    } else if SIX_TO_FOUR.contains(&ip) {
        Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(s: &str) -> Reach {
        classify(s.parse().unwrap())
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "93.184.215.14",
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.169.0.1",
            "2a00:1450:4007:80e::200e",
            "2606:4700::1111",
            "2002:5db8:d70e::1", // 6to4 of a public address
            "64:ff9b::808:808",  // NAT64 of 8.8.8.8
        ] {
            assert_eq!(reach(ip), Reach::Public, "{ip}");
        }
    }

    #[test]
    fn every_internal_range_is_internal() {
        for ip in [
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "198.18.0.1",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "64:ff9b:1::a",
        ] {
            assert_eq!(reach(ip), Reach::Internal, "{ip}");
        }
    }

    #[test]
    fn ipv6_forms_of_ipv4_are_judged_by_the_ipv4_address() {
        for (ip, expected) in [
            ("::ffff:127.0.0.1", Reach::Internal),
            ("::ffff:10.0.0.1", Reach::Internal),
            ("::ffff:192.168.0.1", Reach::Internal),
            ("::ffff:169.254.169.254", Reach::Forbidden),
            ("::ffff:0.0.0.0", Reach::Forbidden),
            ("::ffff:93.184.215.14", Reach::Public),
            ("64:ff9b::7f00:1", Reach::Internal),
            ("64:ff9b::a9fe:a9fe", Reach::Forbidden),
            ("2002:7f00:1::1", Reach::Internal),
            ("2002:a00:1::", Reach::Internal),
        ] {
            assert_eq!(reach(ip), expected, "{ip}");
        }
    }

    #[test]
    fn never_reachable_whatever_the_settings() {
        for ip in [
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "240.0.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "169.254.169.254",
            "169.254.170.2",
            "100.100.100.200",
            "::",
            "::7f00:1",
            "fd00:ec2::254",
            "ff02::1",
            "ff05::1:3",
            "2001:db8::1",
            "2001::1",
            "100::1",
        ] {
            assert_eq!(reach(ip), Reach::Forbidden, "{ip}");
        }
    }
}
