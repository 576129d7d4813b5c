//! The NMP Data Node: composes the Guardian, the sandbox and the egress filter into the
//! pipeline every request goes through, over the datasets the node serves.
//!
//! ```no_run
//! use nmp_node::{Dataset, Job, Outcome, Pipeline, PipelineConfig};
//!
//! let pipeline = Pipeline::new(&PipelineConfig::default())?;
//! let datasets = [Dataset::new("patients", "examples/logic/data")?];
//! let wasm = std::fs::read("examples/logic/c/aggregate.wasm")?;
//! let job = Job { wasm: &wasm, input: b"", datasets: &datasets, limits: None };
//! let execution = pipeline.execute(job)?;
//! assert_eq!(execution.outcome(), Outcome::Completed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Concepts
//!
//! - [`PipelineConfig`]: what the node's pipeline enforces; lives as long as the node.
//! - [`Dataset`]: a read-only directory the guest sees at `/data/<name>`, with its
//!   [`Commitment`] for receipts and the index of its restricted values the egress filter
//!   blocks ([`Dataset::indexed`]).
//! - [`Pipeline`]: the stages composed; one per node, shared by every request.
//! - [`Job`] and [`Execution`]: one request's input and everything the stages concluded.
//! - [`receipt::Context`]: who asked, about what and when; with an execution it makes the
//!   receipt body the node signs.
//! - [`Service`]: the node's request service over the pipeline, its datasets, keys and policy;
//!   one per node, shared in an `Arc` by every transport.
//! - [`grpc::Server`]: the `nmp.v1.LogicMesh` gRPC face of a [`Service`].
//! - [`Node`]: a running Data Node: the service on the libp2p mesh (and gRPC, and a
//!   Prometheus [`metrics`] endpoint), from a configuration file; lives until
//!   [`Node::shutdown`]. It re-commits datasets whose files change.
//!
//! - [`audit::AuditLog`]: the owner's signed, hash-chained record of every request, with the
//!   exact figures (exit codes, fuel, memory, sizes, times, egress findings) agents are not told.
//!
//! Logs go through `tracing` (a `request` span per request; never payloads); see
//! `docs/observability.md` for every event and metric.

pub mod attestation;
pub mod audit;
pub mod config;
mod dataset;
pub mod grpc;
pub mod metrics;
pub mod node;
mod pipeline;
pub mod receipt;
pub mod service;

pub use config::PipelineConfig;
pub use dataset::{Commitment, Dataset, DatasetError, MAX_DEPTH, MAX_FILES};
pub use nmp_dataset::{Kind, MAX_CSV_RECORD_BYTES, SCHEMA_SAMPLE_ROWS};
pub use node::{Node, Refreshed};
pub use pipeline::{
    Execution, Filtered, Job, Outcome, Pipeline, PipelineError, Privacy, Protected,
};
pub use service::Service;
