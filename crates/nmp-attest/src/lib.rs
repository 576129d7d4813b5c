//! TEE attestation for NMP: verifies a node's hardware quote offline, in pure Rust, and checks
//! that it binds the node's Ed25519 identity and current KEM key.
//!
//! A node running inside an enclave (AWS Nitro, Intel SGX or TDX, AMD SEV-SNP) publishes an
//! `nmp.v1.Attestation` in its capability document: vendor evidence whose signed data carries
//! [`Binding::digest`] over the node's identity, its KEM key and a nonce. An agent checks the
//! evidence's chain to the vendor root at its own time, the measured code against its
//! allow-list, the nonce's freshness, and the binding ([`Policy::check`]) before it seals a
//! request to that KEM key. Nothing here reads a clock or the network: the verification time is
//! a parameter and the collateral travels with the evidence.
//!
//! ```no_run
//! use nmp_attest::{AllowList, Policy};
//! # fn demo(doc: nmp_wire::pb::CapabilityDocument, node: libp2p_identity::PeerId, now_ms: u64)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! let allow = AllowList::new(["sev-snp:measurement=4f2e...".parse()?]);
//! let attested = Policy::allow(allow).check(doc.attestation.as_ref().ok_or("none")?, &node, now_ms)?;
//! assert!(attested.binds_kem_key(&doc.kem_keys[0]));
//! # Ok(()) }
//! ```
//!
//! # Concepts
//! - [`Attestation`]: one vendor's evidence (`Nitro`, `SgxDcap`, `Tdx`, `SevSnp`);
//!   [`Attestation::verify`] checks it against [`Roots`] at a given time into [`Verified`].
//! - [`Measurement`] and [`AllowList`]: the code identity and the identities an agent trusts.
//! - [`Binding`]: the node's keys and nonce the evidence must carry; [`Freshness`]: what nonce
//!   is acceptable.
//! - [`Policy`] and [`Attested`]: all checks in one call, and the proof they passed, which
//!   `nmp_crypto::receipt::verify` requires for a `RECEIPT_KIND_TEE` receipt.
//!
//! Each verifier is a cargo feature, all on by default: `nitro` (`nitro_attest`), `dcap`
//! (`dcap-qvl`, RustCrypto backend), `snp` (`sev`, `crypto_nossl`). Without one, that kind
//! answers [`Error::Disabled`]. Obtaining fresh evidence on real hardware is the node's
//! `[attestation] command`; docs/attestation.md describes it per platform.

mod attestation;
mod binding;
mod error;
mod freshness;
mod kind;
mod measurement;
mod policy;
mod roots;
#[cfg(feature = "test-ca")]
pub mod testing;
mod verify;

pub use attestation::{Attestation, MAX_COLLATERAL_BYTES, MAX_DOCUMENT_BYTES, Verified};
pub use binding::{Binding, DOMAIN, ed25519_public_key};
pub use error::{Error, VendorError};
pub use freshness::{DEFAULT_MAX_AGE_MS, Freshness, MAX_CLOCK_SKEW_MS, nonce_time, time_nonce};
pub use kind::{Kind, UnknownKind};
pub use measurement::{AllowList, Allowed, AllowedError, Measurement};
pub use policy::{Attested, DEFAULT_TCB_STATUSES, Policy};
pub use roots::Roots;
