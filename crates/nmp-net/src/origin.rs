//! [`Origin`]: where a request comes from, as the node's per-origin limits count it. One rule
//! for every face: the mesh derives it from a connection's remote address, the gRPC face from
//! its TCP peer address.

mod connections;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libp2p::Multiaddr;
use libp2p::multiaddr::Protocol;

pub(crate) use connections::Behaviour;

/// The network a request came from: an IPv4 address, or the /64 prefix of an IPv6 address.
///
/// An identity (a libp2p PeerId, an agent key) costs nothing to make, and so does a new
/// connection; an address costs more. IPv6 is keyed by its /64 because one host or home network
/// is normally given a whole /64 and can use any address in it. An IPv4-mapped IPv6 address
/// (`::ffff:a.b.c.d`) counts as its IPv4 address. A connection whose address has no IP (none of
/// the node's transports makes one) counts as [`Origin::UNKNOWN`], one origin shared by all such
/// connections: the stricter choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin(IpAddr);

/// The /64 network prefix of an IPv6 address.
const V6_PREFIX_MASK: u128 = !0 << 64;

impl Origin {
    /// The origin of connections without an IP address: `0.0.0.0`.
    pub const UNKNOWN: Self = Self(IpAddr::V4(Ipv4Addr::UNSPECIFIED));

    /// The origin of a peer at `ip`: the address itself for IPv4 (and IPv4-mapped IPv6), its /64
    /// prefix for IPv6.
    pub const fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => Self(IpAddr::V6(Ipv6Addr::from_bits(
                    v6.to_bits() & V6_PREFIX_MASK,
                ))),
            },
        }
    }

    /// The origin of a connection whose remote address is `addr`: its first IP component, or
    /// [`Origin::UNKNOWN`] when it has none.
    pub fn from_multiaddr(addr: &Multiaddr) -> Self {
        addr.iter()
            .find_map(|protocol| match protocol {
                Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
                Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
                _ => None,
            })
            .map_or(Self::UNKNOWN, Self::from_ip)
    }

    /// The address (IPv4) or network prefix (IPv6, host bits zero) that names this origin.
    pub fn ip(&self) -> IpAddr {
        self.0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_is_keyed_by_address_and_ipv6_by_its_64_prefix() {
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert_ne!(Origin::from_ip(a), Origin::from_ip(b));
        let host1: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let host2: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let next: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Origin::from_ip(host1), Origin::from_ip(host2));
        assert_ne!(Origin::from_ip(host1), Origin::from_ip(next));
        assert_eq!(Origin::from_ip(host1).to_string(), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(Origin::from_ip(mapped), Origin::from_ip(a));
        assert_eq!(Origin::from_ip(a).to_string(), "192.0.2.1");
    }

    #[test]
    fn a_multiaddr_gives_its_ip_or_the_unknown_origin() {
        let tcp: Multiaddr = "/ip4/127.0.0.1/tcp/4001".parse().unwrap();
        let quic: Multiaddr = "/ip6/2001:db8::7/udp/1/quic-v1".parse().unwrap();
        let memory: Multiaddr = "/memory/5".parse().unwrap();
        assert_eq!(
            Origin::from_multiaddr(&tcp),
            Origin::from_ip(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        assert_eq!(Origin::from_multiaddr(&quic).to_string(), "2001:db8::/64");
        assert_eq!(Origin::from_multiaddr(&memory), Origin::UNKNOWN);
    }
}
