//! The session known-answer vectors (`tests/vectors/session.json`): one offer, the node's
//! acceptance, and two requests of the session with their responses.

use nmp_wire::pb;
use prost::Message;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::{GENERATOR, seal_response_with_nonce, seed};
use crate::{
    Keyring,
    envelope::{OpenConfig, schedule as envelope_schedule},
    identity::Identity,
    kem::{KemKeyPair, NodeKey},
    session::{self, OfferRandomness, SessionConfig, SessionSealParams, schedule},
};

const TIMESTAMP_MS: u64 = 1_767_225_600_000;
const TTL_MS: u64 = 600_000;
const MAX_REQUESTS: u64 = 1_000;

/// The session vectors: every seed, the offer, the acceptance and two requests, in hex.
pub fn session_vectors() -> Value {
    let label = |part: &str| format!("session/{part}");
    let agent = Identity::from_secret_bytes(seed(&label("agent")));
    let node = Identity::from_secret_bytes(seed(&label("node")));
    let kem = KemKeyPair::from_seeds(&seed(&label("kem-x25519")), &seed(&label("kem-ml-kem")));
    let not_after_ms = TIMESTAMP_MS + 86_400_000;
    let node_key = kem.public_key(not_after_ms);
    let sessions = SessionConfig::default()
        .ttl_ms(TTL_MS)
        .max_requests(MAX_REQUESTS);
    let keyring = Keyring::new(
        node.peer_id(),
        kem,
        not_after_ms,
        OpenConfig::default().sessions(sessions),
    );
    let seeds = OfferRandomness {
        ephemeral: Zeroizing::new(seed(&label("ephemeral"))),
        ml_kem_m: Zeroizing::new(seed(&label("ml-kem-m"))),
    };
    let (open, pending) =
        session::offer_with(&agent, &node.peer_id(), &node_key, TIMESTAMP_MS, &seeds)
            .expect("vector parameters are valid");
    let secrets = NodeKey::parse(&node_key)
        .and_then(|key| key.encapsulate(&seeds.ephemeral, &seeds.ml_kem_m))
        .expect("vector parameters are valid")
        .secrets;
    let transcript = session::transcript(&open, &node_key.x25519, &node_key.ml_kem_768);
    let transcript_hash = transcript.hash();
    let secret = schedule::secret(&transcript_hash, &secrets);
    let accepted = keyring
        .verify_session(&open, TIMESTAMP_MS)
        .and_then(session::VerifiedOffer::establish)
        .expect("the node accepts the vector's offer");
    let established = pending.accept(&accepted).expect("the confirmation checks");
    let requests: Vec<Value> = [(0, "first"), (1, "second")]
        .into_iter()
        .map(|(counter, name)| request_case(&established, &secret, counter, name))
        .collect();
    json!({
        "description": "nmp.v1 sealed sessions (suite 1: X25519 + ML-KEM-768, HKDF-SHA256, AES-256-GCM); see docs/crypto.md, \"Sealed sessions\"",
        "generator": GENERATOR,
        "seeds": "every secret is seed(label) = SHA-256(\"nmp/v1/test-vector/\" || label || \"/\" || block)",
        "inputs": {
            "agent_secret": hex::encode(seed::<32>(&label("agent"))),
            "agent_peer_id": hex::encode(agent.peer_id().to_bytes()),
            "node_secret": hex::encode(seed::<32>(&label("node"))),
            "node_peer_id": hex::encode(node.peer_id().to_bytes()),
            "node_kem_x25519_secret": hex::encode(seed::<32>(&label("kem-x25519"))),
            "node_kem_ml_kem_seed": hex::encode(seed::<64>(&label("kem-ml-kem"))),
            "node_kem_key_id": hex::encode(&node_key.key_id),
            "node_kem_x25519": hex::encode(&node_key.x25519),
            "node_kem_ml_kem_768": hex::encode(&node_key.ml_kem_768),
            "node_kem_not_after_ms": not_after_ms,
            "timestamp_ms": TIMESTAMP_MS,
            "node_now_ms": TIMESTAMP_MS,
            "session_ttl_ms": TTL_MS,
            "seed_ephemeral": hex::encode(*seeds.ephemeral),
            "seed_ml_kem_m": hex::encode(*seeds.ml_kem_m),
        },
        "open": {
            "x25519_ephemeral": hex::encode(&open.x25519_ephemeral),
            "ml_kem_ciphertext": hex::encode(&open.ml_kem_ciphertext),
            "x25519_shared": hex::encode(*secrets.x25519),
            "ml_kem_shared": hex::encode(*secrets.ml_kem),
            "transcript": hex::encode(transcript.encode()),
            "transcript_hash": hex::encode(transcript_hash),
            "session_id": hex::encode(established.id()),
            "session_secret": hex::encode(*secret),
            "agent_signature": hex::encode(&open.agent_signature),
            "session_open": hex::encode(open.encode_to_vec()),
        },
        "accepted": {
            "expires_at_ms": accepted.expires_at_ms,
            "max_requests": accepted.max_requests,
            "confirmation": hex::encode(&accepted.confirmation),
            "session_accepted": hex::encode(accepted.encode_to_vec()),
        },
        "requests": requests,
    })
}

fn request_case(
    established: &session::Session,
    secret: &[u8; 32],
    counter: u64,
    name: &str,
) -> Value {
    let label = |part: &str| format!("session/{name}/{part}");
    let payload = pb::LogicPayload {
        wasm: b"\0asm\x01\0\0\0".to_vec(),
        input: format!("{{\"request\":\"{name}\"}}").into_bytes(),
    };
    let params = SessionSealParams {
        request_id: seed(&label("request-id")),
        capability: "demo.hospital/patients",
        timestamp_ms: TIMESTAMP_MS + 1_000 * (counter + 1),
        limits: pb::RequestedLimits {
            timeout_ms: 2_000,
            memory_bytes: 0,
            fuel: 0,
        },
        receipt_kind: pb::ReceiptKind::Signed,
    };
    let nonce: [u8; 12] = seed(&label("nonce"));
    let (request, response_key) = established
        .seal_with(&params, &payload, counter, nonce)
        .expect("vector parameters are valid");
    let sealed = request.session.clone().unwrap_or_default();
    let keys = schedule::request_keys(secret, &params.request_id, counter);
    let response = pb::ResponsePayload {
        stdout: format!("{{\"answer\":\"{name}\"}}").into_bytes(),
        outcome: pb::Outcome::Completed as i32,
        ..pb::ResponsePayload::default()
    };
    let response_nonce: [u8; 12] = seed(&label("response-nonce"));
    let sealed_response = seal_response_with_nonce(&response_key, &response, response_nonce);
    json!({
        "name": name,
        "counter": counter,
        "request_id": hex::encode(params.request_id),
        "timestamp_ms": params.timestamp_ms,
        "payload_encoded": hex::encode(payload.encode_to_vec()),
        "nonce": hex::encode(nonce),
        "request_key": hex::encode(*keys.request),
        "response_key": hex::encode(*keys.response),
        "aad": hex::encode(schedule::aad(&request, &established.id(), counter)),
        "ciphertext": hex::encode(&sealed.ciphertext),
        "logic_request": hex::encode(request.encode_to_vec()),
        "response": {
            "encoded": hex::encode(response.encode_to_vec()),
            "nonce": hex::encode(response_nonce),
            "aad": hex::encode(envelope_schedule::response_aad(&params.request_id)),
            "ciphertext": hex::encode(&sealed_response.ciphertext),
            "sealed_response": hex::encode(sealed_response.encode_to_vec()),
        },
    })
}
