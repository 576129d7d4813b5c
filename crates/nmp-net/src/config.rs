//! [`Config`]: every knob and limit of a mesh node, with its default.

use std::time::Duration;

use libp2p::Multiaddr;

use crate::budget::Budget;
use crate::error::Error;

/// How a [`Mesh`](crate::Mesh) listens, whom it bootstraps from, and every limit it enforces.
///
/// [`Mesh::bind`](crate::Mesh::bind) refuses a config whose queue, stream or frame limits are
/// zero. `Config::default()` listens on nothing; tests and nodes set [`Config::listen`] (for example
/// [`Config::loopback`]). Every limit below is enforced, and what happens at the limit is
/// stated on the field.
#[derive(Debug, Clone)]
pub struct Config {
    /// Addresses to listen on: TCP (`/ip4/…/tcp/N`), QUIC (`/ip4/…/udp/N/quic-v1`) and
    /// WebSocket (`/ip4/…/tcp/N/ws`). Defaults to none.
    pub listen: Vec<Multiaddr>,
    /// Bootstrap peers, each a full address ending in `/p2p/<peer id>`. They seed the
    /// Kademlia routing table and are dialled at start. Defaults to none.
    pub bootstrap: Vec<Multiaddr>,
    /// Established connections allowed per peer; further ones are denied. Defaults to 2.
    pub max_connections_per_peer: u32,
    /// Established connections allowed in total; further ones are denied. Defaults to 256.
    pub max_connections: u32,
    /// Established inbound connections allowed per [`Origin`](crate::Origin) (an IPv4 address,
    /// an IPv6 /64), whatever peer ids they authenticate as; further ones are denied, during
    /// their handshake when the count is already reached then. Defaults to 64, a quarter of
    /// [`Config::max_connections`]: room for many agents behind one NAT, while four addresses
    /// are needed to take every connection.
    pub max_connections_per_origin: u32,
    /// Incoming connections still in their handshake; further ones are denied. Defaults to 64.
    pub max_pending_incoming: u32,
    /// How long a connection with no open stream stays up. Defaults to 30 s.
    pub idle_timeout: Duration,
    /// Deadline for one `/nmp/info/1` exchange and for reading the request of a
    /// `/nmp/logic/1` stream; a peer slower than this gets an error or a reset. Defaults to 10 s.
    pub request_timeout: Duration,
    /// Concurrent inbound `/nmp/info/1` streams per connection; further ones are refused.
    /// Defaults to 16.
    pub max_info_streams: usize,
    /// Concurrent inbound `/nmp/logic/1` streams per peer; a further one is answered
    /// `ERROR_CODE_OVERLOADED` at once without its request being read (reset instead while
    /// [`MAX_REFUSALS`](crate::MAX_REFUSALS) refusals are in flight).
    /// Defaults to 8.
    pub max_logic_streams_per_peer: usize,
    /// Largest frame read or written on any stream; larger ones fail with
    /// [`FrameError::TooLarge`](crate::FrameError::TooLarge) and reset the stream. Defaults to
    /// [`nmp_wire::limits::MAX_FRAME_BYTES`] (24 MiB).
    pub max_frame_bytes: usize,
    /// The inbound byte budget `/nmp/logic/1` request frames are charged to as they arrive
    /// (see [`Budget`]); a node shares it with its gRPC face. A request whose next bytes the
    /// budget (or its origin's share) refuses is answered `ERROR_CODE_OVERLOADED` at once. The
    /// charge is released when the request ends. Defaults to [`Budget::default`]: 256 MiB in
    /// all, 64 MiB per origin.
    pub inbound_budget: Budget,
    /// Capacity of the inbound queue handed to the node, and of the queue of negotiated logic
    /// streams before their requests are read; when the first is full, new requests are refused
    /// (info) or answered `ERROR_CODE_OVERLOADED` (logic) rather than queued, and a logic stream
    /// that finds the second full is reset. Defaults to 64.
    pub inbound_queue: usize,
    /// Capacity of the command queue from [`Mesh`](crate::Mesh) handles to the swarm task;
    /// callers wait when it is full. Defaults to 64.
    pub command_queue: usize,
    /// How often this node republishes its provider records. Defaults to 12 h (Kademlia's own
    /// default); records expire after [`Config::provider_ttl`].
    pub provider_republish: Duration,
    /// How long other peers keep a provider record of ours. Defaults to 48 h.
    pub provider_ttl: Duration,
    /// Deadline of one Kademlia query (provide or lookup). Defaults to 30 s.
    pub query_timeout: Duration,
    /// A provider lookup ends once this many record holders in a row have answered without
    /// naming a provider it had not heard of, rather than once the 20 peers closest to the
    /// key have all answered; 0 runs every lookup to the end of its Kademlia query. In a
    /// settled DHT every holder stores every provider's record, so the first holders agree;
    /// holders that disagree (records published while the mesh was forming) restart the count.
    /// Defaults to 3.
    pub lookup_quorum: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: Vec::new(),
            bootstrap: Vec::new(),
            max_connections_per_peer: 2,
            max_connections: 256,
            max_connections_per_origin: 64,
            max_pending_incoming: 64,
            idle_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
            max_info_streams: 16,
            max_logic_streams_per_peer: 8,
            max_frame_bytes: nmp_wire::limits::MAX_FRAME_BYTES,
            inbound_budget: Budget::default(),
            inbound_queue: 64,
            command_queue: 64,
            provider_republish: Duration::from_secs(12 * 60 * 60),
            provider_ttl: Duration::from_secs(48 * 60 * 60),
            query_timeout: Duration::from_secs(30),
            lookup_quorum: 3,
        }
    }
}

