//! The swarm task: turns [`Command`]s into libp2p calls and swarm events into replies.

use std::collections::{HashMap, HashSet};

use futures::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::identity::Keypair;
use libp2p::kad::{self, GetProvidersOk, QueryId, QueryResult};
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, OutboundRequestId};
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{PeerId, Swarm, identify};
use nmp_wire::pb;
use tokio::sync::{mpsc, oneshot, watch};

use super::providers::{self, Lookup};
use super::stats::Stats;
use super::{Command, Incoming};
use crate::config::Config;
use crate::error::Error;
use crate::info::InfoRequest;
use crate::logic::Accepted;
use crate::swarm::{self, Behaviour, BehaviourEvent, KAD_PROTOCOL};

type Reply<T> = oneshot::Sender<T>;

/// The swarm and the replies it still owes.
struct Driver {
    swarm: Swarm<Behaviour>,
    commands: mpsc::WeakSender<Command>,
    inbound: mpsc::Sender<Incoming>,
    dials: HashMap<ConnectionId, Reply<Result<PeerId, Error>>>,
    provides: HashMap<QueryId, Reply<Result<(), Error>>>,
    lookups: HashMap<QueryId, Lookup>,
    /// [`Config::lookup_quorum`].
    lookup_quorum: usize,
    peer_lookups: HashMap<QueryId, (PeerId, Reply<bool>)>,
    describes:
        HashMap<OutboundRequestId, (PeerId, Reply<Result<pb::SignedCapabilityDocument, Error>>)>,
    connected: watch::Sender<HashSet<PeerId>>,
    stats: Stats,
}

/// The channels between the swarm task and the rest of the mesh.
pub(super) struct Channels<'a> {
    /// Commands from the [`Mesh`](super::Mesh) handles.
    pub(super) commands: mpsc::Receiver<Command>,
    /// The handles' sender, kept weakly so that describe requests can answer through it.
    pub(super) handles: &'a mpsc::Sender<Command>,
    /// The node side's queue of inbound requests.
    pub(super) inbound: &'a mpsc::Sender<Incoming>,
    /// The peers with at least one established connection, kept current by the swarm task.
    pub(super) connected: watch::Sender<HashSet<PeerId>>,
}

/// Builds and binds the swarm, then spawns its task; returns the stream control and the queue of
/// inbound `/nmp/logic/1` streams (room for [`Config::inbound_queue`]).
pub(super) async fn start(
    keypair: Keypair,
    config: &Config,
    channels: Channels<'_>,
) -> Result<(libp2p_stream::Control, mpsc::Receiver<Accepted>), Error> {
    let (accepted, queue) = mpsc::channel(config.inbound_queue);
    let mut swarm = swarm::build(keypair, config, accepted).await?;
    listen(&mut swarm, config).await?;
    bootstrap(&mut swarm, config)?;
    let control = swarm.behaviour().stream.new_control();
    let driver = Driver {
        swarm,
        commands: channels.handles.downgrade(),
        inbound: channels.inbound.clone(),
        dials: HashMap::new(),
        provides: HashMap::new(),
        lookups: HashMap::new(),
        lookup_quorum: config.lookup_quorum,
        peer_lookups: HashMap::new(),
        describes: HashMap::new(),
        connected: channels.connected,
        stats: Stats::default(),
    };
    tokio::spawn(driver.run(channels.commands));
    Ok((control, queue))
}

