//! `/nmp/logic/1`: one stream per job. The agent writes one `LogicRequest` frame; the node
//! writes `LogicResponse` frames until a result or an error. The agent may half-close its write
//! side after the request; it cancels the job by writing a `Cancel` frame (or by leaving).

mod inbound;
mod listener;
mod refusal;

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::io::WriteHalf;
use futures::stream::BoxStream;
use futures::{AsyncReadExt, AsyncWriteExt, Stream, StreamExt};
use libp2p::{PeerId, StreamProtocol};
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;

use crate::codec;
use crate::error::Error;

pub(crate) use inbound::accept;
pub use inbound::{LogicClosed, LogicSender, LogicStream};
pub(crate) use listener::{Accepted, Listener};
pub use refusal::{MAX_REFUSALS, REFUSAL_TIMEOUT};

/// The protocol name of the logic stream.
pub const PROTOCOL: StreamProtocol = StreamProtocol::new("/nmp/logic/1");

/// Opens a logic stream to `peer` and writes `request` on it; a later cancel frame must be
/// written within `cancel_timeout`.
pub(crate) async fn open(
    mut control: libp2p_stream::Control,
    peer: PeerId,
    request: &pb::LogicRequest,
    max_frame_bytes: usize,
    cancel_timeout: Duration,
) -> Result<LogicResponses, Error> {
    let mut stream = control
        .open_stream(peer, PROTOCOL)
        .await
        .map_err(|err| Error::OpenStream(Box::new(err)))?;
    codec::write_message(&mut stream, request, max_frame_bytes).await?;
    let (reader, writer) = stream.split();
    let responses = futures::stream::unfold(Some(reader), move |reader| async move {
        let mut reader = reader?;
        match codec::read_message::<pb::LogicResponse, _>(&mut reader, max_frame_bytes).await {
            Ok(response) => {
                let last = matches!(response.event, Some(Event::Result(_) | Event::Error(_)));
                Some((Ok(response), (!last).then_some(reader)))
            }
            Err(err) => Some((Err(Error::Frame(err)), None)),
        }
    });
    Ok(LogicResponses {
        inner: responses.boxed(),
        writer: Some(writer),
        cancel: pb::Cancel {
            request_id: request.request_id.clone(),
        },
        cancel_timeout,
        ended: false,
    })
}

/// The node's responses to one logic request, in order.
///
/// Ends after the frame carrying a result or an error. A stream that ends earlier yields one
/// [`Error::Frame`] ([`FrameError::Closed`](crate::FrameError::Closed) when the node closed it
/// cleanly) and then ends. Dropping it before the end cancels the job: a task on the current
/// tokio runtime writes a `Cancel` frame (within [`Config::request_timeout`](crate::Config)),
/// then the stream closes.
pub struct LogicResponses {
    inner: BoxStream<'static, Result<pb::LogicResponse, Error>>,
    writer: Option<WriteHalf<libp2p::Stream>>,
    cancel: pb::Cancel,
    cancel_timeout: Duration,
    ended: bool,
}

impl LogicResponses {
    /// Half-closes the agent's write side, as js-libp2p agents do after their request. The job
    /// goes on; afterwards it can no longer be cancelled by dropping this (the node then
    /// cancels only when the agent's last connection to it closes).
    ///
    /// Fails with [`Error::Frame`] when the stream is already closed or reset.
    pub async fn close_write(&mut self) -> Result<(), Error> {
        match self.writer.take() {
            Some(mut writer) => writer.close().await.map_err(|err| Error::Frame(err.into())),
            None => Ok(()),
        }
    }
}

impl LogicResponses {
    /// Writes the `Cancel` frame now (within [`Config::request_timeout`](crate::Config)),
    /// whether or not the responses have ended. After an early end of the responses this tells
    /// the two ends apart that Yamux reads alike: it succeeds when the node closed its side of
    /// the stream (a node that stopped answering), and fails with [`Error::Frame`] when the
    /// stream was reset or its connection is gone (a node that crashed or restarted, or a
    /// network that failed), or [`Error::Timeout`] when the write stalled. After
    /// [`LogicResponses::close_write`] there is nothing to write with: it fails with
    /// [`Error::Frame`] ([`FrameError::Closed`](crate::FrameError::Closed)).
    pub async fn cancel(&mut self) -> Result<(), Error> {
        let Some(writer) = self.writer.as_mut() else {
            return Err(Error::Frame(codec::FrameError::Closed));
        };
        let write = codec::write_message(writer, &self.cancel, usize::MAX);
        tokio::time::timeout(self.cancel_timeout, write)
            .await
            .map_err(|_| Error::Timeout)??;
        self.ended = true;
        Ok(())
    }
}

impl std::fmt::Debug for LogicResponses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogicResponses")
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl Stream for LogicResponses {
    type Item = Result<pb::LogicResponse, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = self.inner.poll_next_unpin(cx);
        if let Poll::Ready(item) = &next {
            let last = match item {
                Some(Ok(response)) => {
                    matches!(response.event, Some(Event::Result(_) | Event::Error(_)))
                }
                Some(Err(_)) | None => true,
            };
            self.ended |= last;
        }
        next
    }
}

impl Drop for LogicResponses {
    fn drop(&mut self) {
        let (Some(mut writer), false) = (self.writer.take(), self.ended) else {
            return;
        };
        // Without a runtime the stream is just dropped: a reset, which the node sees as the end
        // of the stream on Yamux.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let cancel = std::mem::take(&mut self.cancel);
        let write = async move {
            codec::write_message(&mut writer, &cancel, usize::MAX).await?;
            writer.close().await.map_err(codec::FrameError::from)
        };
        // The node may be gone or stalled; the cancel frame then goes nowhere, which is fine.
        runtime.spawn(tokio::time::timeout(self.cancel_timeout, write));
    }
}
