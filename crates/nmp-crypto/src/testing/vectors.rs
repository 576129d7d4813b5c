//! The known-answer vectors committed under `tests/vectors/`, built from labelled seeds.

use nmp_wire::pb;
use prost::Message;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Seeds, seal_response_with_nonce, seal_traced};
use crate::{
    envelope::{SealParams, schedule},
    identity::{Domain, Identity},
    kem::KemKeyPair,
    receipt,
};

/// The command that regenerates the vector files.
pub const GENERATOR: &str = "cargo run -p nmp-crypto --example gen_vectors --features test-vectors";

/// The seed of `N` bytes for `label`: SHA-256("nmp/v1/test-vector/" || label) repeated as needed
/// (each 32-byte block `i` hashes `label || "/" || i`).
pub fn seed<const N: usize>(label: &str) -> [u8; N] {
    let mut out = [0; N];
    for (i, chunk) in out.chunks_mut(32).enumerate() {
        let digest = Sha256::new()
            .chain_update(b"nmp/v1/test-vector/")
            .chain_update(label.as_bytes())
            .chain_update(format!("/{i}").as_bytes())
            .finalize();
        chunk.copy_from_slice(&digest[..chunk.len()]);
    }
    out
}

struct Case {
    name: &'static str,
    capability: &'static str,
    timestamp_ms: u64,
    limits: pb::RequestedLimits,
    payload: pb::LogicPayload,
    response: pb::ResponsePayload,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "small",
            capability: "demo.hospital/patients",
            timestamp_ms: 1_767_225_600_000,
            limits: pb::RequestedLimits {
                timeout_ms: 2_000,
                memory_bytes: 67_108_864,
                fuel: 0,
            },
            payload: pb::LogicPayload {
                wasm: b"\0asm\x01\0\0\0".to_vec(),
                input: br#"{"question":"count"}"#.to_vec(),
            },
            response: pb::ResponsePayload {
                stdout: br#"{"count":42}"#.to_vec(),
                outcome: pb::Outcome::Completed as i32,
                ..pb::ResponsePayload::default()
            },
        },
        Case {
            name: "empty",
            capability: "x",
            timestamp_ms: 1,
            limits: pb::RequestedLimits::default(),
            payload: pb::LogicPayload::default(),
            response: pb::ResponsePayload::default(),
        },
    ]
}

/// The envelope vectors: every input, seed and intermediate value of each case, in hex.
pub fn envelope_vectors() -> Value {
    let cases: Vec<Value> = cases().iter().map(envelope_case).collect();
    json!({
        "description": "nmp.v1 envelope suite 1 (X25519 + ML-KEM-768, HKDF-SHA256, AES-256-GCM); see docs/crypto.md",
        "generator": GENERATOR,
        "seeds": "every secret is seed(label) = SHA-256(\"nmp/v1/test-vector/\" || label || \"/\" || block)",
        "cases": cases,
    })
}

