//! Builds the libp2p swarm: transports, and the behaviours every NMP node runs.

use libp2p::connection_limits::{self, ConnectionLimits};
use libp2p::identity::Keypair;
use libp2p::kad::{self, store::MemoryStore};
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{StreamProtocol, Swarm, identify, noise, ping, tcp, yamux};
use tokio::sync::mpsc;

use crate::config::Config;
use crate::error::Error;
use crate::logic::{self, Accepted};
use crate::{info, origin};

/// The Kademlia protocol name of the NMP DHT, kept apart from the public IPFS DHT.
pub const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/nmp/kad/1.0.0");

/// The identify protocol version string NMP nodes announce.
const IDENTIFY_VERSION: &str = "/nmp/1";

/// The largest Yamux DATA frame body rust-yamux accepts (its `MAX_FRAME_BODY_LEN`): 1 MiB. A
/// larger frame fails the whole connection (`FrameTooLarge`).
const YAMUX_MAX_FRAME_BODY: usize = 1024 * 1024;

/// The receive window every Yamux stream starts with (the spec's 256 KiB).
const YAMUX_STREAM_CREDIT: usize = 256 * 1024;

/// rust-yamux's receive-window budget per connection (1 GiB), which `libp2p-yamux` does not let
/// us change.
const YAMUX_CONNECTION_WINDOW: usize = 1024 * 1024 * 1024;

/// The Yamux stream cap that keeps every stream's receive window at or below
/// [`YAMUX_MAX_FRAME_BODY`]: 4093.
///
/// rust-yamux grows a stream's receive window past its initial 256 KiB only out of the part of
/// the connection budget not reserved for the streams' initial windows, that is
/// `1 GiB - max_num_streams × 256 KiB`. With 4093 streams that part is 768 KiB, shared by all
/// streams of the connection, so no window ever exceeds 256 KiB + 768 KiB = 1 MiB. A peer that
/// honours flow control (js yamux writes DATA frames as large as its send window) therefore never
/// sends a frame the node refuses. The number of streams a peer can really hold is bounded far
/// lower by libp2p (256 buffered inbound streams, 128 negotiating, and each protocol's own
/// limits), so raising yamux's nominal cap from 512 adds no memory: the bytes a peer can make the
/// node buffer stay 256 KiB per live stream plus the 768 KiB shared.
const YAMUX_MAX_STREAMS: usize =
    (YAMUX_CONNECTION_WINDOW - (YAMUX_MAX_FRAME_BODY - YAMUX_STREAM_CREDIT)) / YAMUX_STREAM_CREDIT;

/// The Yamux configuration of every TCP and WebSocket connection (see [`YAMUX_MAX_STREAMS`]).
fn yamux_config() -> yamux::Config {
    let mut config = yamux::Config::default();
    config.set_max_num_streams(YAMUX_MAX_STREAMS);
    config
}

/// Every behaviour of an NMP node, composed.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    pub(crate) limits: connection_limits::Behaviour,
    pub(crate) origins: origin::Behaviour,
    pub(crate) identify: identify::Behaviour,
    pub(crate) ping: ping::Behaviour,
    pub(crate) kad: kad::Behaviour<MemoryStore>,
    pub(crate) info: request_response::Behaviour<info::Codec>,
    pub(crate) stream: libp2p_stream::Behaviour,
    pub(crate) logic: logic::Listener,
}

/// Builds the swarm over TCP, QUIC and WebSocket (each with Noise and Yamux where needed);
/// inbound `/nmp/logic/1` streams go into `accepted`.
pub(crate) async fn build(
    keypair: Keypair,
    config: &Config,
    accepted: mpsc::Sender<Accepted>,
) -> Result<Swarm<Behaviour>, Error> {
    let transport = |err| Error::Transport(Box::new(err));
    let swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux_config,
        )
        .map_err(transport)?
        .with_quic()
        .with_dns()
        .map_err(|err| Error::Transport(Box::new(err)))?
        .with_websocket(noise::Config::new, yamux_config)
        .await
        .map_err(|err| Error::Transport(Box::new(err)))?
        .with_behaviour(|key| behaviour(key, config, accepted))
        .map_err(|err| Error::Transport(Box::new(err)))?
        .with_swarm_config(|swarm| swarm.with_idle_connection_timeout(config.idle_timeout))
        .build();
    Ok(swarm)
}

fn behaviour(key: &Keypair, config: &Config, accepted: mpsc::Sender<Accepted>) -> Behaviour {
    let peer_id = key.public().to_peer_id();
    let limits = ConnectionLimits::default()
        .with_max_established_per_peer(Some(config.max_connections_per_peer))
        .with_max_established(Some(config.max_connections))
        .with_max_pending_incoming(Some(config.max_pending_incoming));
    let mut kad_config = kad::Config::new(KAD_PROTOCOL);
    kad_config
        .set_provider_publication_interval(Some(config.provider_republish))
        .set_provider_record_ttl(Some(config.provider_ttl))
        .set_query_timeout(config.query_timeout);
    let mut kad = kad::Behaviour::with_config(peer_id, MemoryStore::new(peer_id), kad_config);
    // Clients and loopback peers are never auto-detected as servers; every NMP node answers.
    kad.set_mode(Some(kad::Mode::Server));
    let info = request_response::Behaviour::with_codec(
        info::Codec {
            max_frame_bytes: config.max_frame_bytes,
        },
        [(info::PROTOCOL, ProtocolSupport::Full)],
        request_response::Config::default()
            .with_request_timeout(config.request_timeout)
            .with_max_concurrent_streams(config.max_info_streams),
    );
    Behaviour {
        limits: connection_limits::Behaviour::new(limits),
        origins: origin::Behaviour::new(config.max_connections_per_origin),
        identify: identify::Behaviour::new(identify::Config::new(
            IDENTIFY_VERSION.to_owned(),
            key.public(),
        )),
        ping: ping::Behaviour::default(),
        kad,
        info,
        stream: libp2p_stream::Behaviour::new(),
        logic: logic::Listener::new(logic::PROTOCOL, accepted),
    }
}
