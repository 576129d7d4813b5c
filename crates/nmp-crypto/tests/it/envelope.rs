//! Every way an envelope is refused, each with its own error; byte flips; key rotation.

use nmp_crypto::{
    KemKeyPair, Keyring,
    envelope::{self, OpenConfig, OpenError, SealError},
    identity::SignatureError,
    kem::KemKeyError,
    testing,
};
use nmp_wire::pb;
use prost::Message;

use crate::{Fixture, NOW, payload};

fn sealed(fx: &Fixture, id: u8) -> pb::LogicRequest {
    envelope::seal(&fx.params(id), &payload()).unwrap().0
}

/// Applies `change` to a sealed request, re-signs it, and opens it at `NOW`.
fn open_changed(change: impl FnOnce(&mut pb::LogicRequest)) -> OpenError {
    let fx = Fixture::new(1);
    let mut req = sealed(&fx, 1);
    change(&mut req);
    testing::resign(&mut req, &fx.agent, &fx.node_key);
    fx.keyring.open(&req, NOW).unwrap_err()
}

fn env(req: &mut pb::LogicRequest) -> &mut pb::SealedEnvelope {
    req.envelope.as_mut().unwrap()
}

#[test]
fn seal_then_open_then_respond() {
    let fx = Fixture::new(1);
    let (req, agent_key) = envelope::seal(&fx.params(1), &payload()).unwrap();
    let opened = fx.keyring.open(&req, NOW + 10).unwrap();
    assert_eq!(opened.payload, payload());
    assert_eq!(opened.agent, fx.agent.peer_id());
    let answer = pb::ResponsePayload {
        stdout: b"42".to_vec(),
        stderr: b"warn".to_vec(),
        ..Default::default()
    };
    let sealed = opened.response_key.seal_response(&answer);
    assert_eq!(agent_key.open_response(&sealed).unwrap(), answer);
}

#[test]
fn each_refusal_has_its_own_variant() {
    let truncated = open_changed(|r| env(r).ciphertext.truncate(10));
    assert!(matches!(
        truncated,
        OpenError::Truncated {
            field: "ciphertext",
            expected: 16,
            actual: 10
        }
    ));
    let short_key = open_changed(|r| env(r).ml_kem_ciphertext.truncate(1000));
    assert!(matches!(
        short_key,
        OpenError::Truncated {
            field: "ml_kem_ciphertext",
            ..
        }
    ));
    let long_nonce = open_changed(|r| env(r).nonce.push(0));
    assert!(matches!(
        long_nonce,
        OpenError::Malformed { field: "nonce", .. }
    ));
    let missing = open_changed(|r| r.envelope = None);
    assert!(matches!(
        missing,
        OpenError::Malformed {
            field: "envelope",
            ..
        }
    ));
    let long_capability = open_changed(|r| r.capability = "c".repeat(257));
    assert!(matches!(
        long_capability,
        OpenError::TooLarge {
            field: "capability",
            limit: 256,
            ..
        }
    ));
    assert_eq!(
        open_changed(|r| env(r).suite = 2),
        OpenError::UnsupportedSuite(2)
    );
    for kind in [pb::ReceiptKind::Zk, pb::ReceiptKind::Unspecified] {
        let err = open_changed(|r| r.receipt_kind = kind as i32);
        assert_eq!(err, OpenError::UnsupportedReceiptKind(kind as i32));
    }
    let low_order = open_changed(|r| env(r).x25519_ephemeral = vec![0; 32]);
    assert!(matches!(
        low_order,
        OpenError::Malformed {
            field: "x25519_ephemeral",
            ..
        }
    ));
    assert_eq!(
        open_changed(|r| env(r).ciphertext[0] ^= 1),
        OpenError::Tampered
    );
    assert_eq!(
        open_changed(|r| env(r).ml_kem_ciphertext[5] ^= 1),
        OpenError::Tampered
    );
    assert_eq!(
        open_changed(|r| env(r).x25519_ephemeral[5] ^= 1),
        OpenError::Tampered
    );
    // Metadata is associated data: a change the agent re-signs still fails authentication.
    assert_eq!(
        open_changed(|r| r.capability.push('x')),
        OpenError::Tampered
    );
    let limits = |r: &mut pb::LogicRequest| r.limits.as_mut().unwrap().fuel += 1;
    assert_eq!(open_changed(limits), OpenError::Tampered);
}

