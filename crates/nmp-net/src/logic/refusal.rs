//! Typed `OVERLOADED` refusals of inbound logic streams the node will not serve, at a bounded
//! cost: a refusal is one small frame written within [`REFUSAL_TIMEOUT`], at most
//! [`MAX_REFUSALS`] at once; past that a stream is reset, as before a refusal was typed.

use std::sync::Arc;
use std::time::Duration;

use futures::AsyncWriteExt;
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;
use tokio::sync::Semaphore;

use crate::codec;

/// Refusals of streams whose request was not read (a peer over its stream limit) being
/// written at once, across all peers: 64. A stream refused while 64 are in flight is reset
/// instead, so a flood of streams costs the node no more than 64 small tasks.
pub const MAX_REFUSALS: usize = 64;

/// How long one refusal of an unread request may take (writing the `OVERLOADED` frame, then
/// reading and discarding the request the agent is still writing, so that it gets to read the
/// answer): 2 s. The stream is reset at the end.
pub const REFUSAL_TIMEOUT: Duration = Duration::from_secs(2);

/// The node-wide allowance of refusals in flight ([`MAX_REFUSALS`]).
#[derive(Debug, Clone)]
pub(crate) struct Refusals {
    slots: Arc<Semaphore>,
    max_frame_bytes: usize,
}

impl Refusals {
    /// Room for [`MAX_REFUSALS`] refusals at once; frames are written under `max_frame_bytes`.
    pub(crate) fn new(max_frame_bytes: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(MAX_REFUSALS)),
            max_frame_bytes,
        }
    }

    /// Answers `stream`, whose request was not read, `ERROR_CODE_OVERLOADED` with `message` in
    /// a task bounded by [`REFUSAL_TIMEOUT`]; resets it at once when [`MAX_REFUSALS`] are in
    /// flight.
    pub(crate) fn refuse_unread(&self, stream: libp2p::Stream, message: String) {
        let Ok(slot) = Arc::clone(&self.slots).try_acquire_owned() else {
            tracing::debug!("too many refusals in flight; stream reset");
            return;
        };
        let max_frame_bytes = self.max_frame_bytes;
        tokio::spawn(async move {
            let refusal = refuse(stream, overloaded(Vec::new(), message), max_frame_bytes);
            let _ = tokio::time::timeout(REFUSAL_TIMEOUT, refusal).await;
            drop(slot);
        });
    }
}

/// The `ERROR_CODE_OVERLOADED` response to `request_id` (empty for a request not read).
pub(crate) fn overloaded(request_id: Vec<u8>, message: String) -> pb::LogicResponse {
    pb::LogicResponse {
        request_id,
        event: Some(Event::Error(pb::Error {
            code: pb::ErrorCode::Overloaded as i32,
            message,
            renews_at_ms: 0,
        })),
    }
}

/// Writes `response` and closes the node's side, then reads and discards whatever the agent
/// still sends, holding nothing, so that an agent still writing its request gets to read the
/// answer. The caller bounds the wait; dropping the stream at the end resets it.
pub(crate) async fn refuse(
    mut stream: libp2p::Stream,
    response: pb::LogicResponse,
    max_frame_bytes: usize,
) {
    if codec::write_message(&mut stream, &response, max_frame_bytes)
        .await
        .is_err()
    {
        return;
    }
    let _ = stream.close().await;
    let _ = futures::io::copy(&mut stream, &mut futures::io::sink()).await;
}
