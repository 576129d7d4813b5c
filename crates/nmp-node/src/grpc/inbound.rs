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
            let size = self.message.capacity().saturating_mul(2).clamp(needed, bound);
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
