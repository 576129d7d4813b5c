//! The metrics endpoint: `GET /metrics` routed by axum, each connection served by hyper's
//! HTTP/1.1 server with a bounded request head, a header read timeout and no keep-alive, and at
//! most [`MAX_CONNECTIONS`] served at once, so a hostile client cannot hold the endpoint.

use std::{sync::Arc, time::Duration};

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, oneshot},
    task::JoinSet,
};

use super::{CONTENT_TYPE, MAX_CONNECTIONS, MAX_REQUEST_BYTES, READ_TIMEOUT};
use crate::Service;

/// How long answering one connection may take once its head is read: 5 s. A client that does
/// not take the response in time is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Pause after a failed `accept` (e.g. out of file descriptors), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Answers connections on `listener` until `stop` fires or its sender is dropped; then drops
/// the connections still open.
pub(crate) async fn serve(
    listener: TcpListener,
    service: Arc<Service>,
    mut stop: oneshot::Receiver<()>,
) {
    let router = Router::new()
        .route("/metrics", get(metrics))
        .with_state(service);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => match Arc::clone(&slots).try_acquire_owned() {
                    Ok(slot) => {
                        connections.spawn(answer(stream, router.clone(), slot));
                    }
                    // Over the limit: the connection is closed unanswered.
                    Err(_) => drop(stream),
                },
                Err(error) => {
                    tracing::warn!(%error, "metrics endpoint cannot accept");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
        }
    }
    connections.abort_all();
}

/// Serves one connection: one request, then close.
async fn answer(stream: TcpStream, router: Router, _slot: OwnedSemaphorePermit) {
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(READ_TIMEOUT)
        .max_buf_size(MAX_REQUEST_BYTES)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    // The head is bounded by the header read timeout; the rest by the write timeout. A client
    // that is gone or stalled just ends the connection.
    let _ = tokio::time::timeout(READ_TIMEOUT + WRITE_TIMEOUT, connection).await;
}

async fn metrics(State(service): State<Arc<Service>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        service.metrics_text(),
    )
}
