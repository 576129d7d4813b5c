//! The session schedule: the open transcript, the session id and secret, the confirmation the
//! node returns, and the keys and associated data of each request. `docs/crypto.md` ("Sealed
//! sessions") specifies every byte; the known-answer vectors pin them.

use hkdf::Hkdf;
use nmp_wire::pb;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::SESSION_ID_BYTES;
use crate::{envelope::schedule as envelope, kem::SharedSecrets};

const TRANSCRIPT_LABEL: &[u8] = b"nmp/v1/session/transcript\0";
const AAD_LABEL: &[u8] = b"nmp/v1/session/aad\0";
const CONFIRM_INFO: &[u8] = b"nmp/v1 session confirm";
const REQUEST_KEY_INFO: &[u8] = b"nmp/v1 session request key";
const RESPONSE_KEY_INFO: &[u8] = b"nmp/v1 session response key";

/// Everything the session secret is bound to, besides the two shared secrets.
pub(crate) struct Transcript<'a> {
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
    /// Label, suite, timestamp, then each field length-prefixed in a fixed order.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2_500);
        out.extend_from_slice(TRANSCRIPT_LABEL);
        out.extend_from_slice(&envelope::SUITE.to_be_bytes());
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
            envelope::put(&mut out, field);
        }
        out
    }

    /// SHA-256 of [`Transcript::encode`]: what the agent signs and the HKDF salt.
    pub(crate) fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.encode()).into()
    }
}

/// The session id: the first 16 bytes of the transcript hash.
pub(crate) fn session_id(transcript_hash: &[u8; 32]) -> [u8; SESSION_ID_BYTES] {
    let mut id = [0; SESSION_ID_BYTES];
    id.copy_from_slice(&transcript_hash[..SESSION_ID_BYTES]);
    id
}

/// The session secret: `HKDF-Extract(salt = transcript hash, IKM = ss_mlkem || ss_x25519)`.
pub(crate) fn secret(transcript_hash: &[u8; 32], secrets: &SharedSecrets) -> Zeroizing<[u8; 32]> {
    let mut ikm = Zeroizing::new([0; 64]);
    ikm[..32].copy_from_slice(&secrets.ml_kem[..]);
    ikm[32..].copy_from_slice(&secrets.x25519[..]);
    let (prk, _) = Hkdf::<Sha256>::extract(Some(transcript_hash), &ikm[..]);
    Zeroizing::new(prk.into())
}

/// `HKDF-Expand(secret, info, 32)`.
fn expand(secret: &[u8; 32], info: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let hkdf = Hkdf::<Sha256>::from_prk(secret).expect("32 bytes is a valid HKDF-SHA256 PRK");
    let mut key = Zeroizing::new([0; 32]);
    hkdf.expand_multi_info(info, &mut key[..])
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    key
}

/// The node's proof that it holds the secret, over the session's terms:
/// `HKDF-Expand(secret, "nmp/v1 session confirm" || session_id || u64be(expires_at_ms) ||
/// u64be(max_requests), 32)`.
pub(crate) fn confirmation(
    secret: &[u8; 32],
    session_id: &[u8; SESSION_ID_BYTES],
    expires_at_ms: u64,
    max_requests: u64,
) -> [u8; 32] {
    *expand(
        secret,
        &[
            CONFIRM_INFO,
            session_id,
            &expires_at_ms.to_be_bytes(),
            &max_requests.to_be_bytes(),
        ],
    )
}

/// The two direction keys of one request of the session:
/// `HKDF-Expand(secret, label || request_id || u64be(counter), 32)` per direction.
pub(crate) fn request_keys(secret: &[u8; 32], request_id: &[u8], counter: u64) -> envelope::Keys {
    let counter = counter.to_be_bytes();
    envelope::Keys {
        request: expand(secret, &[REQUEST_KEY_INFO, request_id, &counter]),
        response: expand(secret, &[RESPONSE_KEY_INFO, request_id, &counter]),
    }
}

/// The associated data of a session request: `"nmp/v1/session/aad\0" || lp(session_id) ||
/// u64be(counter) || envelope aad` (the request's clear metadata, exactly as the envelope
/// binds it).
pub(crate) fn aad(req: &pb::LogicRequest, session_id: &[u8], counter: u64) -> Vec<u8> {
    let metadata = envelope::aad(req);
    let mut out = Vec::with_capacity(AAD_LABEL.len() + 28 + metadata.len());
    out.extend_from_slice(AAD_LABEL);
    envelope::put(&mut out, session_id);
    out.extend_from_slice(&counter.to_be_bytes());
    out.extend_from_slice(&metadata);
    out
}