/// Binds every listen address and waits until each listener reports one.
async fn listen(swarm: &mut Swarm<Behaviour>, config: &Config) -> Result<(), Error> {
    let mut waiting = HashMap::new();
    for addr in &config.listen {
        let id = swarm
            .listen_on(addr.clone())
            .map_err(|source| Error::Listen {
                addr: addr.clone(),
                source: Box::new(source),
            })?;
        waiting.insert(id, addr.clone());
    }
    let reported = async {
        while !waiting.is_empty() {
            match swarm.select_next_some().await {
                SwarmEvent::NewListenAddr { listener_id, .. } => {
                    waiting.remove(&listener_id);
                }
                SwarmEvent::ListenerClosed {
                    listener_id,
                    reason: Err(source),
                    ..
                } => {
                    if let Some(addr) = waiting.remove(&listener_id) {
                        return Err(Error::Listen {
                            addr,
                            source: Box::new(source),
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(())
    };
    tokio::time::timeout(config.request_timeout, reported)
        .await
        .map_err(|_| Error::ListenTimeout)?
}

/// Seeds Kademlia with the bootstrap peers and dials them.
///
/// No bootstrap query is started here: Kademlia starts its own half a second after its routing
/// table last gained a peer while it held fewer than 20, so a node's first announcement or
/// lookup (which fills the table on its way) runs before it rather than beside it.
fn bootstrap(swarm: &mut Swarm<Behaviour>, config: &Config) -> Result<(), Error> {
    for addr in &config.bootstrap {
        let Some(Protocol::P2p(peer)) = addr.iter().last() else {
            return Err(Error::BootstrapAddress(addr.clone()));
        };
        swarm.behaviour_mut().kad.add_address(&peer, addr.clone());
        // A failed dial is retried by Kademlia's own queries; the mesh still starts.
        let _ = swarm.dial(addr.clone());
    }
    Ok(())
}

impl Driver {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command),
                    None => return,
                },
                event = self.swarm.select_next_some() => self.on_event(event),
            }
        }
    }

    fn on_command(&mut self, command: Command) {
        let swarm = &mut self.swarm;
        match command {
            Command::ListenAddrs(reply) => {
                let _ = reply.send(swarm.listeners().cloned().collect());
            }
            Command::Dial(addr, reply) => {
                let opts = DialOpts::unknown_peer_id().address(addr).build();
                let id = opts.connection_id();
                match swarm.dial(opts) {
                    Ok(()) => {
                        self.dials.insert(id, reply);
                    }
                    Err(err) => {
                        let _ = reply.send(Err(Error::Dial(Box::new(err))));
                    }
                }
            }
            Command::Provide(key, reply) => match swarm.behaviour_mut().kad.start_providing(key) {
                Ok(id) => {
                    self.provides.insert(id, reply);
                }
                Err(err) => {
                    let _ = reply.send(Err(Error::Provide(Box::new(err))));
                }
            },
            Command::FindProviders(key, reply) => {
                let id = swarm.behaviour_mut().kad.get_providers(key);
                self.lookups.insert(id, Lookup::new(reply));
            }
            Command::FindPeer(peer, reply) => {
                // The peer is looked up because the addresses we hold for it failed (a node
                // restarted elsewhere on its key). Kept, they would make the query ask the peer
                // there first, mark it failed and leave it out of the peers found, whatever
                // addresses the others report; forgotten, the query reaches it at those.
                swarm.behaviour_mut().kad.remove_peer(&peer);
                let id = swarm.behaviour_mut().kad.get_closest_peers(peer);
                self.peer_lookups.insert(id, (peer, reply));
            }
            Command::Stats(reply) => {
                let _ = reply.send(self.stats);
            }
            Command::Describe(peer, reply) => {
                self.stats.describes += 1;
                if !swarm.is_connected(&peer) {
                    self.stats.describe_dials += 1;
                }
                let id = swarm
                    .behaviour_mut()
                    .info
                    .send_request(&peer, pb::DescribeRequest {});
                self.describes.insert(id, (peer, reply));
            }
            Command::Respond { channel, document } => {
                // The asking peer may have gone; it then simply gets no answer.
                let _ = swarm.behaviour_mut().info.send_response(channel, document);
            }
        }
    }

    fn on_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                ..
            } => {
                if let Some(reply) = self.dials.remove(&connection_id) {
                    let _ = reply.send(Ok(peer_id));
                }
                if endpoint.is_dialer() {
                    self.stats.dialled += 1;
                } else {
                    self.stats.accepted += 1;
                }
                self.connected
                    .send_if_modified(|peers| peers.insert(peer_id));
                if let ConnectedPoint::Dialer { address, .. } = endpoint {
                    self.swarm
                        .behaviour_mut()
                        .kad
                        .add_address(&peer_id, address);
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => {
                self.connected
                    .send_if_modified(|peers| peers.remove(&peer_id));
            }
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                error,
                ..
            } => {
                if let Some(reply) = self.dials.remove(&connection_id) {
                    let _ = reply.send(Err(Error::Dial(Box::new(error))));
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(event)) => self.on_identify(event),
            SwarmEvent::Behaviour(BehaviourEvent::Kad(event)) => self.on_kad(event),
            SwarmEvent::Behaviour(BehaviourEvent::Info(event)) => self.on_info(event),
            _ => {}
        }
    }

    /// Learns the listen addresses of every peer that speaks the NMP DHT.
    fn on_identify(&mut self, event: identify::Event) {
        if let identify::Event::Received { peer_id, info, .. } = event
            && info.protocols.contains(&KAD_PROTOCOL)
        {
            for addr in info.listen_addrs {
                self.swarm.behaviour_mut().kad.add_address(&peer_id, addr);
            }
        }
    }

    fn on_kad(&mut self, event: kad::Event) {
        let (id, result, step) = match event {
            kad::Event::OutboundQueryProgressed {
                id,
                result,
                step,
                stats,
            } => {
                self.stats.on_query(&result, &stats, &step);
                (id, result, step)
            }
            kad::Event::InboundRequest { .. } => {
                self.stats.served += 1;
                return;
            }
            _ => return,
        };
        match result {
            QueryResult::StartProviding(result) => {
                if let Some(reply) = self.provides.remove(&id) {
                    let _ = reply.send(
                        result
                            .map(drop)
                            .map_err(|err| Error::Provide(Box::new(err))),
                    );
                }
            }
            QueryResult::GetProviders(result) => {
                let Some(lookup) = self.lookups.get_mut(&id) else {
                    return;
                };
                let finished = match result {
                    Ok(GetProvidersOk::FoundProviders { providers, .. }) => {
                        let done = lookup.on_answer(providers.iter().copied(), self.lookup_quorum);
                        let unreached: Vec<PeerId> = providers
                            .into_iter()
                            .filter(|peer| lookup.holds(peer) && !self.swarm.is_connected(peer))
                            .collect();
                        // Read while the query runs: it forgets the addresses when it ends.
                        for peer in unreached {
                            let kad = &mut self.swarm.behaviour_mut().kad;
                            for addr in providers::addresses(kad, peer) {
                                self.swarm.add_peer_address(peer, addr);
                            }
                        }
                        if done
                            && let Some(mut query) = self.swarm.behaviour_mut().kad.query_mut(&id)
                        {
                            query.finish();
                        }
                        done || step.last
                    }
                    Ok(GetProvidersOk::FinishedWithNoAdditionalRecord { .. }) | Err(_) => true,
                };
                if finished && let Some(lookup) = self.lookups.remove(&id) {
                    lookup.finish();
                }
            }
            QueryResult::GetClosestPeers(result) => {
                let Some((target, reply)) = self.peer_lookups.remove(&id) else {
                    return;
                };
                let found = result
                    .ok()
                    .and_then(|ok| ok.peers.into_iter().find(|p| p.peer_id == target));
                if let Some(info) = &found {
                    for addr in &info.addrs {
                        self.swarm
                            .behaviour_mut()
                            .kad
                            .add_address(&target, addr.clone());
                    }
                }
                let _ = reply.send(found.is_some_and(|info| !info.addrs.is_empty()));
            }
            _ => {}
        }
    }

    fn on_info(
        &mut self,
        event: request_response::Event<pb::DescribeRequest, pb::SignedCapabilityDocument>,
    ) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request { channel, .. } => {
                    let Some(commands) = self.commands.upgrade() else {
                        return;
                    };
                    let request = InfoRequest {
                        peer,
                        channel,
                        commands,
                    };
                    // A full queue refuses the request: dropping its channel fails it remotely.
                    let _ = self.inbound.try_send(Incoming::Info(request));
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some((_, reply)) = self.describes.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                if let Some((peer, reply)) = self.describes.remove(&request_id) {
                    let _ = reply.send(Err(Error::Describe {
                        peer,
                        source: Box::new(error),
                    }));
                }
            }
            _ => {}
        }
    }
}
