//! [`Error`]: why serving MCP failed. A failed tool call is an MCP result, never this error.

/// Why [`serve_stdio`](crate::serve_stdio) or [`serve_http`](crate::serve_http) stopped with an
/// error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The MCP handshake with the client failed (a malformed `initialize`, or the client left
    /// before finishing it).
    #[error("the MCP session did not start")]
    Start(#[source] Box<rmcp::service::ServerInitializeError>),
    /// The task serving the session panicked or was aborted.
    #[error("the MCP session ended abnormally")]
    Session(#[source] tokio::task::JoinError),
    /// The HTTP listener failed.
    #[error("the HTTP server failed")]
    Http(#[source] std::io::Error),
}
