//! The key schedule of suite 1: transcript, associated data, key derivation and the bytes the
//! agent signs. `docs/crypto.md` specifies every byte; the known-answer vectors pin them.

use hkdf::Hkdf;
use nmp_wire::pb;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::kem::SharedSecrets;

/// The only envelope suite: X25519 + ML-KEM-768, HKDF-SHA256, AES-256-GCM.
pub const SUITE: u32 = 1;

const TRANSCRIPT_LABEL: &[u8] = b"nmp/v1/envelope/transcript\0";
const AAD_LABEL: &[u8] = b"nmp/v1/envelope/aad\0";
const RESPONSE_AAD_LABEL: &[u8] = b"nmp/v1/envelope/response-aad\0";
const REQUEST_KEY_INFO: &[u8] = b"nmp/v1 request key";
const RESPONSE_KEY_INFO: &[u8] = b"nmp/v1 response key";

/// Appends `u32be(len) || bytes`.
pub(crate) fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("every encoded field is checked to be under 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Everything the derived keys are bound to, besides the two shared secrets.
pub(crate) struct Transcript<'a> {
    pub(crate) request_id: &'a [u8],
    pub(crate) timestamp_ms: u64,
    pub(crate) node_peer_id: &'a [u8],
    pub(crate) agent_peer_id: &'a [u8],
    pub(crate) key_id: &'a [u8],
    pub(crate) node_x25519: &'a [u8],
    pub(crate) node_ml_kem: &'a [u8],
    pub(crate) ephemeral: &'a [u8],
    pub(crate) ml_kem_ciphertext: &'a [u8],
}

impl Transcript<'_> {
    /// The transcript bytes: label, suite, then each field length-prefixed in a fixed order.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2_500);
        out.extend_from_slice(TRANSCRIPT_LABEL);
        out.extend_from_slice(&SUITE.to_be_bytes());
        put(&mut out, self.request_id);
        out.extend_from_slice(&self.timestamp_ms.to_be_bytes());
        for field in [
            self.node_peer_id,
            self.agent_peer_id,
            self.key_id,
            self.node_x25519,
            self.node_ml_kem,
            self.ephemeral,
            self.ml_kem_ciphertext,
        ] {
            put(&mut out, field);
        }
        out
    }

    /// SHA-256 of [`Transcript::encode`].
    pub(crate) fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.encode()).into()
    }
}

/// The associated data of the request: the clear metadata of the `LogicRequest`.
pub(crate) fn aad(req: &pb::LogicRequest) -> Vec<u8> {
    let limits = req.limits.unwrap_or_default();
    let mut out = Vec::with_capacity(128 + req.capability.len());
    out.extend_from_slice(AAD_LABEL);
    put(&mut out, &req.request_id);
    put(&mut out, req.capability.as_bytes());
    put(&mut out, &req.node_peer_id);
    put(&mut out, &req.agent_peer_id);
    for value in [
        req.timestamp_ms,
        limits.timeout_ms,
        limits.memory_bytes,
        limits.fuel,
    ] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    out.extend_from_slice(&req.receipt_kind.to_be_bytes());
    out
}

/// The associated data of the response: the request id it answers.
pub(crate) fn response_aad(request_id: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(RESPONSE_AAD_LABEL.len() + 4 + request_id.len());
    out.extend_from_slice(RESPONSE_AAD_LABEL);
    put(&mut out, request_id);
    out
}

/// The two direction keys of one exchange, zeroized on drop.
pub(crate) struct Keys {
    pub(crate) request: Zeroizing<[u8; 32]>,
    pub(crate) response: Zeroizing<[u8; 32]>,
}

/// `PRK = HKDF-Extract(salt = transcript hash, IKM = ss_mlkem || ss_x25519)`, then one
/// `HKDF-Expand` per direction.
pub(crate) fn derive(transcript_hash: &[u8; 32], secrets: &SharedSecrets) -> Keys {
    let mut ikm = Zeroizing::new([0; 64]);
    ikm[..32].copy_from_slice(&secrets.ml_kem[..]);
    ikm[32..].copy_from_slice(&secrets.x25519[..]);
    let hkdf = Hkdf::<Sha256>::new(Some(transcript_hash), &ikm[..]);
    let expand = |info| {
        let mut key = Zeroizing::new([0; 32]);
        hkdf.expand(info, &mut key[..])
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        key
    };
    Keys {
        request: expand(REQUEST_KEY_INFO),
        response: expand(RESPONSE_KEY_INFO),
    }
}

/// The message the agent signs (under the `"nmp/v1/request\0"` domain):
/// `aad || transcript hash || nonce || SHA-256(ciphertext)`.
pub(crate) fn signed_message(
    aad: &[u8],
    transcript_hash: &[u8; 32],
    nonce: &[u8],
    ciphertext: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(aad.len() + 32 + nonce.len() + 32);
    out.extend_from_slice(aad);
    out.extend_from_slice(transcript_hash);
    out.extend_from_slice(nonce);
    out.extend_from_slice(&Sha256::digest(ciphertext));
    out
}
