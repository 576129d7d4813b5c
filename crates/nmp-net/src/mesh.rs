//! [`Mesh`]: the handle to a running libp2p swarm, and [`Inbound`]: what peers ask of us.

mod driver;
#[cfg(test)]
mod hostile;
#[cfg(test)]
mod origins;
mod providers;
mod stats;

use std::collections::HashSet;

use libp2p::identity::Keypair;
use libp2p::kad::RecordKey;
use libp2p::multihash::Multihash;
use libp2p::request_response::ResponseChannel;
use libp2p::{Multiaddr, PeerId};
use nmp_wire::pb;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot, watch};

pub use self::providers::MAX_LOOKUP_PROVIDERS;
pub use self::stats::{QueryCounts, Stats};

use crate::config::Config;
use crate::error::Error;
use crate::info::InfoRequest;
use crate::logic::{self, LogicResponses, LogicStream};

/// A request from the handle to the swarm task; each carries its own reply channel.
#[derive(Debug)]
pub(crate) enum Command {
    ListenAddrs(oneshot::Sender<Vec<Multiaddr>>),
    Dial(Multiaddr, oneshot::Sender<Result<PeerId, Error>>),
    Provide(RecordKey, oneshot::Sender<Result<(), Error>>),
    FindProviders(RecordKey, oneshot::Sender<Vec<PeerId>>),
    FindPeer(PeerId, oneshot::Sender<bool>),
    Stats(oneshot::Sender<Stats>),
    Describe(
        PeerId,
        oneshot::Sender<Result<pb::SignedCapabilityDocument, Error>>,
    ),
    Respond {
        channel: ResponseChannel<pb::SignedCapabilityDocument>,
        document: pb::SignedCapabilityDocument,
    },
}

/// One thing a peer asks of this node.
#[derive(Debug)]
#[non_exhaustive]
pub enum Incoming {
    /// A `/nmp/info/1` describe request.
    Info(InfoRequest),
    /// A `/nmp/logic/1` stream with its request already read.
    Logic(Box<LogicStream>),
}

/// The node side's queue of [`Incoming`] requests, bounded by [`Config::inbound_queue`].
///
/// While it is full, new requests are refused or reset rather than queued. Dropping it makes
/// the mesh refuse every inbound request.
#[derive(Debug)]
pub struct Inbound {
    receiver: mpsc::Receiver<Incoming>,
}

impl Inbound {
    /// The next inbound request; `None` once the mesh has shut down. Cancel-safe.
    pub async fn next(&mut self) -> Option<Incoming> {
        self.receiver.recv().await
    }
}

/// A handle to one running mesh node; cheap to clone.
///
/// The swarm runs in a spawned tokio task that stops when every handle (and every pending
/// [`InfoRequest`]) is gone. Every method fails with [`Error::Shutdown`] once it has stopped.
#[derive(Clone)]
pub struct Mesh {
    peer_id: PeerId,
    commands: mpsc::Sender<Command>,
    streams: libp2p_stream::Control,
    config: Config,
}

impl std::fmt::Debug for Mesh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mesh")
            .field("peer_id", &self.peer_id)
            .finish_non_exhaustive()
    }
}

impl Mesh {
    /// Starts a mesh node with identity `keypair`: binds every [`Config::listen`] address,
    /// waits until each reports its address, dials the bootstrap peers and spawns the swarm.
    /// Kademlia bootstraps by itself (a lookup of this node's id, then one per bucket to
    /// refresh) half a second after its routing table last gained a peer while it held fewer
    /// than 20, and every 5 minutes after that.
    ///
    /// Fails with [`Error::InvalidConfig`] when a queue, stream, connection or frame limit, the
    /// request timeout or the query timeout is zero, and
    /// otherwise when a transport cannot be built, an address cannot be bound or reports nothing
    /// within [`Config::request_timeout`], or a bootstrap address lacks its peer id. Must be
    /// called inside a tokio runtime.
    pub async fn bind(keypair: Keypair, config: Config) -> Result<(Self, Inbound), Error> {
        config.validate()?;
        let peer_id = keypair.public().to_peer_id();
        let (inbound_tx, receiver) = mpsc::channel(config.inbound_queue);
        let (commands, command_rx) = mpsc::channel(config.command_queue);
        let (connected_tx, connected) = watch::channel(HashSet::new());
        let channels = driver::Channels {
            commands: command_rx,
            handles: &commands,
            inbound: &inbound_tx,
            connected: connected_tx,
        };
        let (streams, accepted) = driver::start(keypair, &config, channels).await?;
        tokio::spawn(logic::accept(
            accepted,
            inbound_tx,
            connected,
            config.clone(),
        ));
        let mesh = Self {
            peer_id,
            commands,
            streams,
            config,
        };
        Ok((mesh, Inbound { receiver }))
    }

    /// This node's peer id.
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    /// The addresses this node listens on, one or more per configured listener.
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, Error> {
        self.ask(Command::ListenAddrs).await
    }

    /// Dials `addr` and waits for the connection; returns the remote peer id.
    ///
    /// Fails with [`Error::Dial`] when the address is unreachable, the handshake fails, or a
    /// connection limit denies it.
    pub async fn dial(&self, addr: Multiaddr) -> Result<PeerId, Error> {
        self.ask(|reply| Command::Dial(addr, reply)).await?
    }

    /// Announces that this node serves `capability`: a Kademlia provider record under the
    /// multihash of `sha256("nmp/v1/cap/" + capability)` (see `docs/protocol.md`),
    /// republished every [`Config::provider_republish`].
    ///
    /// Fails with [`Error::Provide`] when no peer accepted the record within
    /// [`Config::query_timeout`]; the local record stays and is republished.
    pub async fn provide(&self, capability: &str) -> Result<(), Error> {
        let key = capability_key(capability)?;
        self.ask(|reply| Command::Provide(key, reply)).await?
    }

