//! `/nmp/logic/1`: one stream per job. The agent writes one `LogicRequest` frame; the node
//! writes `LogicResponse` frames until a result or an error. The agent closing or dropping the
//! stream cancels the job.

mod inbound;

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use libp2p::{PeerId, StreamProtocol};
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;

use crate::codec;
use crate::error::Error;

pub(crate) use inbound::accept;
pub use inbound::{LogicClosed, LogicSender, LogicStream};

/// The protocol name of the logic stream.
pub const PROTOCOL: StreamProtocol = StreamProtocol::new("/nmp/logic/1");

/// Opens a logic stream to `peer` and writes `request` on it.
pub(crate) async fn open(
    mut control: libp2p_stream::Control,
    peer: PeerId,
    request: &pb::LogicRequest,
    max_frame_bytes: usize,
) -> Result<LogicResponses, Error> {
    let mut stream = control
        .open_stream(peer, PROTOCOL)
        .await
        .map_err(|err| Error::OpenStream(Box::new(err)))?;
    codec::write_message(&mut stream, request, max_frame_bytes).await?;
    let responses = futures::stream::unfold(Some(stream), move |stream| async move {
        let mut stream = stream?;
        match codec::read_message::<pb::LogicResponse, _>(&mut stream, max_frame_bytes).await {
            Ok(response) => {
                let last = matches!(response.event, Some(Event::Result(_) | Event::Error(_)));
                Some((Ok(response), (!last).then_some(stream)))
            }
            Err(err) => Some((Err(Error::Frame(err)), None)),
        }
    });
    Ok(LogicResponses {
        inner: responses.boxed(),
    })
}

/// The node's responses to one logic request, in order.
///
/// Ends after the frame carrying a result or an error. A stream that ends earlier yields one
/// [`Error::Frame`] ([`FrameError::Closed`](crate::FrameError::Closed) when the node closed it cleanly) and then ends.
/// Dropping it closes the stream, which cancels the job on the node.
pub struct LogicResponses {
    inner: BoxStream<'static, Result<pb::LogicResponse, Error>>,
}

impl std::fmt::Debug for LogicResponses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogicResponses").finish_non_exhaustive()
    }
}

impl Stream for LogicResponses {
    type Item = Result<pb::LogicResponse, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}
