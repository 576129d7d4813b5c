//! Identities, the sealed envelope, receipts and capability documents of NMP.
//!
//! An agent seals its logic and input to one Data Node with a hybrid post-quantum envelope
//! (X25519 + ML-KEM-768, HKDF-SHA256, AES-256-GCM) and signs the request with its Ed25519
//! identity, whose public key is its libp2p PeerId. The node verifies the request (refusing
//! stale or future timestamps, requests for other nodes and any changed byte), decides whether
//! the agent may ask, opens the envelope (refusing replays), runs the logic, seals the answer
//! under the response key of the same exchange, and signs a receipt the agent verifies.
//! `docs/crypto.md` specifies every byte; `docs/threat-model.md` says what this protects
//! against and what it does not.
//!
//! ```
//! use nmp_crypto::{Identity, KemKeyPair, Keyring, envelope, receipt};
//! use nmp_wire::pb;
//!
//! let agent = Identity::generate();
//! let node = Identity::generate();
//! let now_ms = 1_700_000_000_000;
//! let keyring = Keyring::new(
//!     node.peer_id(),
//!     KemKeyPair::generate(),
//!     now_ms + 86_400_000,
//!     envelope::OpenConfig::default(),
//! );
//! let node_key = &keyring.public_keys(now_ms)[0]; // from the node's capability document
//!
//! // Agent: seal.
//! let payload = pb::LogicPayload { wasm: b"\0asm\x01\0\0\0".to_vec(), input: b"{}".to_vec() };
//! let (request, agent_key) = envelope::seal(
//!     &envelope::SealParams {
//!         agent: &agent,
//!         node_peer: &node.peer_id(),
//!         node_key,
//!         request_id: [7; 16],
//!         capability: "demo.hospital/patients",
//!         timestamp_ms: now_ms,
//!         limits: pb::RequestedLimits::default(),
//!         receipt_kind: pb::ReceiptKind::Signed,
//!     },
//!     &payload,
//! )?;
//!
//! // Node: open, run, answer, receipt.
//! let opened = keyring.open(&request, now_ms + 5)?;
//! assert_eq!(opened.payload, payload);
//! let output = pb::ResponsePayload { stdout: b"{\"count\":3}".to_vec(), ..Default::default() };
//! let sealed = opened.response_key.seal_response(&output);
//! let body = pb::ReceiptBody { output_sha256: sha256(&output.stdout), ..Default::default() };
//! # let body = pb::ReceiptBody { module_sha256: sha256(&payload.wasm), input_sha256: sha256(&payload.input), ..body };
//! let signed = receipt::sign(&node, &body);
//!
//! // Agent: open the answer and check the receipt before using it.
//! let answer = agent_key.open_response(&sealed)?;
//! receipt::verify(&signed, &receipt::Expected {
//!     node: Some(&node.peer_id()),
//!     module_sha256: None,
//!     input_sha256: None,
//!     output: Some(&answer.stdout),
//!     attested: None,
//! })?;
//! # fn sha256(b: &[u8]) -> Vec<u8> { use sha2::Digest; sha2::Sha256::digest(b).to_vec() }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Concepts
//!
//! - [`Identity`]: a peer's Ed25519 key, its [`PeerId`], and its key file; lives as long as the
//!   peer.
//! - [`KemKeyPair`] and [`Keyring`]: a node's envelope keys, rotated with a grace period, and
//!   the replay cache; one per node.
//! - [`envelope::seal`] and [`Keyring::open`]: one sealed `LogicRequest` per request; a node
//!   with an admission policy calls [`Keyring::verify`], decides on the authenticated agent,
//!   then [`envelope::Verified::open`].
//! - [`envelope::ResponseKey`]: seals and opens the one answer to that request.
//! - [`session::offer`], [`Keyring::verify_session`] and [`session::Session`]: a sealed
//!   session, one hybrid exchange whose secret keys many requests; lives until its expiry
//!   (default 10 minutes) or last counter, in the node's bounded session table.
//! - [`receipt::sign`] and [`receipt::verify`]: the node's signed statement about a run, and its
//!   JSON file view.
//! - [`capability::sign`] and [`capability::verify`]: the node's signed capability document.

pub mod capability;
pub mod envelope;
pub mod identity;
pub mod kem;
pub mod receipt;
mod rng;
pub mod session;
#[cfg(feature = "test-vectors")]
pub mod testing;

pub use envelope::Keyring;
pub use identity::Identity;
pub use kem::KemKeyPair;
pub use libp2p_identity::PeerId;