#[test]
fn window_recipient_signature_and_replay() {
    let fx = Fixture::new(2);
    let req = sealed(&fx, 1);
    let max_age = 300_000;
    assert!(matches!(
        fx.keyring.open(&req, NOW + max_age + 1),
        Err(OpenError::Stale {
            timestamp_ms: NOW,
            ..
        })
    ));
    assert!(matches!(
        fx.keyring.open(&req, NOW - 30_001),
        Err(OpenError::FutureDated {
            timestamp_ms: NOW,
            ..
        })
    ));
    let other = Fixture::new(3);
    assert!(matches!(
        other.keyring.open(&req, NOW),
        Err(OpenError::MisAddressed { recipient }) if recipient == fx.node.peer_id()
    ));
    let mut forged = req.clone();
    forged.agent_signature[0] ^= 1;
    assert_eq!(
        fx.keyring.open(&forged, NOW).unwrap_err(),
        OpenError::BadSignature(SignatureError::BadSignature)
    );
    let mut impostor = req.clone();
    impostor.agent_peer_id = other.agent.peer_id().to_bytes();
    assert!(matches!(
        fx.keyring.open(&impostor, NOW),
        Err(OpenError::BadSignature(_))
    ));
    fx.keyring.open(&req, NOW).unwrap();
    assert_eq!(
        fx.keyring.open(&req, NOW + 1).unwrap_err(),
        OpenError::Replayed
    );
    // A forged copy never reached the replay cache, and a new id from the same agent opens.
    fx.keyring.open(&sealed(&fx, 2), NOW).unwrap();
}

#[test]
fn a_full_replay_cache_shrinks_the_window_instead_of_forgetting() {
    let fx = Fixture::new(4);
    let node = fx.node.peer_id();
    let kem = KemKeyPair::from_seeds(&[4; 32], &[4; 64]);
    let keyring = Keyring::new(
        node,
        kem,
        NOW + 3_600_000,
        OpenConfig::default().replay_capacity(2),
    );
    let mut params = fx.params(0);
    let requests: Vec<_> = (1..=3u8)
        .map(|i| {
            params.request_id = [i; 16];
            params.timestamp_ms = NOW + u64::from(i);
            envelope::seal(&params, &payload()).unwrap().0
        })
        .collect();
    for req in &requests {
        keyring.open(req, NOW + 10).unwrap();
    }
    // The first request left the full cache; its replay is refused as stale, never accepted.
    assert!(matches!(
        keyring.open(&requests[0], NOW + 10),
        Err(OpenError::Stale { oldest_accepted_ms, .. }) if oldest_accepted_ms == NOW + 2
    ));
    assert_eq!(
        keyring.open(&requests[2], NOW + 10).unwrap_err(),
        OpenError::Replayed
    );
}

#[test]
fn rotation_keeps_the_previous_key_through_its_grace_period() {
    let fx = Fixture::new(5);
    let before = sealed(&fx, 1);
    let late = sealed(&fx, 2);
    fx.keyring.rotate(
        KemKeyPair::from_seeds(&[9; 32], &[9; 64]),
        NOW + 7_200_000,
        NOW,
    );
    let published = fx.keyring.public_keys(NOW);
    assert_eq!(published.len(), 2);
    assert_eq!(published[1].key_id, fx.node_key.key_id);
    fx.keyring.open(&before, NOW + 1_000).unwrap();
    let grace = 600_000;
    assert_eq!(fx.keyring.public_keys(NOW + grace + 1).len(), 1);
    let mut late = late;
    late.timestamp_ms = NOW + grace + 1;
    testing::resign(&mut late, &fx.agent, &fx.node_key);
    assert!(matches!(
        fx.keyring.open(&late, NOW + grace + 1),
        Err(OpenError::KeyExpired { .. })
    ));
    let mut unknown = sealed(&fx, 3);
    unknown.envelope.as_mut().unwrap().kem_key_id = vec![0xaa; 16];
    testing::resign(&mut unknown, &fx.agent, &fx.node_key);
    assert_eq!(
        fx.keyring.open(&unknown, NOW).unwrap_err(),
        OpenError::UnknownKey { key_id: [0xaa; 16] }
    );
}

