//! Property: any bytes given to the node as a `LogicRequest` give an error, never a panic.
//!
//! The bytes are decoded as a request and opened by a fixed keyring; the same bytes as a
//! `SealedResponse` are opened with a fixed response key.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nmp_crypto::{Identity, KemKeyPair, Keyring, envelope};
use nmp_wire::pb;
use prost::Message;

const NOW: u64 = 1_767_225_600_000;

struct Node {
    keyring: Keyring,
    response_key: envelope::ResponseKey,
}

fn node() -> &'static Node {
    static NODE: OnceLock<Node> = OnceLock::new();
    NODE.get_or_init(|| {
        let node = Identity::from_secret_bytes([1; 32]);
        let agent = Identity::from_secret_bytes([2; 32]);
        let keyring = Keyring::new(
            node.peer_id(),
            KemKeyPair::from_seeds(&[3; 32], &[4; 64]),
            NOW + 3_600_000,
            envelope::OpenConfig::default(),
        );
        let node_key = keyring.public_keys(NOW).remove(0);
        let params = envelope::SealParams {
            agent: &agent,
            node_peer: &node.peer_id(),
            node_key: &node_key,
            request_id: [5; 16],
            capability: "fuzz/cap",
            timestamp_ms: NOW,
            limits: pb::RequestedLimits::default(),
            receipt_kind: pb::ReceiptKind::Signed,
        };
        let (_, response_key) =
            envelope::seal(&params, &pb::LogicPayload::default()).expect("valid fixture");
        Node { keyring, response_key }
    })
}

fuzz_target!(|data: &[u8]| {
    let node = node();
    if let Ok(request) = pb::LogicRequest::decode(data) {
        assert!(node.keyring.open(&request, NOW).is_err());
    }
    if let Ok(sealed) = pb::SealedResponse::decode(data) {
        assert!(node.response_key.open_response(&sealed).is_err());
    }
});
