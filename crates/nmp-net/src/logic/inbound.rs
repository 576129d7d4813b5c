//! The node side of `/nmp/logic/1`: per-peer stream limits, reading the request against the
//! inbound byte budget, and the handles the node answers and watches for cancellation through.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use futures::io::{ReadHalf, WriteHalf};
use futures::{AsyncReadExt, AsyncWriteExt};
use libp2p::PeerId;
use nmp_wire::pb;
use prost::Message as _;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::budget::Charge;
use crate::codec::{self, FrameError};
use crate::config::Config;
use crate::error::Error;
use crate::mesh::Incoming;
use crate::origin::Origin;

use super::Accepted;
use super::refusal::{Refusals, overloaded, refuse};

type Active = Arc<Mutex<HashMap<PeerId, usize>>>;

/// Takes inbound logic streams off the [`Listener`](super::Listener)'s queue, at most
/// [`Config::max_logic_streams_per_peer`] per peer at once; a stream over the limit is answered
/// `ERROR_CODE_OVERLOADED` without its request being read (reset instead while
/// [`MAX_REFUSALS`](super::MAX_REFUSALS) refusals are in flight), and one whose request is late
/// or malformed is reset. Each request is charged to [`Config::inbound_budget`] under the
/// origin of the connection it came on, as it arrives; one the budget refuses is answered
/// `ERROR_CODE_OVERLOADED`, and so is one read while the node's inbound queue is full.
///
/// `connected` is the set of peers with an established connection, which [`LogicClosed`]
/// watches once the agent has half-closed its stream.
pub(crate) async fn accept(
    mut accepted: mpsc::Receiver<Accepted>,
    inbound: mpsc::Sender<Incoming>,
    connected: watch::Receiver<HashSet<PeerId>>,
    config: Config,
) {
    let active = Active::default();
    let refusals = Refusals::new(config.max_frame_bytes);
    while let Some(Accepted {
        peer,
        origin,
        stream,
    }) = accepted.recv().await
    {
        let max = config.max_logic_streams_per_peer;
        let Some(permit) = Permit::acquire(&active, peer, max) else {
            tracing::debug!(%peer, "logic stream over the peer's limit refused as overloaded");
            let message = format!("more than {max} requests open from one peer");
            refusals.refuse_unread(stream, message);
            continue;
        };
        let charge = config.inbound_budget.charge(origin);
        tokio::spawn(read_request(
            stream,
            (permit, charge),
            inbound.clone(),
            connected.clone(),
            config.clone(),
        ));
    }
}

/// Reads the request within [`Config::request_timeout`], charging it to `charge`.
async fn read_request(
    mut stream: libp2p::Stream,
    (permit, mut charge): (Permit, Charge),
    inbound: mpsc::Sender<Incoming>,
    connected: watch::Receiver<HashSet<PeerId>>,
    config: Config,
) {
    let deadline = Instant::now() + config.request_timeout;
    let read = codec::read_frame_charged(&mut stream, config.max_frame_bytes, &mut charge);
    let frame = match tokio::time::timeout_at(deadline, read).await {
        Ok(Ok(frame)) => frame,
        Ok(Err(FrameError::OverBudget(exhausted))) => {
            tracing::info!(
                peer = %permit.peer,
                origin = %charge.origin(),
                held = charge.bytes(),
                cause = %exhausted,
                "logic request refused as overloaded"
            );
            drop(charge);
            let response = overloaded(Vec::new(), exhausted.to_string());
            let refusal = refuse(stream, response, config.max_frame_bytes);
            let _ = tokio::time::timeout_at(deadline, refusal).await;
            return;
        }
        _ => return,
    };
    let Ok(request) = pb::LogicRequest::decode(frame.as_slice()) else {
        return;
    };
    drop(frame);
    let (reader, writer) = stream.split();
    let peer = permit.peer;
    let stream = LogicStream {
        request,
        sender: LogicSender {
            peer,
            origin: charge.origin(),
            writer,
            max_frame_bytes: config.max_frame_bytes,
            _held: (permit, charge),
        },
        closed: LogicClosed {
            reader,
            peer,
            connected,
        },
    };
    // A full queue: the node is saturated and says so at once, within the request's deadline.
    if let Err(TrySendError::Full(Incoming::Logic(stream))) =
        inbound.try_send(Incoming::Logic(Box::new(stream)))
    {
        tracing::debug!(%peer, "inbound queue full; request refused as overloaded");
        let (request, mut sender, _) = stream.into_parts();
        let message = "the node's queue of new requests is full".to_owned();
        let response = overloaded(request.request_id, message);
        let refusal = async move {
            if sender.send(&response).await.is_ok() {
                let _ = sender.finish().await;
            }
        };
        let _ = tokio::time::timeout_at(deadline, refusal).await;
    }
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

    /// The origin of the connection the stream came on: what per-origin limits count.
    pub fn origin(&self) -> Origin {
        self.sender.origin
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

/// Writes `LogicResponse` frames to the agent; holds one of the peer's stream slots and the
/// request's charge to the inbound byte budget, both released when it is dropped.
#[derive(Debug)]
pub struct LogicSender {
    peer: PeerId,
    origin: Origin,
    writer: WriteHalf<libp2p::Stream>,
    max_frame_bytes: usize,
    _held: (Permit, Charge),
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
