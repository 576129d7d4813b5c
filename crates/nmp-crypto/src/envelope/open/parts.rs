//! The size and shape checks of a sealed request, before anything is allocated from it.

use libp2p_identity::PeerId;
use nmp_wire::{limits, pb};

use super::OpenError;
use crate::{
    envelope::{NONCE_BYTES, SIGNATURE_BYTES, SUITE, TAG_BYTES},
    identity,
    kem::{KEY_ID_BYTES, ML_KEM_768_CIPHERTEXT_BYTES, X25519_BYTES},
};

/// The fixed-size parts of a request, checked.
pub(super) struct Parts<'a> {
    pub(super) request_id: [u8; limits::REQUEST_ID_BYTES],
    pub(super) node: PeerId,
    pub(super) agent: PeerId,
    pub(super) key_id: [u8; KEY_ID_BYTES],
    pub(super) ephemeral: [u8; X25519_BYTES],
    pub(super) ml_kem_ciphertext: [u8; ML_KEM_768_CIPHERTEXT_BYTES],
    pub(super) nonce: [u8; NONCE_BYTES],
    pub(super) ciphertext: &'a [u8],
}

impl<'a> Parts<'a> {
    pub(super) fn check(req: &'a pb::LogicRequest) -> Result<Self, OpenError> {
        let request_id = fixed(&req.request_id, "request_id")?;
        check_metadata(req)?;
        let node = peer_id(&req.node_peer_id, "node_peer_id")?;
        let agent = peer_id(&req.agent_peer_id, "agent_peer_id")?;
        let envelope = req.envelope.as_ref().ok_or(OpenError::Malformed {
            field: "envelope",
            reason: "missing",
        })?;
        if envelope.suite != SUITE {
            return Err(OpenError::UnsupportedSuite(envelope.suite));
        }
        let _: [u8; SIGNATURE_BYTES] = fixed(&req.agent_signature, "agent_signature")?;
        check_ciphertext(&envelope.ciphertext)?;
        Ok(Self {
            request_id,
            node,
            agent,
            key_id: fixed(&envelope.kem_key_id, "kem_key_id")?,
            ephemeral: fixed(&envelope.x25519_ephemeral, "x25519_ephemeral")?,
            ml_kem_ciphertext: fixed(&envelope.ml_kem_ciphertext, "ml_kem_ciphertext")?,
            nonce: fixed(&envelope.nonce, "nonce")?,
            ciphertext: &envelope.ciphertext,
        })
    }
}

/// The clear metadata every sealed request shares: a capability name of 1 to
/// `limits::MAX_CAPABILITY_BYTES` bytes and a signed receipt.
pub(crate) fn check_metadata(req: &pb::LogicRequest) -> Result<(), OpenError> {
    if req.capability.is_empty() {
        return Err(OpenError::Malformed {
            field: "capability",
            reason: "empty",
        });
    }
    too_large(
        "capability",
        limits::MAX_CAPABILITY_BYTES,
        req.capability.len(),
    )?;
    let kind = pb::ReceiptKind::try_from(req.receipt_kind).ok();
    if !matches!(kind, Some(pb::ReceiptKind::Signed | pb::ReceiptKind::Tee)) {
        return Err(OpenError::UnsupportedReceiptKind(req.receipt_kind));
    }
    Ok(())
}

/// A fixed-size field: shorter is [`OpenError::Truncated`], longer is [`OpenError::Malformed`].
pub(crate) fn fixed<const N: usize>(
    bytes: &[u8],
    field: &'static str,
) -> Result<[u8; N], OpenError> {
    if bytes.len() < N {
        return Err(OpenError::Truncated {
            field,
            expected: N,
            actual: bytes.len(),
        });
    }
    bytes.try_into().map_err(|_| OpenError::Malformed {
        field,
        reason: "too long",
    })
}

/// An AEAD ciphertext: at least a tag, at most a frame.
pub(crate) fn check_ciphertext(ciphertext: &[u8]) -> Result<(), OpenError> {
    if ciphertext.len() < TAG_BYTES {
        return Err(OpenError::Truncated {
            field: "ciphertext",
            expected: TAG_BYTES,
            actual: ciphertext.len(),
        });
    }
    too_large("ciphertext", limits::MAX_FRAME_BYTES, ciphertext.len())
}

/// The opened payload's module and input within their protocol limits.
pub(super) fn check_payload(payload: &pb::LogicPayload) -> Result<(), OpenError> {
    too_large("wasm", limits::MAX_MODULE_BYTES, payload.wasm.len())?;
    too_large("input", limits::MAX_INPUT_BYTES, payload.input.len())
}

fn too_large(field: &'static str, limit: usize, actual: usize) -> Result<(), OpenError> {
    if actual > limit {
        return Err(OpenError::TooLarge {
            field,
            limit,
            actual,
        });
    }
    Ok(())
}

pub(crate) fn peer_id(bytes: &[u8], field: &'static str) -> Result<PeerId, OpenError> {
    identity::parse_peer_id(bytes).ok_or(OpenError::Malformed {
        field,
        reason: "not a PeerId",
    })
}
