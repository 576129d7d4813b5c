//! Round-trip properties of the `nmp.v1` messages: `decode(encode(x)) == x` and `encoded_len`
//! equals the real length, for arbitrary field values.

use nmp_wire::pb;
use proptest::prelude::*;
use prost::Message;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

fn envelope() -> impl Strategy<Value = pb::SealedEnvelope> {
    (
        any::<u32>(),
        bytes(16),
        bytes(32),
        bytes(1088),
        bytes(12),
        bytes(256),
    )
        .prop_map(
            |(suite, kem_key_id, x25519_ephemeral, ml_kem_ciphertext, nonce, ciphertext)| {
                pb::SealedEnvelope {
                    suite,
                    kem_key_id,
                    x25519_ephemeral,
                    ml_kem_ciphertext,
                    nonce,
                    ciphertext,
                }
            },
        )
}

fn request() -> impl Strategy<Value = pb::LogicRequest> {
    (
        bytes(16),
        ".{0,40}",
        bytes(38),
        bytes(38),
        any::<u64>(),
        any::<[u64; 3]>(),
        0..4i32,
        envelope(),
        bytes(64),
    )
        .prop_map(
            |(request_id, capability, node, agent, timestamp_ms, l, kind, env, sig)| {
                pb::LogicRequest {
                    request_id,
                    capability,
                    node_peer_id: node,
                    agent_peer_id: agent,
                    timestamp_ms,
                    limits: Some(pb::RequestedLimits {
                        timeout_ms: l[0],
                        memory_bytes: l[1],
                        fuel: l[2],
                    }),
                    receipt_kind: kind,
                    envelope: Some(env),
                    agent_signature: sig,
                    session: None,
                }
            },
        )
}

fn finding() -> impl Strategy<Value = pb::GuardianFinding> {
    (
        "[a-z_]{1,24}",
        0..4i32,
        ".{0,60}",
        ".{0,10}",
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(
            |(code, severity, message, section, function_index, byte_offset)| pb::GuardianFinding {
                code,
                severity,
                message,
                location: Some(pb::FindingLocation {
                    section,
                    function_index,
                    byte_offset,
                }),
            },
        )
}

fn response() -> impl Strategy<Value = pb::LogicResponse> {
    let status =
        (0..7i32, any::<u64>(), any::<u32>()).prop_map(|(stage, elapsed_us, queue_position)| {
            pb::logic_response::Event::Status(pb::Status {
                stage,
                elapsed_us,
                queue_position,
            })
        });
    let error = (0..16i32, ".{0,60}", any::<u64>()).prop_map(|(code, message, renews_at_ms)| {
        pb::logic_response::Event::Error(pb::Error {
            code,
            message,
            renews_at_ms,
        })
    });
    let result = (bytes(12), bytes(256)).prop_map(|(nonce, ciphertext)| {
        pb::logic_response::Event::Result(pb::LogicResult {
            sealed: Some(pb::SealedResponse { nonce, ciphertext }),
        })
    });
    (
        bytes(16),
        proptest::option::of(prop_oneof![status, error, result]),
    )
        .prop_map(|(request_id, event)| pb::LogicResponse { request_id, event })
}

fn payload() -> impl Strategy<Value = pb::ResponsePayload> {
    (
        bytes(64),
        0..8i32,
        proptest::collection::vec(finding(), 0..4),
        proptest::collection::vec("[a-z_]{1,16}", 0..4),
        bytes(64),
        bytes(64),
    )
        .prop_map(|(stdout, outcome, findings, categories, body, signature)| {
            pb::ResponsePayload {
                stdout,
                stderr: Vec::new(),
                outcome,
                guardian: Some(pb::GuardianReport {
                    findings,
                    ..Default::default()
                }),
                egress: Some(pb::EgressSummary {
                    verdict: 2,
                    categories,
                    rule_set_digest: vec![0; 32],
                }),
                receipt: Some(pb::Receipt {
                    kind: 1,
                    body,
                    signature,
                    attestation: None,
                }),
            }
        })
}

fn round_trips<M: Message + Default + PartialEq + std::fmt::Debug>(msg: &M) {
    let encoded = msg.encode_to_vec();
    assert_eq!(encoded.len(), msg.encoded_len());
    assert_eq!(&M::decode(encoded.as_slice()).expect("decodes"), msg);
}

proptest! {
    #[test]
    fn logic_request_round_trips(msg in request()) {
        round_trips(&msg);
    }

    #[test]
    fn logic_response_round_trips(msg in response()) {
        round_trips(&msg);
    }

    #[test]
    fn response_payload_round_trips(msg in payload()) {
        round_trips(&msg);
    }

    #[test]
    fn garbage_never_panics(data in bytes(512)) {
        let _ = pb::LogicRequest::decode(data.as_slice());
        let _ = pb::LogicResponse::decode(data.as_slice());
        let _ = pb::ResponsePayload::decode(data.as_slice());
        let _ = pb::SignedCapabilityDocument::decode(data.as_slice());
    }
}

#[test]
fn descriptor_set_names_the_package_and_service() {
    let contains = |needle: &[u8]| {
        nmp_wire::FILE_DESCRIPTOR_SET
            .windows(needle.len())
            .any(|w| w == needle)
    };
    assert!(contains(b"nmp.v1"));
    assert!(contains(b"LogicMesh"));
}