impl Config {
    /// Checks the fields that must be positive for the mesh to work at all (every queue,
    /// stream, connection and frame limit, the request and query timeouts), as
    /// [`Mesh::bind`](crate::Mesh::bind) does first; a caller that opens files before binding
    /// checks with this first.
    ///
    /// Fails with [`Error::InvalidConfig`] naming the first field that is zero.
    pub fn validate(&self) -> Result<(), Error> {
        let positive = [
            ("inbound_queue", self.inbound_queue),
            ("command_queue", self.command_queue),
            ("max_info_streams", self.max_info_streams),
            (
                "max_logic_streams_per_peer",
                self.max_logic_streams_per_peer,
            ),
            ("max_frame_bytes", self.max_frame_bytes),
            (
                "max_connections_per_origin",
                self.max_connections_per_origin as usize,
            ),
            // A node allowed no connection, or no time for a request, serves nobody.
            ("max_connections", self.max_connections as usize),
            (
                "max_connections_per_peer",
                self.max_connections_per_peer as usize,
            ),
            ("max_pending_incoming", self.max_pending_incoming as usize),
            (
                "request_timeout",
                usize::from(!self.request_timeout.is_zero()),
            ),
            ("query_timeout", usize::from(!self.query_timeout.is_zero())),
        ];
        match positive.into_iter().find(|(_, value)| *value == 0) {
            Some((name, _)) => Err(Error::InvalidConfig(name)),
            None => Ok(()),
        }
    }

    /// The defaults, listening on ephemeral 127.0.0.1 ports for TCP, QUIC and WebSocket.
    pub fn loopback() -> Self {
        let listen = [
            "/ip4/127.0.0.1/tcp/0",
            "/ip4/127.0.0.1/udp/0/quic-v1",
            "/ip4/127.0.0.1/tcp/0/ws",
        ]
        .iter()
        .map(|addr| addr.parse().expect("literal multiaddr is valid"))
        .collect();
        Self {
            listen,
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_limits_are_refused() {
        assert!(Config::default().validate().is_ok());
        let config = Config {
            inbound_queue: 0,
            ..Config::default()
        };
        assert!(matches!(
            config.validate(),
            Err(Error::InvalidConfig("inbound_queue"))
        ));
        let zero = |name: &'static str, config: Config| {
            assert!(
                matches!(config.validate(), Err(Error::InvalidConfig(n)) if n == name),
                "{name}"
            );
        };
        let base = Config::default;
        zero(
            "max_connections",
            Config {
                max_connections: 0,
                ..base()
            },
        );
        zero(
            "max_connections_per_peer",
            Config {
                max_connections_per_peer: 0,
                ..base()
            },
        );
        zero(
            "max_pending_incoming",
            Config {
                max_pending_incoming: 0,
                ..base()
            },
        );
        zero(
            "request_timeout",
            Config {
                request_timeout: Duration::ZERO,
                ..base()
            },
        );
        zero(
            "query_timeout",
            Config {
                query_timeout: Duration::ZERO,
                ..base()
            },
        );
        // One millisecond is at its boundary, and allowed.
        let short = Duration::from_millis(1);
        assert!(
            Config {
                request_timeout: short,
                query_timeout: short,
                ..base()
            }
            .validate()
            .is_ok()
        );
    }
}
