//! Property: any bytes given to the agent as a receipt (protobuf or JSON file) or a capability
//! document give an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use nmp_crypto::{Identity, capability, receipt};
use nmp_wire::pb;
use prost::Message;

fuzz_target!(|data: &[u8]| {
    let node = Identity::from_secret_bytes([1; 32]).peer_id();
    if let Ok(r) = pb::Receipt::decode(data) {
        let expected = receipt::Expected {
            node: Some(&node),
            module_sha256: Some([0; 32]),
            input_sha256: Some([0; 32]),
            output: Some(data),
            attested: None,
        };
        assert!(receipt::verify(&r, &expected).is_err());
        let _ = receipt::verify(&r, &receipt::Expected::default());
        let _ = receipt::to_json(&r);
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Ok(r) = receipt::from_json(&value) {
            assert_eq!(receipt::from_json(&receipt::to_json(&r)), Ok(r));
        }
    }
    if let Ok(doc) = pb::SignedCapabilityDocument::decode(data) {
        assert!(capability::verify(&doc, Some(&node), 0).is_err());
    }
});
