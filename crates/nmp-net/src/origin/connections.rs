//! The mesh's count of open inbound connections per [`Origin`]: a small `NetworkBehaviour` that
//! denies an inbound connection past the per-origin cap.

use std::collections::HashMap;
use std::convert::Infallible;
use std::task::{Context, Poll};

use libp2p::core::transport::PortUse;
use libp2p::core::{ConnectedPoint, Endpoint};
use libp2p::swarm::{
    ConnectionClosed, ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler,
    THandlerInEvent, THandlerOutEvent, ToSwarm, behaviour::ConnectionEstablished, dummy,
};
use libp2p::{Multiaddr, PeerId};

use super::Origin;

/// An inbound connection refused because its origin already has `limit` open.
#[derive(Debug, thiserror::Error)]
#[error("{origin} already has {limit} inbound connections open")]
struct OriginFull {
    origin: Origin,
    limit: u32,
}

/// Open inbound connections by id, and their count per origin.
#[derive(Debug, Default)]
struct Table {
    connections: HashMap<ConnectionId, Origin>,
    inbound: HashMap<Origin, u32>,
}

/// Denies an inbound connection whose origin already has `max_per_origin` inbound connections
/// open (at the start of its handshake and again once established).
#[derive(Debug)]
pub(crate) struct Behaviour {
    table: Table,
    max_per_origin: u32,
}

impl Behaviour {
    pub(crate) fn new(max_per_origin: u32) -> Self {
        Self {
            table: Table::default(),
            max_per_origin,
        }
    }

    fn admit(&self, remote: &Multiaddr) -> Result<(), ConnectionDenied> {
        let origin = Origin::from_multiaddr(remote);
        let open = self.table.inbound.get(&origin).copied().unwrap_or(0);
        if open >= self.max_per_origin {
            return Err(ConnectionDenied::new(OriginFull {
                origin,
                limit: self.max_per_origin,
            }));
        }
        Ok(())
    }

    fn established(&mut self, event: &ConnectionEstablished<'_>) {
        let ConnectedPoint::Listener { send_back_addr, .. } = &event.endpoint else {
            return;
        };
        let origin = Origin::from_multiaddr(send_back_addr);
        self.table.connections.insert(event.connection_id, origin);
        *self.table.inbound.entry(origin).or_default() += 1;
    }

    fn closed(&mut self, connection: ConnectionId) {
        let Some(origin) = self.table.connections.remove(&connection) else {
            return;
        };
        if let Some(count) = self.table.inbound.get_mut(&origin) {
            *count -= 1;
            if *count == 0 {
                self.table.inbound.remove(&origin);
            }
        }
    }
}

impl NetworkBehaviour for Behaviour {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        self.admit(remote)
    }

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.admit(remote)?;
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            FromSwarm::ConnectionEstablished(established) => self.established(&established),
            FromSwarm::ConnectionClosed(ConnectionClosed { connection_id, .. }) => {
                self.closed(connection_id);
            }
            _ => {}
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn inbound(behaviour: &mut Behaviour, id: ConnectionId, peer: PeerId, remote: &Multiaddr) {
        let local: Multiaddr = "/ip4/127.0.0.1/tcp/1".parse().unwrap();
        behaviour
            .handle_pending_inbound_connection(id, &local, remote)
            .unwrap();
        behaviour
            .handle_established_inbound_connection(id, peer, &local, remote)
            .unwrap();
        let endpoint = ConnectedPoint::Listener {
            local_addr: local,
            send_back_addr: remote.clone(),
        };
        behaviour.on_swarm_event(FromSwarm::ConnectionEstablished(ConnectionEstablished {
            peer_id: peer,
            connection_id: id,
            endpoint: &endpoint,
            failed_addresses: &[],
            other_established: 0,
        }));
    }

    #[test]
    fn the_cap_counts_inbound_connections_per_origin_and_frees_on_close() {
        let mut behaviour = Behaviour::new(2);
        let home: Multiaddr = "/ip4/192.0.2.1/tcp/5000".parse().unwrap();
        let other_port: Multiaddr = "/ip4/192.0.2.1/udp/6000/quic-v1".parse().unwrap();
        let elsewhere: Multiaddr = "/ip4/192.0.2.2/tcp/5000".parse().unwrap();
        let (a, b) = (PeerId::random(), PeerId::random());
        inbound(&mut behaviour, ConnectionId::new_unchecked(1), a, &home);
        inbound(
            &mut behaviour,
            ConnectionId::new_unchecked(2),
            b,
            &other_port,
        );
        let local: Multiaddr = "/ip4/127.0.0.1/tcp/1".parse().unwrap();
        let third = ConnectionId::new_unchecked(3);
        assert!(
            behaviour
                .handle_pending_inbound_connection(third, &local, &home)
                .is_err()
        );
        assert!(
            behaviour
                .handle_established_inbound_connection(third, PeerId::random(), &local, &home)
                .is_err()
        );
        inbound(&mut behaviour, third, PeerId::random(), &elsewhere);
        assert_eq!(
            behaviour.table.inbound.get(&Origin::from_multiaddr(&home)),
            Some(&2)
        );

        behaviour.closed(ConnectionId::new_unchecked(1));
        assert_eq!(
            behaviour.table.inbound.get(&Origin::from_multiaddr(&home)),
            Some(&1)
        );
        assert!(
            behaviour
                .handle_pending_inbound_connection(ConnectionId::new_unchecked(4), &local, &home)
                .is_ok()
        );
    }
}