#[test]
fn an_expired_key_is_refused() {
    let fx = Fixture::new(6);
    fx.keyring.rotate(
        KemKeyPair::from_seeds(&[8; 32], &[8; 64]),
        NOW + 7_200_000,
        NOW - 600_000,
    );
    // The old key's grace ended at NOW; a request to it at NOW + 1 names an expired key.
    let mut params = fx.params(1);
    params.timestamp_ms = NOW - 1;
    let req = envelope::seal(&params, &payload()).unwrap().0;
    assert!(matches!(
        fx.keyring.open(&req, NOW + 1),
        Err(OpenError::KeyExpired { not_after_ms, .. }) if not_after_ms == NOW
    ));
}

#[test]
fn seal_refuses_bad_parameters() {
    let fx = Fixture::new(7);
    let mut params = fx.params(1);
    params.timestamp_ms = fx.node_key.not_after_ms + 1;
    assert!(matches!(
        envelope::seal(&params, &payload()),
        Err(SealError::KeyExpired { .. })
    ));
    let mut key = fx.node_key.clone();
    key.ml_kem_768.pop();
    let mut params = fx.params(1);
    params.node_key = &key;
    assert!(matches!(
        envelope::seal(&params, &payload()),
        Err(SealError::InvalidNodeKey(KemKeyError::Length {
            field: "ml_kem_768",
            ..
        }))
    ));
    let mut params = fx.params(1);
    params.capability = "";
    assert_eq!(
        envelope::seal(&params, &payload()).unwrap_err(),
        SealError::EmptyCapability
    );
    let mut params = fx.params(1);
    params.receipt_kind = pb::ReceiptKind::Zk;
    assert!(matches!(
        envelope::seal(&params, &payload()),
        Err(SealError::UnsupportedReceiptKind(pb::ReceiptKind::Zk))
    ));
    let big = pb::LogicPayload {
        wasm: vec![],
        input: vec![0; nmp_wire::limits::MAX_INPUT_BYTES + 1],
    };
    assert!(matches!(
        envelope::seal(&fx.params(1), &big),
        Err(SealError::TooLarge { field: "input", .. })
    ));
}

#[test]
fn every_flipped_byte_of_an_encoded_request_is_refused() {
    let fx = Fixture::new(8);
    let bytes = sealed(&fx, 1).encode_to_vec();
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0xff;
        if let Ok(req) = pb::LogicRequest::decode(flipped.as_slice()) {
            assert!(
                fx.keyring.open(&req, NOW).is_err(),
                "flip at byte {i} was accepted"
            );
        }
    }
    let original = pb::LogicRequest::decode(bytes.as_slice()).unwrap();
    fx.keyring.open(&original, NOW).unwrap();
}

#[test]
fn every_flipped_byte_of_a_sealed_response_is_refused() {
    let fx = Fixture::new(9);
    let (req, agent_key) = envelope::seal(&fx.params(1), &payload()).unwrap();
    let opened = fx.keyring.open(&req, NOW).unwrap();
    let answer = pb::ResponsePayload {
        stdout: b"{\"n\":1}".to_vec(),
        ..Default::default()
    };
    let bytes = opened.response_key.seal_response(&answer).encode_to_vec();
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0xff;
        if let Ok(sealed) = pb::SealedResponse::decode(flipped.as_slice()) {
            assert!(
                agent_key.open_response(&sealed).is_err(),
                "flip at byte {i} was accepted"
            );
        }
    }
    // A response sealed for another request does not open.
    let (_, other_key) = envelope::seal(&fx.params(2), &payload()).unwrap();
    let sealed = pb::SealedResponse::decode(bytes.as_slice()).unwrap();
    assert_eq!(other_key.open_response(&sealed), Err(OpenError::Tampered));
}
