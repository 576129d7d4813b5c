//! The gRPC face's side of the inbound byte budget: a tower layer that names each call's
//! [`Origin`] and wraps its request body so every data frame is charged as it arrives.
//!
//! tonic pulls a call's body frame by frame (HTTP/2 DATA frames of at most 16 KiB) into its
//! message buffer; charging each frame as it is pulled charges a message as it accumulates,
//! never its declared length. The charge lives as long as the body, which tonic drops when the
//! call ends (completed, failed, cancelled, or cut at the request deadline).

use std::{
    pin::Pin,
    task::{Context, Poll, ready},
};

use http_body::{Frame, SizeHint};
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
}

impl<S> tower_layer::Layer<S> for Layer {
    type Service = Charged<S>;

    fn layer(&self, inner: S) -> Charged<S> {
        Charged {
            inner,
            budget: self.budget.clone(),
        }
    }
}

/// A service whose requests carry their [`Origin`] (in the request's extensions) and a body
/// charged to the budget under it.
#[derive(Debug, Clone)]
pub(super) struct Charged<S> {
    inner: S,
    budget: Budget,
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
        let charge = self.budget.charge(origin);
        self.inner
            .call(request.map(|inner| Body::new(ChargedBody { inner, charge })))
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

/// A request body whose data frames are charged before tonic sees them; a frame the budget
/// refuses ends the body with `RESOURCE_EXHAUSTED`, which ends the call.
#[derive(Debug)]
struct ChargedBody {
    inner: Body,
    charge: Charge,
}

impl http_body::Body for ChargedBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.get_mut();
        let frame = ready!(Pin::new(&mut this.inner).poll_frame(cx));
        if let Some(Ok(data)) = &frame
            && let Some(data) = data.data_ref()
            && let Err(exhausted) = this
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
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
