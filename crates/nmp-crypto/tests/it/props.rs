//! Properties: `open(seal(m)) == m` for both directions, and `verify(sign(r))`.

use nmp_crypto::{
    Identity, envelope,
    receipt::{self, Expected},
};
use nmp_wire::pb;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

use crate::{Fixture, NOW};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn open_seal_is_identity(
        wasm in proptest::collection::vec(any::<u8>(), 0..4096),
        input in proptest::collection::vec(any::<u8>(), 0..4096),
        stdout in proptest::collection::vec(any::<u8>(), 0..4096),
        capability in "[a-z.]{1,20}/[a-z]{1,20}",
        fuel in any::<u64>(),
        skew in 0u64..30_000,
    ) {
        let fx = Fixture::new(11);
        let payload = pb::LogicPayload { wasm, input };
        let mut params = fx.params(1);
        params.capability = &capability;
        params.limits.fuel = fuel;
        params.timestamp_ms = NOW + skew;
        let (req, agent_key) = envelope::seal(&params, &payload).unwrap();
        let opened = fx.keyring.open(&req, NOW).unwrap();
        prop_assert_eq!(&opened.payload, &payload);
        let answer = pb::ResponsePayload { stdout, ..Default::default() };
        let sealed = opened.response_key.seal_response(&answer);
        prop_assert_eq!(agent_key.open_response(&sealed).unwrap(), answer);
    }

    #[test]
    fn verify_sign_holds(
        secret in any::<[u8; 32]>(),
        output in proptest::collection::vec(any::<u8>(), 0..1024),
        capability in ".{0,40}",
        outcome in 0i32..8,
        issued_at_ms in any::<u64>(),
        categories in any::<u16>(),
    ) {
        let node = Identity::from_secret_bytes(secret);
        let module: [u8; 32] = Sha256::digest(&output).into();
        let body = pb::ReceiptBody {
            capability,
            module_sha256: module.to_vec(),
            input_sha256: vec![0; 32],
            output_sha256: Sha256::digest(&output).to_vec(),
            outcome,
            issued_at_ms,
            egress_categories: vec![format!("c{categories}")],
            ..Default::default()
        };
        let signed = receipt::sign(&node, &body);
        let expected = Expected {
            node: Some(&node.peer_id()),
            module_sha256: Some(module),
            input_sha256: None,
            output: Some(&output),
            attested: None,
        };
        let verified = receipt::verify(&signed, &expected).unwrap();
        prop_assert_eq!(verified.capability, body.capability);
        prop_assert_eq!(receipt::from_json(&receipt::to_json(&signed)).unwrap(), signed);
    }
}
