//! The node side of `/nmp/logic/1`: per-peer stream limits, reading the request, and the
//! handles the node answers and watches for cancellation through.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use futures::io::{ReadHalf, WriteHalf};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::PeerId;
use nmp_wire::pb;
use tokio::sync::{mpsc, watch};

use crate::codec;
use crate::config::Config;
use crate::error::Error;
use crate::mesh::Incoming;

type Active = Arc<Mutex<HashMap<PeerId, usize>>>;

/// Accepts inbound logic streams, at most [`Config::max_logic_streams_per_peer`] per peer at
/// once; streams over the limit, or whose request is late or malformed, are reset.
///
/// `libp2p-stream` hands over inbound streams through a channel with room for one, and drops
/// (resets) a stream that arrives while the previous one waits. A node whose async workers are
/// busy (sandbox runs, envelope crypto) would drop streams that way, so a dedicated OS thread
/// takes them off that channel at once and queues up to [`Config::inbound_queue`] of them
/// here; only beyond that is a stream reset.
///
/// `connected` is the set of peers with an established connection, which [`LogicClosed`]
/// watches once the agent has half-closed its stream.
pub(crate) async fn accept(
    incoming: libp2p_stream::IncomingStreams,
    inbound: mpsc::Sender<Incoming>,
    connected: watch::Receiver<HashSet<PeerId>>,
    config: Config,
) {
    let (tx, mut accepted) = mpsc::channel(config.inbound_queue);
    let drain = std::thread::Builder::new()
        .name("nmp-logic-accept".to_owned())
        .spawn(move || futures::executor::block_on(drain(incoming, tx)));
    if drain.is_err() {
        // Without the thread nothing is accepted; the node answers describe requests only.
        return;
    }
    let active = Active::default();
    while let Some((peer, stream)) = accepted.recv().await {
        let Some(permit) = Permit::acquire(&active, peer, config.max_logic_streams_per_peer) else {
            continue;
        };
        tokio::spawn(read_request(
            stream,
            permit,
            inbound.clone(),
            connected.clone(),
            config.clone(),
        ));
    }
}

/// Moves streams from `libp2p-stream`'s one-slot channel to `tx` until either side closes; a
/// stream that finds `tx` full is dropped (reset).
async fn drain(
    mut incoming: libp2p_stream::IncomingStreams,
    tx: mpsc::Sender<(PeerId, libp2p::Stream)>,
) {
    while let Some(stream) = incoming.next().await {
        match tx.try_send(stream) {
            Ok(()) | Err(mpsc::error::TrySendError::Full(_)) => {}
            Err(mpsc::error::TrySendError::Closed(_)) => return,
        }
    }
}

async fn read_request(
    mut stream: libp2p::Stream,
    permit: Permit,
    inbound: mpsc::Sender<Incoming>,
    connected: watch::Receiver<HashSet<PeerId>>,
    config: Config,
) {
    let read = codec::read_message::<pb::LogicRequest, _>(&mut stream, config.max_frame_bytes);
    let Ok(Ok(request)) = tokio::time::timeout(config.request_timeout, read).await else {
        return;
    };
    let (reader, writer) = stream.split();
    let peer = permit.peer;
    let stream = LogicStream {
        request,
        sender: LogicSender {
            peer,
            writer,
            max_frame_bytes: config.max_frame_bytes,
            _permit: permit,
        },
        closed: LogicClosed {
            reader,
            peer,
            connected,
        },
    };
    // A full queue resets the stream: the node is saturated and says so at once.
    let _ = inbound.try_send(Incoming::Logic(Box::new(stream)));
}

/// One slot of a peer's inbound stream budget, released on drop.
#[derive(Debug)]
struct Permit {
    peer: PeerId,
    active: Active,
}

impl Permit {
    fn acquire(active: &Active, peer: PeerId, max: usize) -> Option<Self> {
        let mut counts = active.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(peer).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Self {
            peer,
            active: active.clone(),
        })
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut counts = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.peer) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.peer);
            }
        }
    }
}

/// An inbound logic stream whose request has been read.
///
/// Dropping it (or its parts) resets the stream; the agent sees an error.
#[derive(Debug)]
pub struct LogicStream {
    request: pb::LogicRequest,
    sender: LogicSender,
    closed: LogicClosed,
}

impl LogicStream {
    /// The peer that opened the stream.
    pub fn peer(&self) -> PeerId {
        self.sender.peer
    }

    /// The request the agent sent.
    pub fn request(&self) -> &pb::LogicRequest {
        &self.request
    }

    /// Splits the stream into the request, the response writer and the cancellation signal,
    /// so a job can report progress while another task watches for the agent leaving.
    pub fn into_parts(self) -> (pb::LogicRequest, LogicSender, LogicClosed) {
        (self.request, self.sender, self.closed)
    }
}

/// Writes `LogicResponse` frames to the agent; holds one of the peer's stream slots.
#[derive(Debug)]
pub struct LogicSender {
    peer: PeerId,
    writer: WriteHalf<libp2p::Stream>,
    max_frame_bytes: usize,
    _permit: Permit,
}

impl LogicSender {
    /// Writes one response frame and flushes it.
    ///
    /// Fails with [`Error::Frame`] when the response exceeds the frame limit or the agent has
    /// gone (its stream is closed or reset); the job can then stop.
    pub async fn send(&mut self, response: &pb::LogicResponse) -> Result<(), Error> {
        Ok(codec::write_message(&mut self.writer, response, self.max_frame_bytes).await?)
    }

    /// Closes the node's side of the stream after the last response.
    pub async fn finish(mut self) -> Result<(), Error> {
        self.writer
            .close()
            .await
            .map_err(|err| Error::Frame(err.into()))
    }
}

/// Resolves when the agent cancels its job or leaves.
#[derive(Debug)]
pub struct LogicClosed {
    reader: ReadHalf<libp2p::Stream>,
    peer: PeerId,
    connected: watch::Receiver<HashSet<PeerId>>,
}

impl LogicClosed {
    /// Waits until the agent cancels: it sends anything after its request (a `Cancel` frame is
    /// the form the protocol gives), its stream fails with an error (a reset on QUIC), or its
    /// last connection to this node closes. Half-closing the write side after the request does
    /// not cancel (as on gRPC). Yamux (TCP, WebSocket) reports a reset and a half-close alike as
    /// the end of the stream, so there a reset alone cancels only once the connection closes.
    /// Cancel-safe.
    pub async fn wait(mut self) {
        if let Ok(0) = self.reader.read(&mut [0u8; 1]).await {
            self.disconnected().await;
        }
    }

    /// Resolves once `peer` has no connection left (or the mesh has stopped). It first waits to
    /// see the peer connected: the stream can arrive before the swarm task records its
    /// connection.
    async fn disconnected(mut self) {
        let peer = self.peer;
        if self
            .connected
            .wait_for(|peers| peers.contains(&peer))
            .await
            .is_ok()
        {
            let _ = self
                .connected
                .wait_for(|peers| !peers.contains(&peer))
                .await;
        }
    }
}
