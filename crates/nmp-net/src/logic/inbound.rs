//! The node side of `/nmp/logic/1`: per-peer stream limits, reading the request against the
//! inbound byte budget, and the handles the node answers and watches for cancellation through.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use futures::io::{ReadHalf, WriteHalf};
use futures::{AsyncReadExt, AsyncWriteExt};
use libp2p::PeerId;
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;
use prost::Message as _;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::budget::{Charge, Exhausted};
use crate::codec::{self, FrameError};
use crate::config::Config;
use crate::error::Error;
use crate::mesh::Incoming;
use crate::origin::Origin;

use super::Accepted;

type Active = Arc<Mutex<HashMap<PeerId, usize>>>;

/// Takes inbound logic streams off the [`Listener`](super::Listener)'s queue, at most
/// [`Config::max_logic_streams_per_peer`] per peer at once; streams over the limit, or whose
/// request is late or malformed, are reset. Each request is charged to
/// [`Config::inbound_budget`] under the origin of the connection it came on, as it arrives; one
/// the budget refuses is answered `ERROR_CODE_OVERLOADED`.
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
    while let Some(Accepted {
        peer,
        origin,
        stream,
    }) = accepted.recv().await
    {
        let Some(permit) = Permit::acquire(&active, peer, config.max_logic_streams_per_peer) else {
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
            let refusal = refuse(stream, exhausted, config.max_frame_bytes);
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
    // A full queue resets the stream: the node is saturated and says so at once.
    let _ = inbound.try_send(Incoming::Logic(Box::new(stream)));
}

/// Answers a request the budget refused with `ERROR_CODE_OVERLOADED` (no request id: the request
/// was not read), then reads and discards the rest of what the agent sends, holding nothing, so
/// that an agent still writing its request gets to read the answer. The caller bounds the wait.
async fn refuse(mut stream: libp2p::Stream, exhausted: Exhausted, max_frame_bytes: usize) {
    let response = pb::LogicResponse {
        request_id: Vec::new(),
        event: Some(Event::Error(pb::Error {
            code: pb::ErrorCode::Overloaded as i32,
            message: exhausted.to_string(),
            renews_at_ms: 0,
        })),
    };
    if codec::write_message(&mut stream, &response, max_frame_bytes)
        .await
        .is_err()
    {
        return;
    }
    let _ = stream.close().await;
    let _ = futures::io::copy(&mut stream, &mut futures::io::sink()).await;
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
