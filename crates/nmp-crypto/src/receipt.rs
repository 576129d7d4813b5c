//! Signed receipts: a node's statement about one run, and its verification by the agent.
//!
//! A `RECEIPT_KIND_SIGNED` receipt proves which node answered and what it claims (module,
//! input, output, datasets, policies, outcome); it is not a proof that the computation was
//! correct. A `RECEIPT_KIND_TEE` receipt is the same signature plus the attestation that binds
//! the signing identity to a measured enclave; [`verify`] accepts it only together with the
//! [`Attested`] proof that the agent checked that attestation (`nmp_attest::Policy::check`).
//! `ZK` is reserved and never accepted.

mod json;

use libp2p_identity::PeerId;
use nmp_attest::Attested;
use nmp_wire::pb;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::identity::{self, Domain, Identity, SignatureError};

pub use json::{FORMAT as JSON_FORMAT, JsonError, from_json, to_json};

/// The receipt body format version this crate signs and verifies: 2 (version 1 carried the exact
/// resources a run used, a channel the guest controls).
pub const VERSION: u32 = 2;

/// Largest receipt body accepted, checked before decoding: 64 KiB (about 500 dataset
/// commitments).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Signs a receipt body as `node`.
///
/// Sets `version` to [`VERSION`], `kind` to `RECEIPT_KIND_SIGNED` and `node_peer_id` to the
/// signer's PeerId, so a signer can only ever vouch for itself; everything else is signed as
/// given. The body is encoded once (prost's deterministic field order) and those exact bytes are
/// signed and carried. Costs about 20 µs.
pub fn sign(node: &Identity, body: &pb::ReceiptBody) -> pb::Receipt {
    let mut body = body.clone();
    body.version = VERSION;
    body.kind = pb::ReceiptKind::Signed as i32;
    body.node_peer_id = node.peer_id().to_bytes();
    let body = body.encode_to_vec();
    pb::Receipt {
        kind: pb::ReceiptKind::Signed as i32,
        signature: node.sign(Domain::Receipt, &body).to_vec(),
        body,
        attestation: None,
    }
}

/// Signs a `RECEIPT_KIND_TEE` receipt as `node`: as [`sign`], with `kind` set to TEE in the
/// body and the receipt, carrying `attestation` (the one the node publishes, which binds
/// `node`'s identity) beside the signed body.
pub fn sign_attested(
    node: &Identity,
    body: &pb::ReceiptBody,
    attestation: pb::Attestation,
) -> pb::Receipt {
    let mut body = body.clone();
    body.version = VERSION;
    body.kind = pb::ReceiptKind::Tee as i32;
    body.node_peer_id = node.peer_id().to_bytes();
    let body = body.encode_to_vec();
    pb::Receipt {
        kind: pb::ReceiptKind::Tee as i32,
        signature: node.sign(Domain::Receipt, &body).to_vec(),
        body,
        attestation: Some(attestation),
    }
}

/// What the agent expects of a receipt; each `None` is not checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected<'a> {
    /// The node the request was sealed to.
    pub node: Option<&'a PeerId>,
    /// SHA-256 of the module the agent sent.
    pub module_sha256: Option<[u8; 32]>,
    /// SHA-256 of the input the agent sent.
    pub input_sha256: Option<[u8; 32]>,
    /// The output bytes the agent received.
    pub output: Option<&'a [u8]>,
    /// The attestation the agent verified for this node. When set, only a `RECEIPT_KIND_TEE`
    /// receipt from that node carrying that same attestation passes; when `None`, a TEE
    /// receipt is refused ([`VerifyError::UnsupportedKind`]).
    pub attested: Option<&'a Attested>,
}

