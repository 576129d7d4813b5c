//! The serving loop: answers describe requests, and pipes each logic stream through the
//! service, with a bound on the handlers running at once.

use std::{sync::Arc, time::Duration};

use nmp_net::{Inbound, Incoming, LogicStream, Mesh};
use nmp_wire::pb::{self, logic_response::Event};
use tokio::{
    sync::{OwnedSemaphorePermit, Semaphore, oneshot},
    task::JoinSet,
};

use super::{SHUTDOWN_GRACE, now_ms};
use crate::Service;

/// Logic streams handled at once (admitted, queued or running), from the mesh and gRPC
/// together: 256. One more is answered at once with `ERROR_CODE_OVERLOADED` and closed (gRPC:
/// `RESOURCE_EXHAUSTED`). The service's own run slots and job queue bound the work underneath.
pub const MAX_LOGIC_HANDLERS: usize = 256;

/// How long an `OVERLOADED` refusal may take to write before its stream is dropped: 1 s.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(1);

/// Such refusals written at once, each in its own task so that a peer too slow to take one
/// never stalls the loop: 64. One more stream is dropped (reset) instead.
const MAX_REFUSING: usize = 64;

/// Serves `inbound` until `stop` fires (or its sender is dropped) or the mesh shuts down, then
/// waits up to [`SHUTDOWN_GRACE`] for running handlers. Each logic stream takes one of `slots`
/// (shared with the gRPC face). `mesh` is held so the swarm outlives the loop.
pub(super) async fn run(
    (mesh, mut inbound): (Mesh, Inbound),
    service: Arc<Service>,
    slots: Arc<Semaphore>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut handlers = JoinSet::new();
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(_) = handlers.join_next(), if !handlers.is_empty() => {}
            incoming = inbound.next() => match incoming {
                None => break,
                Some(Incoming::Info(request)) => {
                    // Best effort: a peer that left simply gets nothing.
                    let _ = request.respond(service.describe(now_ms())).await;
                }
                Some(Incoming::Logic(stream)) => match Arc::clone(&slots).try_acquire_owned() {
                    Ok(permit) => {
                        handlers.spawn(handle(Arc::clone(&service), *stream, permit));
                    }
                    Err(_) => {
                        service.metrics().error(pb::ErrorCode::Overloaded);
                        tracing::info!(peer = %stream.peer(), "refused: too many requests in progress");
                        if let Ok(refusal) = Arc::clone(&refusing).try_acquire_owned() {
                            handlers.spawn(refuse(*stream, refusal));
                        }
                    }
                },
                Some(_) => {}
            },
        }
    }
    drop(inbound);
    let drain = async { while handlers.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        handlers.abort_all();
    }
    drop(mesh);
}

/// Pipes one request through the service. When the agent leaves first, the response receiver
/// is dropped, which cancels the job at any stage (admitted, queued or running).
async fn handle(service: Arc<Service>, stream: LogicStream, _slot: OwnedSemaphorePermit) {
    let origin = stream.origin();
    let (request, mut sender, closed) = stream.into_parts();
    let mut responses = service.execute(request, origin, now_ms());
    let pipe = async move {
        while let Some(response) = responses.recv().await {
            if sender.send(&response).await.is_err() {
                return;
            }
        }
        // The agent has every response; a failed close changes nothing for it.
        let _ = sender.finish().await;
    };
    tokio::select! {
        () = pipe => {}
        () = closed.wait() => {}
    }
}

/// Answers a stream beyond [`MAX_LOGIC_HANDLERS`] with `ERROR_CODE_OVERLOADED`, holding one of
/// the [`MAX_REFUSING`] refusal slots while it does.
async fn refuse(stream: LogicStream, _slot: OwnedSemaphorePermit) {
    let id = &stream.request().request_id;
    let request_id = if id.len() == nmp_wire::limits::REQUEST_ID_BYTES {
        id.clone()
    } else {
        Vec::new()
    };
    let (_, mut sender, _) = stream.into_parts();
    let response = pb::LogicResponse {
        request_id,
        event: Some(Event::Error(pb::Error {
            code: pb::ErrorCode::Overloaded as i32,
            message: format!("more than {MAX_LOGIC_HANDLERS} requests in progress"),
            renews_at_ms: 0,
        })),
    };
    let reply = async move {
        if sender.send(&response).await.is_ok() {
            let _ = sender.finish().await;
        }
    };
    // A peer too slow to take the refusal loses its stream.
    let _ = tokio::time::timeout(REFUSAL_TIMEOUT, reply).await;
}
