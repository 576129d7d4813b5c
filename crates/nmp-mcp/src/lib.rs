//! The MCP bridge: NMP as Model Context Protocol tools for any LLM host.
//!
//! A [`Bridge`] wraps an [`NmpClient`](nmp_client::NmpClient) and serves four tools over MCP
//! (built on the official Rust SDK, `rmcp`): `nmp_discover` (capability → nodes and their
//! verified capability documents), `nmp_describe` (one node's datasets and schemas),
//! `nmp_inspect` (the Guardian report for a module, so a model can fix its logic before
//! sending) and `nmp_execute` (sealed logic to one node or every provider of a capability,
//! with per-node results). Dataset schemas are also MCP resources
//! (`nmp://node/{peer}/dataset/{dataset}`).
//!
//! Trust rules: a result reaches the model only after its receipt verified; a receipt that
//! fails, an envelope that does not open or a node that breaks the protocol becomes a per-node
//! failure with a typed kind and no data. Everything a node wrote travels only in structured
//! content, under a key named `data`, never in a tool description or a text summary.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use nmp_client::NmpClient;
//!
//! let client = NmpClient::builder()
//!     .bootstrap("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA".parse()?)
//!     .connect()
//!     .await?;
//! // What a desktop host launches: MCP over stdin/stdout until the host closes it.
//! nmp_mcp::serve_stdio(nmp_mcp::Bridge::new(client)).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Concepts
//!
//! - [`Bridge`]: the MCP server (an `rmcp` `ServerHandler`); cheap to clone, one per session.
//! - [`serve_stdio`] / [`serve_http`]: the two transports, until the peer or a signal ends them.
//! - [`Error`]: why serving failed (tool failures are MCP results, never this error).
//! - Limits: [`MAX_WAT_BYTES`], [`MAX_MESSAGE_BYTES`], [`MAX_KNOWN_NODES`] and the wire
//!   limits of `nmp_wire::limits` on modules and inputs.
//!
//! The full tool reference, with schemas and a desktop-host configuration, is `docs/mcp.md`.

mod bridge;
mod error;
mod execute;
mod params;
mod report;
mod resource;
mod schema;
mod serve;
mod view;

pub use bridge::{Bridge, MAX_KNOWN_NODES};
pub use error::Error;
pub use params::MAX_WAT_BYTES;
pub use serve::{MAX_MESSAGE_BYTES, serve_http, serve_stdio};
