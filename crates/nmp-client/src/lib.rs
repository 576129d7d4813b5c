//! The NMP Rust SDK: find the Data Nodes that can answer a question, send them sealed logic,
//! and get back only answers whose receipts verify.
//!
//! An [`NmpClient`] joins the mesh through bootstrap peers, looks up the providers of a
//! capability in the DHT, fetches and verifies each node's signed capability document, checks
//! the module with the same Guardian the node runs (pre-flight), seals module and input to the
//! node's hybrid X25519 + ML-KEM-768 key, streams the status events, opens the sealed answer
//! and verifies the signed receipt against the node, the module, the input and the output.
//! Only then does it return the output.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use nmp_client::{Logic, NmpClient};
//!
//! let client = NmpClient::builder()
//!     .bootstrap("/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA".parse()?)
//!     .connect()
//!     .await?;
//! let wasm = std::fs::read("examples/logic/c/aggregate.wasm").expect("module");
//! let logic = Logic::new("demo.hospital/patients", wasm).with_input(b"{}".to_vec());
//! for node in client.execute_all(&logic).await? {
//!     match node.answer {
//!         Ok(answer) => println!("{}: {}", node.peer, String::from_utf8_lossy(&answer.output)),
//!         Err(err) => eprintln!("{}: {err}", node.peer),
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Concepts
//!
//! - [`Builder`]: identity, bootstrap peers, mesh limits, timeouts and the pre-flight policy.
//! - [`NmpClient`]: `discover`, `describe`, `execute`, `execute_all`, `budget`; cheap to
//!   clone.
//! - [`Logic`]: what to run: capability, module, input and requested limits.
//! - [`Provider`]: a node with its verified capability document (and verified attestation,
//!   under a TEE policy).
//! - [`Answer`]: a verified result: outcome, output, reports and the receipt body.
//! - [`Error`]: every way a call fails; nothing in a failed call is trusted. [`ErrorKind`]
//!   classifies it for scripts and models.

mod answer;
mod attestation;
mod budget;
mod builder;
mod client;
mod error;
mod exchange;
mod grpc;
mod logic;

pub use answer::{Answer, NodeAnswer, outcome_name, verdict_name};
pub use attestation::AttestationStatus;
pub use builder::{Builder, DEFAULT_EXECUTE_TIMEOUT};
pub use client::{Discovery, MAX_PROVIDERS, NmpClient, Provider};
pub use error::{Error, ErrorKind};
pub use exchange::MAX_STATUS_EVENTS;
pub use grpc::GrpcNode;
pub use logic::Logic;
pub use nmp_attest;
pub use nmp_crypto::Identity;
pub use nmp_net::{Multiaddr, PeerId};
pub use nmp_wire::pb::{Outcome, Stage, Status};
