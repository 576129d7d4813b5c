//! Property: any bytes either fail to decode or decode to a message whose encoding decodes back
//! to the same message (decode → encode → decode is stable), for every top-level nmp.v1 message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nmp_wire::pb;
use prost::Message;

fn stable<M: Message + Default + PartialEq + std::fmt::Debug>(data: &[u8]) {
    if let Ok(message) = M::decode(data) {
        let encoded = message.encode_to_vec();
        assert_eq!(encoded.len(), message.encoded_len());
        let again = M::decode(encoded.as_slice()).expect("re-encoded message decodes");
        assert_eq!(again, message);
    }
}

fuzz_target!(|data: &[u8]| {
    stable::<pb::LogicRequest>(data);
    stable::<pb::LogicResponse>(data);
    stable::<pb::ExecuteRequest>(data);
    stable::<pb::SignedCapabilityDocument>(data);
    stable::<pb::CapabilityDocument>(data);
    stable::<pb::ReceiptBody>(data);
});
