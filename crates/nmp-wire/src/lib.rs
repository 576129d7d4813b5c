//! The `nmp.v1` wire spec: Protocol Buffers messages and the `LogicMesh` gRPC service.
//!
//! The `.proto` files under `proto/nmp/v1/` are the specification; `docs/protocol.md` explains
//! every message and field, its limits and the versioning rules. This crate compiles them in pure
//! Rust at build time and re-exports the generated types under [`pb`], plus the protocol
//! constants every implementation shares.
//!
//! ```
//! use nmp_wire::pb;
//! use prost::Message;
//!
//! let status = pb::LogicResponse {
//!     request_id: vec![7; 16],
//!     event: Some(pb::logic_response::Event::Status(pb::Status {
//!         stage: pb::Stage::Running as i32,
//!         elapsed_us: 120,
//!         queue_position: 0,
//!     })),
//! };
//! let bytes = status.encode_to_vec();
//! assert_eq!(pb::LogicResponse::decode(bytes.as_slice())?, status);
//! # Ok::<(), prost::DecodeError>(())
//! ```
//!
//! # Concepts
//!
//! - [`pb::LogicRequest`]: one sealed request to run logic against a capability.
//! - [`pb::LogicResponse`]: the response stream: status events, then one result or error.
//! - [`pb::Receipt`]: the node's signed statement about a run.
//! - [`pb::SignedCapabilityDocument`]: what a node serves and on what terms.
//! - [`limits`]: the sizes every implementation enforces before allocating.
//! - [`now_ms`]: the protocol's clock, Unix milliseconds.
//! - [`Label`]: the lower-case name of an enum value (`egress_blocked`), used in JSON, logs and
//!   metrics.

mod clock;
mod generated;
mod label;
pub mod limits;

pub use clock::now_ms;
pub use label::Label;

/// The generated `nmp.v1` messages, enums and the `LogicMesh` client and server stubs.
pub mod pb {
    pub use crate::generated::*;
}

/// The encoded `FileDescriptorSet` of every `nmp.v1` proto, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/nmp_v1_descriptor.bin"));

/// The protobuf package every message lives in.
pub const PACKAGE: &str = "nmp.v1";
