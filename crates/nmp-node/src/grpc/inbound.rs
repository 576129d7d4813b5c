//! The gRPC face's side of the inbound byte budget: a tower layer that names each call's
//! [`Origin`] and wraps its request body so every data frame is charged as it arrives.
//!
//! Each HTTP/2 DATA frame (at most 16 KiB) is charged as it is pulled from the connection, so a
//! message is charged as it accumulates, never by its declared length; the layer holds a message
//! until it is whole, since tonic would reserve the declared length on reading its prefix. The
//! charge lives as long as the body, which tonic drops when the call ends (completed, failed,
//! cancelled, or cut at the request deadline); it counts every byte the call sent.

use std::{
    pin::Pin,
    task::{Context, Poll, ready},
};

use http_body::Frame;
use nmp_net::{Budget, Charge, Origin};
use tonic::{
    Status,
    body::Body,
    codegen::{Bytes, Service, http},
    transport::server::TcpConnectInfo,
};

/// Wraps the face's services in [`Charged`]; cheap to clone.
#[derive(Debug, Clone)]
pub(super) struct Layer {
    pub(super) budget: Budget,
    /// The face's message limit: a message declared larger is handed to tonic unbuffered.
    pub(super) max_message_bytes: usize,
}

impl<S> tower_layer::Layer<S> for Layer {
    type Service = Charged<S>;

    fn layer(&self, inner: S) -> Charged<S> {
        Charged {
            inner,
            layer: self.clone(),
        }
    }
}

/// A service whose requests carry their [`Origin`] (in the request's extensions) and a body
/// charged to the budget under it.
#[derive(Debug, Clone)]
pub(super) struct Charged<S> {
    inner: S,
    layer: Layer,
}

impl<S> Service<http::Request<Body>> for Charged<S>
where
    S: Service<http::Request<Body>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        let origin = origin(request.extensions());
        request.extensions_mut().insert(origin);
        let body = |inner| {
            Body::new(ChargedBody {
                inner,
                charge: self.layer.budget.charge(origin),
                max_message_bytes: self.layer.max_message_bytes,
                message: Vec::new(),
            })
        };
        self.inner.call(request.map(body))
    }
}

/// The origin of a call: its TCP peer's address under [`Origin::from_ip`], or
/// [`Origin::UNKNOWN`] without one (every connection this face accepts has one).
fn origin(extensions: &http::Extensions) -> Origin {
    extensions
        .get::<TcpConnectInfo>()
        .and_then(TcpConnectInfo::remote_addr)
        .map_or(Origin::UNKNOWN, |addr| Origin::from_ip(addr.ip()))
}

/// Bytes of the gRPC prefix before each message: a compression flag and a 32-bit length.
const PREFIX_BYTES: usize = 5;

/// A request body whose data frames are charged as they arrive and reassembled into whole
/// gRPC messages before tonic sees them: tonic reserves a message's declared length as soon as
/// it reads the prefix, so it is handed the prefix only with the whole message (or alone, when
/// the declared length is over the limit, which tonic then refuses). A frame the budget refuses
/// ends the body with `RESOURCE_EXHAUSTED`, which ends the call.
#[derive(Debug)]
struct ChargedBody {
    inner: Body,
    charge: Charge,
    max_message_bytes: usize,
    /// The message being reassembled, prefix included; it grows as bytes arrive, at most
    /// doubling, never past the message's declared size.
    message: Vec<u8>,
}

impl ChargedBody {
    /// Prefix and body bytes of the message being reassembled, once its prefix is in.
    fn message_len(&self) -> Option<usize> {
        let prefix: [u8; 4] = self.message.get(1..PREFIX_BYTES)?.try_into().ok()?;
        let len = usize::try_from(u32::from_be_bytes(prefix)).unwrap_or(usize::MAX);
        Some(len.saturating_add(PREFIX_BYTES))
    }

    /// The next whole message (or an oversized message's prefix alone), taken from the buffer.
    fn take_ready(&mut self) -> Option<Bytes> {
        let len = self.message_len()?;
        let ready = if len - PREFIX_BYTES > self.max_message_bytes {
            PREFIX_BYTES
        } else if self.message.len() >= len {
            len
        } else {
            return None;
        };
        let rest = self.message.split_off(ready);
        Some(Bytes::from(std::mem::replace(&mut self.message, rest)))
    }

    fn push(&mut self, data: &[u8]) {
        let needed = self.message.len() + data.len();
        if needed > self.message.capacity() {
            let bound = self.message_len().unwrap_or(needed).max(needed);
            let size = self
                .message
                .capacity()
                .saturating_mul(2)
                .clamp(needed, bound);
            self.message.reserve_exact(size - self.message.len());
        }
        self.message.extend_from_slice(data);
    }
}

