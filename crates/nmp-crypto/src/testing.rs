//! Deterministic sealing for known-answer vectors and negative tests (feature `test-vectors`).
//!
//! Fixed seeds reuse secrets: nothing here may seal a real request. The feature exists so the
//! vector generator (`cargo run -p nmp-crypto --example gen_vectors --features test-vectors`),
//! the tests and the benches can reproduce every intermediate value of the key schedule.

mod session;
mod vectors;

use nmp_wire::pb;
use sha2::{Digest, Sha256};

use crate::{
    envelope::{self, NONCE_BYTES, ResponseKey, SealError, SealParams, schedule},
    identity::{Domain, Identity},
    kem::NodeKey,
};

pub use session::session_vectors;
pub use vectors::{GENERATOR, envelope_vectors, receipt_vectors, seed};

/// The random values one seal consumes, fixed.
#[derive(Debug, Clone)]
pub struct Seeds {
    /// The agent's ephemeral X25519 secret.
    pub ephemeral: [u8; 32],
    /// The ML-KEM-768 encapsulation message `m` (FIPS 203 `ML-KEM.Encaps_internal`).
    pub ml_kem_m: [u8; 32],
    /// The AES-256-GCM nonce of the request.
    pub nonce: [u8; NONCE_BYTES],
}

/// Every intermediate value of one seal.
#[derive(Debug)]
#[non_exhaustive]
pub struct Trace {
    /// The sealed, signed request.
    pub request: pb::LogicRequest,
    /// The agent's response key.
    pub response_key: ResponseKey,
    /// The ML-KEM-768 shared secret.
    pub ml_kem_shared: [u8; 32],
    /// The X25519 shared secret.
    pub x25519_shared: [u8; 32],
    /// The transcript bytes.
    pub transcript: Vec<u8>,
    /// SHA-256 of the transcript: the HKDF salt.
    pub transcript_hash: [u8; 32],
    /// The request-direction AES-256-GCM key.
    pub request_key: [u8; 32],
    /// The response-direction AES-256-GCM key.
    pub response_key_bytes: [u8; 32],
    /// The request's associated data.
    pub aad: Vec<u8>,
    /// The bytes the agent signed, without the domain prefix.
    pub signed_message: Vec<u8>,
}

/// [`crate::envelope::seal`] with fixed seeds, returning every intermediate value.
pub fn seal_traced(
    params: &SealParams<'_>,
    payload: &pb::LogicPayload,
    seeds: &Seeds,
) -> Result<Trace, SealError> {
    let randomness = envelope::SealRandomness {
        ephemeral: seeds.ephemeral,
        ml_kem_m: seeds.ml_kem_m,
        nonce: seeds.nonce,
    };
    let (request, response_key) = envelope::seal_with(params, payload, &randomness)?;
    let node_key = NodeKey::parse(params.node_key).map_err(SealError::InvalidNodeKey)?;
    let secrets = node_key
        .encapsulate(&seeds.ephemeral, &seeds.ml_kem_m)
        .map_err(SealError::InvalidNodeKey)?
        .secrets;
    let sealed = request.envelope.clone().unwrap_or_default();
    let transcript = transcript(&request, params.node_key).encode();
    let transcript_hash: [u8; 32] = Sha256::digest(&transcript).into();
    let keys = schedule::derive(&transcript_hash, &secrets);
    let aad = schedule::aad(&request);
    Ok(Trace {
        signed_message: schedule::signed_message(
            &aad,
            &transcript_hash,
            &sealed.nonce,
            &sealed.ciphertext,
        ),
        request,
        response_key,
        ml_kem_shared: *secrets.ml_kem,
        x25519_shared: *secrets.x25519,
        transcript,
        transcript_hash,
        request_key: *keys.request,
        response_key_bytes: *keys.response,
        aad,
    })
}

/// Seals a response with a fixed nonce.
pub fn seal_response_with_nonce(
    key: &ResponseKey,
    payload: &pb::ResponsePayload,
    nonce: [u8; NONCE_BYTES],
) -> pb::SealedResponse {
    key.seal_response_with_nonce(payload, nonce)
}

/// Seals `payload` in `session` under a chosen `counter` and nonce, so a test can replay a
/// counter, skip ahead or go past the session's end.
pub fn seal_in_session(
    session: &crate::session::Session,
    params: &crate::session::SessionSealParams<'_>,
    payload: &pb::LogicPayload,
    counter: u64,
    nonce: [u8; NONCE_BYTES],
) -> Result<(pb::LogicRequest, ResponseKey), SealError> {
    session.seal_with(params, payload, counter, nonce)
}

/// Re-signs a (modified) request as `agent`, so a test can reach the checks behind the
/// signature. `node_key` is the key the envelope names.
pub fn resign(req: &mut pb::LogicRequest, agent: &Identity, node_key: &pb::KemPublicKey) {
    let transcript_hash = transcript(req, node_key).hash();
    let envelope = req.envelope.clone().unwrap_or_default();
    let aad = schedule::aad(req);
    let signed = schedule::signed_message(
        &aad,
        &transcript_hash,
        &envelope.nonce,
        &envelope.ciphertext,
    );
    req.agent_signature = agent.sign(Domain::Request, &signed).to_vec();
}

fn transcript<'a>(
    req: &'a pb::LogicRequest,
    node_key: &'a pb::KemPublicKey,
) -> schedule::Transcript<'a> {
    let envelope = req.envelope.as_ref();
    let field = |f: fn(&'a pb::SealedEnvelope) -> &'a [u8]| envelope.map(f).unwrap_or_default();
    schedule::Transcript {
        request_id: &req.request_id,
        timestamp_ms: req.timestamp_ms,
        node_peer_id: &req.node_peer_id,
        agent_peer_id: &req.agent_peer_id,
        key_id: field(|e| &e.kem_key_id),
        node_x25519: &node_key.x25519,
        node_ml_kem: &node_key.ml_kem_768,
        ephemeral: field(|e| &e.x25519_ephemeral),
        ml_kem_ciphertext: field(|e| &e.ml_kem_ciphertext),
    }
}
