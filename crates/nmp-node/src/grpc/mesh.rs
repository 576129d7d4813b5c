//! The generated `LogicMesh` service trait over the node's [`Service`].

use std::sync::Arc;

use nmp_wire::pb::{
    self, execute_request::Message, logic_mesh_server::LogicMesh, logic_response::Event,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::Config;
use crate::{
    node::now_ms,
    service::{Origin, RESPONSE_BUFFER, Service},
};

/// `LogicMesh` over a [`Service`], taking a logic handler slot per `Execute` call.
#[derive(Debug, Clone)]
pub(super) struct Mesh {
    service: Arc<Service>,
    handlers: Arc<Semaphore>,
}

impl Mesh {
    pub(super) fn new(service: Arc<Service>, config: &Config) -> Self {
        Self {
            service,
            handlers: Arc::clone(&config.handlers),
        }
    }
}

#[tonic::async_trait]
impl LogicMesh for Mesh {
    type ExecuteStream = ReceiverStream<Result<pb::LogicResponse, Status>>;

    /// Takes a handler slot (none free: `RESOURCE_EXHAUSTED` at once), then waits for the
    /// first message, which must be `start` (the server's timeout bounds the wait). A later
    /// `cancel` ends the request with `ERROR_CODE_CANCELLED`, and so does the client
    /// cancelling the call. Half-closing the request side after `start` is normal and does not
    /// cancel.
    async fn execute(
        &self,
        request: Request<Streaming<pb::ExecuteRequest>>,
    ) -> Result<Response<Self::ExecuteStream>, Status> {
        let Ok(slot) = Arc::clone(&self.handlers).try_acquire_owned() else {
            self.service.metrics().error(pb::ErrorCode::Overloaded);
            tracing::info!("gRPC call refused: too many requests in progress");
            return Err(Status::resource_exhausted("too many requests in progress"));
        };
        // The inbound layer names every call's origin; none would mean one shared origin for
        // all such calls, the stricter choice.
        let origin = request
            .extensions()
            .get::<Origin>()
            .copied()
            .unwrap_or(Origin::UNKNOWN);
        let mut inbound = request.into_inner();
        let first = inbound.message().await?;
        let Some(pb::ExecuteRequest {
            message: Some(Message::Start(start)),
        }) = first
        else {
            return Err(Status::invalid_argument(
                "the first message must be `start`",
            ));
        };
        let request_id = start.request_id.clone();
        let responses = self.service.execute(start, origin, now_ms());
        let (tx, rx) = mpsc::channel(RESPONSE_BUFFER);
        tokio::spawn(relay(responses, inbound, tx, request_id, slot));
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn describe(
        &self,
        _request: Request<pb::DescribeRequest>,
    ) -> Result<Response<pb::SignedCapabilityDocument>, Status> {
        Ok(Response::new(self.service.describe(now_ms())))
    }

    /// Takes a handler slot, as `Execute` does (none free: `RESOURCE_EXHAUSTED`), and answers
    /// the offer; every refusal travels in the reply with its code.
    async fn open_session(
        &self,
        request: Request<pb::SessionOpen>,
    ) -> Result<Response<pb::SessionReply>, Status> {
        let Ok(_slot) = Arc::clone(&self.handlers).try_acquire_owned() else {
            self.service.metrics().error(pb::ErrorCode::Overloaded);
            tracing::info!("gRPC call refused: too many requests in progress");
            return Err(Status::resource_exhausted("too many requests in progress"));
        };
        let origin = request
            .extensions()
            .get::<Origin>()
            .copied()
            .unwrap_or(Origin::UNKNOWN);
        let reply = self
            .service
            .open_session(request.get_ref(), origin, now_ms());
        Ok(Response::new(reply))
    }
}

/// Forwards the service's responses to the client until the request ends, the client cancels
/// (a `cancel` message or a dropped call), or the client's stream fails. Returning drops
/// `responses`, which cancels the request (queued or running), and frees the handler slot.
async fn relay(
    mut responses: mpsc::Receiver<pb::LogicResponse>,
    mut inbound: Streaming<pb::ExecuteRequest>,
    tx: mpsc::Sender<Result<pb::LogicResponse, Status>>,
    request_id: Vec<u8>,
    _slot: OwnedSemaphorePermit,
) {
    let mut inbound_open = true;
    loop {
        tokio::select! {
            response = responses.recv() => {
                let Some(response) = response else { return };
                if tx.send(Ok(response)).await.is_err() {
                    return;
                }
            }
            message = inbound.message(), if inbound_open => match message {
                Ok(Some(pb::ExecuteRequest { message: Some(Message::Cancel(_)) })) => {
                    let cancelled = pb::LogicResponse {
                        request_id,
                        event: Some(Event::Error(pb::Error {
                            code: pb::ErrorCode::Cancelled as i32,
                            message: "cancelled by the agent".to_owned(),
                            renews_at_ms: 0,
                        })),
                    };
                    // The client may already be gone; either way the request ends here.
                    let _ = tx.send(Ok(cancelled)).await;
                    return;
                }
                Ok(Some(_)) => {}
                Ok(None) => inbound_open = false,
                Err(_) => return,
            },
            () = tx.closed() => return,
        }
    }
}