    /// Looks `capability` up in the DHT and returns the peers that provide it.
    ///
    /// Fails with [`Error::CapabilityTooLong`] past
    /// [`nmp_wire::limits::MAX_CAPABILITY_BYTES`], as does [`Mesh::provide`].
    ///
    /// Ends when the query completes, after [`Config::query_timeout`], once
    /// [`Config::lookup_quorum`] record holders in a row have named no provider it had not
    /// heard of, or once it has [`MAX_LOOKUP_PROVIDERS`] distinct peers, returning whatever was
    /// found by then (possibly nothing; never more than the bound). The addresses the query
    /// learnt for the providers are kept (libp2p's cache of the 100 peers heard of last, 8
    /// addresses each), so a [`Mesh::describe`] or [`Mesh::open_logic`] that follows dials them
    /// without another lookup.
    pub async fn find_providers(&self, capability: &str) -> Result<Vec<PeerId>, Error> {
        let key = capability_key(capability)?;
        self.ask(|reply| Command::FindProviders(key, reply)).await
    }

    /// Looks `peer` up in the DHT (a Kademlia closest-peers query for its id) and remembers
    /// the addresses found, so it can then be reached by its PeerId alone. The addresses held
    /// for it before are forgotten first (the lookup is for a peer they no longer reach, such
    /// as a node restarted on its key at another port). Returns whether the peer was found;
    /// ends after [`Config::query_timeout`] at the latest.
    pub async fn find_peer(&self, peer: PeerId) -> Result<bool, Error> {
        self.ask(|reply| Command::FindPeer(peer, reply)).await
    }

    /// Asks `peer` for its signed capability document over `/nmp/info/1`.
    ///
    /// The signature is not checked here: callers verify it against `peer` before trusting
    /// anything in it. Fails with [`Error::Describe`] when the peer is unreachable, does not
    /// answer within [`Config::request_timeout`] or sends a malformed frame.
    pub async fn describe(&self, peer: PeerId) -> Result<pb::SignedCapabilityDocument, Error> {
        self.ask(|reply| Command::Describe(peer, reply)).await?
    }

    /// What this node's discovery has cost since it started: Kademlia queries and their
    /// requests by kind, requests served, connections, describe requests (see [`Stats`]).
    pub async fn stats(&self) -> Result<Stats, Error> {
        self.ask(Command::Stats).await
    }

    /// Opens a `/nmp/logic/1` stream to `peer`, sends `request` and returns the responses.
    ///
    /// Opening and writing the request must finish within [`Config::request_timeout`], or this
    /// fails with [`Error::Timeout`]; reading the responses has no deadline here, since jobs
    /// differ in length: wrap the stream in your own. Dropping the returned
    /// [`LogicResponses`] before its end sends a `Cancel` frame, which tells the node to cancel
    /// the job.
    pub async fn open_logic(
        &self,
        peer: PeerId,
        request: &pb::LogicRequest,
    ) -> Result<LogicResponses, Error> {
        let open = logic::open(
            self.streams.clone(),
            peer,
            request,
            self.config.max_frame_bytes,
            self.config.request_timeout,
        );
        tokio::time::timeout(self.config.request_timeout, open)
            .await
            .map_err(|_| Error::Timeout)?
    }

    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, Error> {
        let (reply, response) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| Error::Shutdown)?;
        response.await.map_err(|_| Error::Shutdown)
    }
}

/// The multihash code of SHA-256 (`0x12`); its digest length is 32 (`0x20`).
const SHA2_256: u64 = 0x12;

/// The DHT key of `capability`: the multihash of `sha256("nmp/v1/cap/" + capability)`, that is
/// `0x12 0x20` followed by the digest (34 bytes). It is the multihash inside the CIDv1 (`raw`,
/// sha2-256) of the same bytes, so js-libp2p's `findProviders(cid)` and `provide(cid)` use the
/// same key; `docs/protocol.md` has a worked example.
///
/// Fails with [`Error::CapabilityTooLong`] past [`nmp_wire::limits::MAX_CAPABILITY_BYTES`].
pub(crate) fn capability_key(capability: &str) -> Result<RecordKey, Error> {
    if capability.len() > nmp_wire::limits::MAX_CAPABILITY_BYTES {
        return Err(Error::CapabilityTooLong(capability.len()));
    }
    let digest = Sha256::digest(format!("nmp/v1/cap/{capability}"));
    let multihash = Multihash::<32>::wrap(SHA2_256, &digest)
        .expect("a SHA-256 digest fits a 32-byte multihash");
    Ok(RecordKey::new(&multihash.to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of `docs/protocol.md` ("Discovery"): the TypeScript SDK tests the same.
    #[test]
    fn capability_key_is_the_multihash_of_the_digest() {
        let hex = |capability| -> String {
            let key = capability_key(capability).unwrap();
            key.as_ref().iter().map(|b| format!("{b:02x}")).collect()
        };
        assert_eq!(
            hex("demo.hospital/patients"),
            "122072fedc2d2badbb6fd9347b70904a6b8c2e7e383a5ba9b644fd8ffb9488fb315d"
        );
        assert_eq!(
            hex(""),
            "122019fe720deea25b011b39124e7fe7fc6f3713ebdf315114fc41d611693108f2ac"
        );
    }

    #[test]
    fn capability_key_refuses_a_name_past_the_limit() {
        let limit = nmp_wire::limits::MAX_CAPABILITY_BYTES;
        assert!(capability_key(&"a".repeat(limit)).is_ok());
        assert!(matches!(
            capability_key(&"a".repeat(limit + 1)),
            Err(Error::CapabilityTooLong(n)) if n == limit + 1
        ));
    }
}
