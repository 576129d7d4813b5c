//! The swarm side of inbound `/nmp/logic/1` streams: a `NetworkBehaviour` whose connection
//! handlers accept the protocol and put each negotiated stream, with its peer and the origin of
//! the connection it came on, straight into one bounded queue.
//!
//! `libp2p-stream`'s own acceptor hands streams over through a channel with room for one and
//! resets a stream that arrives while the previous one waits, so two requests opened in quick
//! succession lost one whenever the task taking them off was not scheduled in between. Here the
//! handler runs in the connection's own task and the queue holds [`Config::inbound_queue`]
//! streams across all connections; only past that is a stream reset.
//!
//! [`Config::inbound_queue`]: crate::Config::inbound_queue

use std::convert::Infallible;
use std::task::{Context, Poll};

use libp2p::core::Endpoint;
use libp2p::core::transport::PortUse;
use libp2p::core::upgrade::{DeniedUpgrade, ReadyUpgrade};
use libp2p::swarm::handler::{ConnectionEvent, FullyNegotiatedInbound};
use libp2p::swarm::{
    ConnectionDenied, ConnectionHandler, ConnectionHandlerEvent, ConnectionId, FromSwarm,
    NetworkBehaviour, SubstreamProtocol, THandler, THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::{Multiaddr, PeerId, Stream, StreamProtocol};
use tokio::sync::mpsc;

use crate::origin::Origin;

/// An inbound logic stream as the listener hands it over.
#[derive(Debug)]
pub(crate) struct Accepted {
    /// The peer that opened it.
    pub(crate) peer: PeerId,
    /// The origin of the connection it came on.
    pub(crate) origin: Origin,
    /// The negotiated stream.
    pub(crate) stream: Stream,
}

/// Accepts `protocol` on every connection and queues the streams into `queue`.
#[derive(Debug)]
pub(crate) struct Listener {
    protocol: StreamProtocol,
    queue: mpsc::Sender<Accepted>,
}

impl Listener {
    /// A listener for `protocol` feeding `queue`; a stream that finds `queue` full is reset.
    pub(crate) fn new(protocol: StreamProtocol, queue: mpsc::Sender<Accepted>) -> Self {
        Self { protocol, queue }
    }

    fn handler(&self, peer: PeerId, remote: &Multiaddr) -> Handler {
        Handler {
            protocol: self.protocol.clone(),
            peer,
            origin: Origin::from_multiaddr(remote),
            queue: self.queue.clone(),
        }
    }
}

impl NetworkBehaviour for Listener {
    type ConnectionHandler = Handler;
    type ToSwarm = Infallible;

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler(peer, remote))
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        remote: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler(peer, remote))
    }

    fn on_swarm_event(&mut self, _: FromSwarm) {}

    fn on_connection_handler_event(
        &mut self,
        _: PeerId,
        _: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

/// One connection's side of [`Listener`]: inbound only, never keeps the connection alive by
/// itself (a negotiated stream does while it is open).
#[derive(Debug)]
pub(crate) struct Handler {
    protocol: StreamProtocol,
    peer: PeerId,
    origin: Origin,
    queue: mpsc::Sender<Accepted>,
}

impl ConnectionHandler for Handler {
    type FromBehaviour = Infallible;
    type ToBehaviour = Infallible;
    type InboundProtocol = ReadyUpgrade<StreamProtocol>;
    type OutboundProtocol = DeniedUpgrade;
    type InboundOpenInfo = ();
    type OutboundOpenInfo = Infallible;

    fn listen_protocol(&self) -> SubstreamProtocol<Self::InboundProtocol, Self::InboundOpenInfo> {
        SubstreamProtocol::new(ReadyUpgrade::new(self.protocol.clone()), ())
    }

    fn poll(
        &mut self,
        _: &mut Context<'_>,
    ) -> Poll<
        ConnectionHandlerEvent<Self::OutboundProtocol, Self::OutboundOpenInfo, Self::ToBehaviour>,
    > {
        Poll::Pending
    }

    fn on_behaviour_event(&mut self, event: Self::FromBehaviour) {
        match event {}
    }

    fn on_connection_event(
        &mut self,
        event: ConnectionEvent<
            '_,
            Self::InboundProtocol,
            Self::OutboundProtocol,
            Self::InboundOpenInfo,
            Self::OutboundOpenInfo,
        >,
    ) {
        if let ConnectionEvent::FullyNegotiatedInbound(FullyNegotiatedInbound {
            protocol: stream,
            ..
        }) = event
        {
            let accepted = Accepted {
                peer: self.peer,
                origin: self.origin,
                stream,
            };
            // A full queue (the node is saturated) or a closed one (the mesh is shutting down)
            // drops the stream, which resets it.
            if self.queue.try_send(accepted).is_err() {
                tracing::debug!(peer = %self.peer, "inbound logic queue full; stream reset");
            }
        }
    }
}
