//! Test support for the workspace's integration tests: the loopback mesh set-up they share (a
//! bootstrap peer on 127.0.0.1, its dial addresses per transport, the TOML of a served dataset,
//! the bundled examples, and waiting for what the DHT delivers asynchronously).
//!
//! A dev-dependency only (`publish = false`). Its functions panic on failure, as test set-up
//! does: a panic here is a failed test.
//!
//! ```no_run
//! # async fn demo() {
//! use nmp_testkit::{Transport, address, bootstrap};
//!
//! let (seed_peer, _inbound) = bootstrap().await;
//! let seed = address(&seed_peer, Transport::Tcp).await;
//! assert!(seed.to_string().ends_with(&seed_peer.peer_id().to_string()));
//! # }
//! ```
//!
//! # Concepts
//!
//! - [`bootstrap`]: a mesh listening on every transport at ephemeral loopback ports.
//! - [`Transport`] and [`address`]: one transport's listen address and a mesh's dial address
//!   on it, ending in `/p2p/<peer id>`.
//! - [`examples`] and [`dataset_toml`]: the bundled example files and one `[[datasets]]` entry
//!   of a node file.
//! - [`eventually`]: checks again until a condition holds or a deadline passes.

mod files;
mod mesh;
mod wait;

pub use files::{dataset_toml, examples};
pub use mesh::{Transport, address, bootstrap};
pub use wait::eventually;
