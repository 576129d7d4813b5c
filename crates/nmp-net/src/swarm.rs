//! Builds the libp2p swarm: transports, and the behaviours every NMP node runs.

use libp2p::connection_limits::{self, ConnectionLimits};
use libp2p::identity::Keypair;
use libp2p::kad::{self, store::MemoryStore};
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{StreamProtocol, Swarm, identify, noise, ping, tcp, yamux};

use crate::config::Config;
use crate::error::Error;
use crate::{info, origin};

/// The Kademlia protocol name of the NMP DHT, kept apart from the public IPFS DHT.
pub const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/nmp/kad/1.0.0");

/// The identify protocol version string NMP nodes announce.
const IDENTIFY_VERSION: &str = "/nmp/1";

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
}

/// Builds the swarm over TCP, QUIC and WebSocket (each with Noise and Yamux where needed).
pub(crate) async fn build(keypair: Keypair, config: &Config) -> Result<Swarm<Behaviour>, Error> {
    let transport = |err| Error::Transport(Box::new(err));
    let swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(transport)?
        .with_quic()
        .with_dns()
        .map_err(|err| Error::Transport(Box::new(err)))?
        .with_websocket(noise::Config::new, yamux::Config::default)
        .await
        .map_err(|err| Error::Transport(Box::new(err)))?
        .with_behaviour(|key| behaviour(key, config))
        .map_err(|err| Error::Transport(Box::new(err)))?
        .with_swarm_config(|swarm| swarm.with_idle_connection_timeout(config.idle_timeout))
        .build();
    Ok(swarm)
}

fn behaviour(key: &Keypair, config: &Config) -> Behaviour {
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
    }
}
