//! The NMP mesh layer: libp2p transports, Kademlia discovery and the `nmp.v1` stream
//! protocols.
//!
//! A [`Mesh`] runs one libp2p swarm (TCP with Noise and Yamux, QUIC, WebSocket; identify, ping,
//! Kademlia on `/nmp/kad/1.0.0`) in a spawned tokio task. Agents use it to find the nodes that
//! serve a capability, ask each for its signed capability document, and stream a logic request
//! to it; nodes take what peers ask from [`Inbound`]. The crate knows libp2p and the framing,
//! not the pipeline: the node composes these pieces with its own.
//!
//! ```no_run
//! # async fn demo() -> Result<(), nmp_net::Error> {
//! use nmp_net::{Config, Keypair, Mesh};
//!
//! let (mesh, _inbound) = Mesh::bind(Keypair::generate_ed25519(), Config::loopback()).await?;
//! mesh.provide("demo.hospital/patients").await?;
//! for peer in mesh.find_providers("demo.hospital/patients").await? {
//!     let document = mesh.describe(peer).await?;
//!     println!("{peer}: {} document bytes", document.document.len());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Concepts
//!
//! - [`Config`]: listen addresses, bootstrap peers and every limit, with defaults.
//! - [`Mesh`]: a cloneable handle to the running swarm; it stops when the last handle goes.
//! - [`Inbound`]: the node side's bounded queue of [`Incoming`] requests.
//! - [`InfoRequest`]: one `/nmp/info/1` describe request, answered once.
//! - [`LogicStream`]: one `/nmp/logic/1` job stream, split into a [`LogicSender`] for
//!   responses and a [`LogicClosed`] that fires when the agent leaves.
//! - [`codec`]: the length-delimited frames every protocol uses.
//! - [`Origin`]: where a request comes from (an IPv4 address, an IPv6 /64), the key of every
//!   per-origin limit, on the mesh and on a node's gRPC face alike.
//! - [`Stats`]: what discovery has cost a node so far, in Kademlia requests and connections.
//! - [`Budget`]: the node-wide allowance of inbound request bytes with a share per origin,
//!   charged as bytes arrive ([`Charge`]) and shared with a node's gRPC face.

mod budget;
pub mod codec;
mod config;
mod error;
mod info;
mod logic;
mod mesh;
mod origin;
mod swarm;

pub use budget::{Budget, Charge, DEFAULT_BUDGET_BYTES, DEFAULT_ORIGIN_SHARE_BYTES, Exhausted};

pub use codec::FrameError;
pub use config::Config;
pub use error::{BoxError, Error};
pub use info::{
    InfoRequest, MAX_REQUEST_BYTES as MAX_INFO_REQUEST_BYTES, PROTOCOL as INFO_PROTOCOL,
};
pub use libp2p::identity::Keypair;
pub use libp2p::{Multiaddr, PeerId};
pub use logic::{
    LogicClosed, LogicResponses, LogicSender, LogicStream, MAX_REFUSALS,
    PROTOCOL as LOGIC_PROTOCOL, REFUSAL_TIMEOUT,
};
pub use mesh::{Inbound, Incoming, MAX_LOOKUP_PROVIDERS, Mesh, QueryCounts, Stats};
pub use origin::Origin;
pub use swarm::KAD_PROTOCOL;