/// Why a receipt was refused. Nothing in it may be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The kind is not `RECEIPT_KIND_SIGNED`, or not `RECEIPT_KIND_TEE` when the agent passed
    /// an [`Attested`] (a TEE receipt without one, and ZK receipts, are never accepted).
    #[error("unsupported receipt kind {0}")]
    UnsupportedKind(i32),
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("receipt body is {actual} bytes, limit {limit}")]
    TooLarge {
        /// The body's size.
        actual: usize,
        /// [`MAX_BODY_BYTES`].
        limit: usize,
    },
    /// The body bytes are not a `ReceiptBody`.
    #[error("receipt body does not decode")]
    MalformedBody(#[source] prost::DecodeError),
    /// A body field is missing or has the wrong size or meaning.
    #[error("receipt field `{field}` malformed: {reason}")]
    Malformed {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The body's format version is not [`VERSION`].
    #[error("unsupported receipt version {0}")]
    UnsupportedVersion(u32),
    /// The signature does not verify against the node named in the body.
    #[error("receipt signature invalid")]
    BadSignature(#[source] SignatureError),
    /// A valid receipt, but from another node than expected.
    #[error("receipt signed by {actual}, not by the expected node")]
    WrongNode {
        /// The node that signed.
        actual: PeerId,
    },
    /// The receipt is for another module than the one the agent sent.
    #[error(
        "receipt is for module {}, expected {}",
        hex::encode(actual),
        hex::encode(expected)
    )]
    WrongModule {
        /// The agent's module digest.
        expected: [u8; 32],
        /// The digest in the receipt.
        actual: [u8; 32],
    },
    /// The receipt names another input than the agent's.
    #[error(
        "receipt is for input {}, not {}",
        hex::encode(actual),
        hex::encode(expected)
    )]
    WrongInput {
        /// The agent's input digest.
        expected: [u8; 32],
        /// The digest in the receipt.
        actual: [u8; 32],
    },
    /// The output the agent received is not the output the node receipted.
    #[error(
        "output digest {} does not match receipt's {}",
        hex::encode(actual),
        hex::encode(receipted)
    )]
    OutputMismatch {
        /// SHA-256 of the bytes received.
        actual: [u8; 32],
        /// The digest in the receipt.
        receipted: [u8; 32],
    },
    /// A TEE receipt whose attestation is missing, is not the one the agent verified, or
    /// binds another node than the signer.
    #[error("receipt attestation is not the one verified for this node")]
    AttestationMismatch,
}

/// Verifies a receipt and returns its body.
///
/// Checks, in order: the kind (`SIGNED`, or `TEE` exactly when `expected.attested` is set),
/// the body size, the body encoding, version and kind, the node PeerId, the Ed25519 signature
/// over `"nmp/v1/receipt\0" || body` (strict), for TEE that the receipt carries the attestation
/// the agent verified and that it binds the signer, then each expectation. Costs about 50 µs
/// plus SHA-256 over `expected.output` (and over the attestation for TEE).
pub fn verify(
    receipt: &pb::Receipt,
    expected: &Expected<'_>,
) -> Result<pb::ReceiptBody, VerifyError> {
    let want = match expected.attested {
        Some(_) => pb::ReceiptKind::Tee,
        None => pb::ReceiptKind::Signed,
    };
    if receipt.kind != want as i32 {
        return Err(VerifyError::UnsupportedKind(receipt.kind));
    }
    if receipt.body.len() > MAX_BODY_BYTES {
        return Err(VerifyError::TooLarge {
            actual: receipt.body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    let body =
        pb::ReceiptBody::decode(receipt.body.as_slice()).map_err(VerifyError::MalformedBody)?;
    if body.version != VERSION {
        return Err(VerifyError::UnsupportedVersion(body.version));
    }
    if body.kind != receipt.kind {
        return Err(VerifyError::UnsupportedKind(body.kind));
    }
    let node = identity::parse_peer_id(&body.node_peer_id).ok_or(VerifyError::Malformed {
        field: "node_peer_id",
        reason: "not a PeerId",
    })?;
    identity::verify(&node, Domain::Receipt, &receipt.body, &receipt.signature)
        .map_err(VerifyError::BadSignature)?;
    if let Some(attested) = expected.attested {
        let carried = receipt
            .attestation
            .as_ref()
            .ok_or(VerifyError::AttestationMismatch)?;
        let digest: [u8; 32] = Sha256::digest(carried.encode_to_vec()).into();
        if attested.node() != &node || &digest != attested.evidence_sha256() {
            return Err(VerifyError::AttestationMismatch);
        }
    }
    if let Some(&expected) = expected.node
        && expected != node
    {
        return Err(VerifyError::WrongNode { actual: node });
    }
    let module = digest(&body.module_sha256, "module_sha256")?;
    let output = digest(&body.output_sha256, "output_sha256")?;
    let input = digest(&body.input_sha256, "input_sha256")?;
    if let Some(expected) = expected.module_sha256
        && expected != module
    {
        return Err(VerifyError::WrongModule {
            expected,
            actual: module,
        });
    }
    if let Some(expected) = expected.input_sha256
        && expected != input
    {
        return Err(VerifyError::WrongInput {
            expected,
            actual: input,
        });
    }
    if let Some(bytes) = expected.output {
        let actual: [u8; 32] = Sha256::digest(bytes).into();
        if actual != output {
            return Err(VerifyError::OutputMismatch {
                actual,
                receipted: output,
            });
        }
    }
    Ok(body)
}

fn digest(bytes: &[u8], field: &'static str) -> Result<[u8; 32], VerifyError> {
    bytes.try_into().map_err(|_| VerifyError::Malformed {
        field,
        reason: "not a 32-byte SHA-256 digest",
    })
}
