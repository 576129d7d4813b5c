//! A bootstrap peer on the loopback interface and its dial addresses.

use nmp_net::{Config, Inbound, Keypair, Mesh, Multiaddr};

/// One libp2p transport a test listens on or dials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TCP.
    Tcp,
    /// QUIC v1.
    Quic,
    /// WebSocket over TCP.
    Ws,
}

impl Transport {
    /// The listen address at an ephemeral loopback port.
    pub fn listen(self) -> &'static str {
        match self {
            Self::Tcp => "/ip4/127.0.0.1/tcp/0",
            Self::Quic => "/ip4/127.0.0.1/udp/0/quic-v1",
            Self::Ws => "/ip4/127.0.0.1/tcp/0/ws",
        }
    }

    /// Its key in a node file's `[listen]` section.
    pub fn key(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Quic => "quic",
            Self::Ws => "ws",
        }
    }

    /// Whether `addr` is an address on this transport.
    pub fn matches(self, addr: &Multiaddr) -> bool {
        let text = addr.to_string();
        match self {
            Self::Tcp => text.contains("/tcp/") && !text.contains("/ws"),
            Self::Quic => text.contains("/quic-v1"),
            Self::Ws => text.contains("/ws"),
        }
    }
}

/// A bootstrap peer listening on every transport ([`Config::loopback`]), with its queue of
/// inbound requests (keep it alive as long as the peer should answer).
pub async fn bootstrap() -> (Mesh, Inbound) {
    Mesh::bind(Keypair::generate_ed25519(), Config::loopback())
        .await
        .expect("bootstrap binds")
}

/// `mesh`'s address on `transport`, ending in `/p2p/<peer id>`.
pub async fn address(mesh: &Mesh, transport: Transport) -> Multiaddr {
    let addr = mesh
        .listen_addrs()
        .await
        .expect("mesh running")
        .into_iter()
        .find(|a| transport.matches(a))
        .expect("a listener on the transport");
    format!("{addr}/p2p/{}", mesh.peer_id())
        .parse()
        .expect("multiaddr")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_bootstrap_peer_is_reachable_on_every_transport() {
        let (mesh, _inbound) = bootstrap().await;
        for transport in [Transport::Tcp, Transport::Quic, Transport::Ws] {
            let addr = address(&mesh, transport).await;
            assert!(transport.matches(&addr), "{addr}");
            assert!(addr.to_string().starts_with("/ip4/127.0.0.1/"));
            assert!(
                addr.to_string()
                    .ends_with(&format!("/p2p/{}", mesh.peer_id()))
            );
        }
    }
}
