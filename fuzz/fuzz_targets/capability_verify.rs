//! The capability-document verifier past its signature check: the fuzzer's bytes become a
//! `CapabilityDocument` signed by a fixed node key, so the version, node, expiry and KEM-key
//! checks see hostile content; every outcome is a document or a typed `VerifyError`, never a
//! panic. A document that verifies is exactly the one signed, seals to its first key, and any
//! flipped signature bit or wrong expected node refuses it.
//!
//! The first eight input bytes are the verifier's clock (ms); the rest is the document. The
//! raw bytes are also verified as a `SignedCapabilityDocument` (almost all refused early).
//!
//! `cargo +nightly fuzz run capability_verify`
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nmp_crypto::{Identity, capability, envelope};
use nmp_wire::pb;
use prost::Message;

struct Keys {
    node: Identity,
    agent: Identity,
    other: Identity,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        node: Identity::from_secret_bytes([1; 32]),
        agent: Identity::from_secret_bytes([2; 32]),
        other: Identity::from_secret_bytes([3; 32]),
    })
}

fuzz_target!(|data: &[u8]| {
    let keys = keys();
    if let Ok(raw) = pb::SignedCapabilityDocument::decode(data) {
        let _ = capability::verify(&raw, None, 0);
    }
    let Some((clock, rest)) = data.split_first_chunk::<8>() else {
        return;
    };
    let now_ms = u64::from_le_bytes(*clock);
    let Ok(document) = pb::CapabilityDocument::decode(rest) else {
        return;
    };
    let node = keys.node.peer_id();
    let signed = capability::sign(&keys.node, &document);
    let Ok(verified) = capability::verify(&signed, Some(&node), now_ms) else {
        return;
    };
    assert_eq!(
        verified.encode_to_vec(),
        signed.document,
        "verified another document than signed"
    );
    assert!(capability::verify(&signed, Some(&keys.other.peer_id()), now_ms).is_err());
    for bit in [0, 100, 511] {
        let mut forged = signed.clone();
        forged.signature[bit / 8] ^= 1 << (bit % 8);
        assert!(
            capability::verify(&forged, None, now_ms).is_err(),
            "flipped bit {bit} verified"
        );
    }
    let node_key = &verified.kem_keys[0];
    let params = envelope::SealParams {
        agent: &keys.agent,
        node_peer: &node,
        node_key,
        request_id: [5; 16],
        capability: "fuzz/cap",
        timestamp_ms: now_ms,
        limits: pb::RequestedLimits::default(),
        receipt_kind: pb::ReceiptKind::Signed,
    };
    // Sealing may refuse (e.g. a key past its `not_after_ms`), but never panics.
    let _ = envelope::seal(&params, &pb::LogicPayload::default());
});
