//! `http.trusted_proxies`: which peers may tell us the client's address (read by
//! `http::client_addr`).

use std::{fmt, net::IpAddr, str::FromStr};

use ipnet::IpNet;
use serde::{de, Deserialize, Deserializer};

/// The networks of our own reverse proxies and load balancers. Empty by default: the peer
/// address is the client, whatever the headers say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub(crate) Vec<IpNet>);

impl TrustedProxies {
    /// A list of CIDR blocks or single addresses, separated by commas or spaces:
    /// `10.0.0.0/8, 192.0.2.7, fd00::/8`.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                IpNet::from_str(s)
                    .or_else(|_| IpAddr::from_str(s).map(IpNet::from))
                    .map_err(|_| format!("{s:?} is neither an address nor a CIDR block"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// From a list (`["10.0.0.0/8"]` in a file) or one string (`"10.0.0.0/8,127.0.0.1"`, as an
/// environment variable gives it).
impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let joined = match Raw::deserialize(deserializer)? {
            Raw::One(s) => s,
            Raw::Many(list) => list.join(","),
        };
        TrustedProxies::parse(&joined).map_err(de::Error::custom)
    }
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&list.join(", "))
    }
}