fn envelope_case(case: &Case) -> Value {
    let label = |part: &str| format!("{}/{part}", case.name);
    let agent = Identity::from_secret_bytes(seed(&label("agent")));
    let node = Identity::from_secret_bytes(seed(&label("node")));
    let kem = KemKeyPair::from_seeds(&seed(&label("kem-x25519")), &seed(&label("kem-ml-kem")));
    let node_key = kem.public_key(case.timestamp_ms + 86_400_000);
    let seeds = Seeds {
        ephemeral: seed(&label("ephemeral")),
        ml_kem_m: seed(&label("ml-kem-m")),
        nonce: seed(&label("nonce")),
    };
    let params = SealParams {
        agent: &agent,
        node_peer: &node.peer_id(),
        node_key: &node_key,
        request_id: seed(&label("request-id")),
        capability: case.capability,
        timestamp_ms: case.timestamp_ms,
        limits: case.limits,
        receipt_kind: pb::ReceiptKind::Signed,
    };
    let trace = seal_traced(&params, &case.payload, &seeds).expect("vector parameters are valid");
    let envelope = trace
        .request
        .envelope
        .clone()
        .expect("seal sets the envelope");
    let response_nonce: [u8; 12] = seed(&label("response-nonce"));
    let sealed = seal_response_with_nonce(&trace.response_key, &case.response, response_nonce);
    let inputs = json!({
        "agent_secret": hex::encode(seed::<32>(&label("agent"))),
        "agent_peer_id": hex::encode(agent.peer_id().to_bytes()),
        "agent_peer_id_base58": agent.peer_id().to_base58(),
        "node_peer_id": hex::encode(node.peer_id().to_bytes()),
        "node_kem_x25519_secret": hex::encode(seed::<32>(&label("kem-x25519"))),
        "node_kem_ml_kem_seed": hex::encode(seed::<64>(&label("kem-ml-kem"))),
        "node_kem_key_id": hex::encode(&node_key.key_id),
        "node_kem_x25519": hex::encode(&node_key.x25519),
        "node_kem_ml_kem_768": hex::encode(&node_key.ml_kem_768),
        "node_kem_not_after_ms": node_key.not_after_ms,
        "request_id": hex::encode(params.request_id),
        "capability": case.capability,
        "timestamp_ms": case.timestamp_ms,
        "limits": {
            "timeout_ms": case.limits.timeout_ms,
            "memory_bytes": case.limits.memory_bytes,
            "fuel": case.limits.fuel,
        },
        "receipt_kind": pb::ReceiptKind::Signed as i32,
        "payload_wasm": hex::encode(&case.payload.wasm),
        "payload_input": hex::encode(&case.payload.input),
        "seed_ephemeral": hex::encode(seeds.ephemeral),
        "seed_ml_kem_m": hex::encode(seeds.ml_kem_m),
        "nonce": hex::encode(seeds.nonce),
    });
    let intermediates = json!({
        "payload_encoded": hex::encode(case.payload.encode_to_vec()),
        "x25519_ephemeral": hex::encode(&envelope.x25519_ephemeral),
        "ml_kem_ciphertext": hex::encode(&envelope.ml_kem_ciphertext),
        "x25519_shared": hex::encode(trace.x25519_shared),
        "ml_kem_shared": hex::encode(trace.ml_kem_shared),
        "transcript": hex::encode(&trace.transcript),
        "transcript_hash": hex::encode(trace.transcript_hash),
        "request_key": hex::encode(trace.request_key),
        "response_key": hex::encode(trace.response_key_bytes),
        "aad": hex::encode(&trace.aad),
        "ciphertext": hex::encode(&envelope.ciphertext),
        "signed_message": hex::encode(&trace.signed_message),
        "agent_signature": hex::encode(&trace.request.agent_signature),
        "logic_request": hex::encode(trace.request.encode_to_vec()),
    });
    let response = json!({
        "stdout": hex::encode(&case.response.stdout),
        "stderr": hex::encode(&case.response.stderr),
        "encoded": hex::encode(case.response.encode_to_vec()),
        "nonce": hex::encode(response_nonce),
        "aad": hex::encode(schedule::response_aad(&params.request_id)),
        "ciphertext": hex::encode(&sealed.ciphertext),
        "sealed_response": hex::encode(sealed.encode_to_vec()),
    });
    json!({
        "name": case.name,
        "inputs": inputs,
        "intermediates": intermediates,
        "response": response,
    })
}

/// The receipt vectors: a signed body, the exact signed bytes, the signature and the JSON view.
pub fn receipt_vectors() -> Value {
    let node = Identity::from_secret_bytes(seed("receipt/node"));
    let agent = Identity::from_secret_bytes(seed("receipt/agent"));
    let output = br#"{"count":42}"#;
    let body = pb::ReceiptBody {
        request_id: seed::<16>("receipt/request-id").to_vec(),
        capability: "demo.hospital/patients".into(),
        agent_peer_id: agent.peer_id().to_bytes(),
        module_sha256: Sha256::digest(b"\0asm\x01\0\0\0").to_vec(),
        input_sha256: Sha256::digest(br#"{"question":"count"}"#).to_vec(),
        output_sha256: Sha256::digest(output).to_vec(),
        stderr_sha256: Sha256::digest(b"").to_vec(),
        guardian_report_sha256: seed::<32>("receipt/guardian-report").to_vec(),
        datasets: vec![pb::DatasetCommitment {
            name: "patients".into(),
            sha256: seed::<32>("receipt/dataset").to_vec(),
            files: 2,
            bytes: 18_432,
            snapshot: None,
        }],
        guardian_policy_digest: seed::<32>("receipt/guardian-policy").to_vec(),
        egress_verdict: pb::EgressVerdict::Pass as i32,
        egress_rule_set_digest: seed::<32>("receipt/egress-rules").to_vec(),
        outcome: pb::Outcome::Completed as i32,
        issued_at_ms: 1_767_225_600_123,
        ..Default::default()
    };
    let signed = receipt::sign(&node, &body);
    let mut message = Domain::Receipt.prefix().to_vec();
    message.extend_from_slice(&signed.body);
    json!({
        "description": "nmp.v1 signed receipt: Ed25519 over \"nmp/v1/receipt\\0\" || body; see docs/crypto.md",
        "generator": GENERATOR,
        "node_secret": hex::encode(seed::<32>("receipt/node")),
        "node_peer_id": hex::encode(node.peer_id().to_bytes()),
        "node_peer_id_base58": node.peer_id().to_base58(),
        "output": hex::encode(output),
        "body_encoded": hex::encode(&signed.body),
        "signed_message": hex::encode(message),
        "signature": hex::encode(&signed.signature),
        "receipt": hex::encode(signed.encode_to_vec()),
        "receipt_json": receipt::to_json(&signed),
    })
}
