//! The two transports: stdio (what desktop hosts launch) and Streamable HTTP.

use std::future::Future;

use crate::{Bridge, Error};
use rmcp::{
    ServiceExt as _,
    transport::{
        async_rw::AsyncRwTransport,
        streamable_http_server::{
            StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
        },
    },
};

/// Largest MCP message either transport reads (one stdio line, one HTTP request body): 32 MiB,
/// room for a module at the wire limit (16 MiB, 21.4 MiB as base64) and an input at its limit
/// (4 MiB) in one call. A longer stdio line is dropped unread; a larger HTTP body gets 413.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// Serves `bridge` over stdin and stdout until the client closes stdin.
///
/// Stdout carries only MCP messages; log to stderr. Fails with [`Error::Start`] when the
/// handshake fails and [`Error::Session`] when the session task dies.
pub async fn serve_stdio(bridge: Bridge) -> Result<(), Error> {
    let running = bridge
        .serve(
            AsyncRwTransport::new_server(tokio::io::stdin(), tokio::io::stdout())
                .with_max_line_length(MAX_MESSAGE_BYTES),
        )
        .await
        .map_err(|err| Error::Start(Box::new(err)))?;
    running.waiting().await.map_err(Error::Session)?;
    Ok(())
}

/// Serves `bridge` over Streamable HTTP at `http://<listener address>/mcp` until `shutdown`
/// completes; then every session ends. Call it inside a Tokio runtime.
///
/// Each MCP session gets its own clone of `bridge` (they share one mesh client). Only requests
/// whose `Host` is a loopback name are served (DNS-rebinding protection), and bodies are capped
/// at [`MAX_MESSAGE_BYTES`]. Fails with [`Error::Http`] when the listener fails.
pub async fn serve_http(
    bridge: Bridge,
    listener: std::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    listener.set_nonblocking(true).map_err(Error::Http)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(Error::Http)?;
    let config =
        StreamableHttpServerConfig::default().with_max_request_body_bytes(MAX_MESSAGE_BYTES);
    let sessions = config.cancellation_token.clone();
    let service = StreamableHttpService::new(
        move || Ok(bridge.clone()),
        LocalSessionManager::default().into(),
        config,
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            sessions.cancel();
        })
        .await
        .map_err(Error::Http)
}