impl http_body::Body for ChargedBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.get_mut();
        loop {
            if let Some(message) = this.take_ready() {
                return Poll::Ready(Some(Ok(Frame::data(message))));
            }
            let data = match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => data,
                    Err(trailers) => return Poll::Ready(Some(Ok(trailers))),
                },
                // The body ended inside a message: tonic reports it truncated.
                None if !this.message.is_empty() => {
                    let partial = Bytes::from(std::mem::take(&mut this.message));
                    return Poll::Ready(Some(Ok(Frame::data(partial))));
                }
                other => return Poll::Ready(other),
            };
            if let Err(exhausted) = this
                .charge
                .grow(u64::try_from(data.len()).unwrap_or(u64::MAX))
            {
                tracing::info!(
                    origin = %this.charge.origin(),
                    held = this.charge.bytes(),
                    cause = %exhausted,
                    "gRPC request refused as overloaded"
                );
                return Poll::Ready(Some(Err(Status::resource_exhausted(exhausted.to_string()))));
            }
            this.push(&data);
        }
    }

    fn is_end_stream(&self) -> bool {
        self.message.is_empty() && self.inner.is_end_stream()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use futures::executor::block_on;
    use http_body::Body as _;
    use tonic::Code;

    use super::*;

    /// A request body that yields `chunks` as data frames, then ends.
    struct Chunks(VecDeque<Bytes>);

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = Status;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
            Poll::Ready(self.get_mut().0.pop_front().map(|c| Ok(Frame::data(c))))
        }
    }

    fn message(len: usize, fill: u8) -> Vec<u8> {
        let mut out = vec![0];
        out.extend(u32::try_from(len).unwrap().to_be_bytes());
        out.resize(PREFIX_BYTES + len, fill);
        out
    }

    /// Feeds `wire` in `chunk`-byte pieces through a charged body; returns the data frames (or
    /// the error) it yields and the bytes it charged.
    fn feed(wire: &[u8], chunk: usize, budget: &Budget) -> (Result<Vec<Bytes>, Code>, u64) {
        let chunks = wire.chunks(chunk).map(Bytes::copy_from_slice).collect();
        let mut body = ChargedBody {
            inner: Body::new(Chunks(chunks)),
            charge: budget.charge(Origin::UNKNOWN),
            max_message_bytes: 1 << 20,
            message: Vec::new(),
        };
        let mut frames = Vec::new();
        let result = loop {
            let next = block_on(std::future::poll_fn(|cx| {
                Pin::new(&mut body).poll_frame(cx)
            }));
            match next {
                None => break Ok(frames),
                Some(Ok(frame)) => frames.push(frame.into_data().unwrap()),
                Some(Err(status)) => break Err(status.code()),
            }
        };
        (result, body.charge.bytes())
    }

    #[test]
    fn messages_split_across_frames_reach_tonic_whole_and_every_byte_is_charged() {
        let budget = Budget::new(1 << 20, 1 << 20);
        let mut wire = message(1000, 1);
        wire.extend(message(0, 0));
        wire.extend(message(3000, 2));
        let (frames, charged) = feed(&wire, 7, &budget);
        let frames = frames.unwrap();
        assert_eq!(
            frames.iter().map(Bytes::len).collect::<Vec<_>>(),
            [1005, 5, 3005]
        );
        assert_eq!(frames.concat(), wire);
        assert_eq!(charged, wire.len() as u64);
        assert_eq!(budget.used(), 0, "released with the body");
    }

    #[test]
    fn a_body_fits_its_share_exactly_and_one_byte_past_it_is_refused() {
        let wire = message(1000, 1);
        let share = Budget::new(1 << 20, wire.len() as u64);
        assert_eq!(feed(&wire, 100, &share).0.unwrap().len(), 1);
        let past = Budget::new(1 << 20, wire.len() as u64 - 1);
        let (result, charged) = feed(&wire, 100, &past);
        assert_eq!(result, Err(Code::ResourceExhausted));
        assert_eq!(charged, 1000, "the refused frame is not charged");
    }

    #[test]
    fn an_oversized_prefix_and_a_truncated_message_pass_through_for_tonic_to_refuse() {
        let budget = Budget::new(1 << 30, 1 << 30);
        let oversized = message((1 << 20) + 1, 0);
        let (frames, _) = feed(&oversized[..PREFIX_BYTES + 10], 3, &budget);
        assert_eq!(frames.unwrap()[0].len(), PREFIX_BYTES);
        let truncated = message(100, 0);
        let (frames, _) = feed(&truncated[..50], 16, &budget);
        assert_eq!(frames.unwrap(), [Bytes::copy_from_slice(&truncated[..50])]);
    }
}
