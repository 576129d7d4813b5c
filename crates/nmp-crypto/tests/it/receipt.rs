//! Receipts: each refusal with its own variant, byte flips, the JSON file view.

use nmp_crypto::{
    Identity,
    identity::{Domain, SignatureError},
    receipt::{self, Expected, VerifyError},
};
use nmp_wire::pb;
use prost::Message;
use sha2::{Digest, Sha256};

const MODULE: &[u8] = b"\0asm\x01\0\0\0";
const OUTPUT: &[u8] = b"{\"count\":3}";

fn body() -> pb::ReceiptBody {
    pb::ReceiptBody {
        request_id: vec![1; 16],
        capability: "demo.hospital/patients".into(),
        agent_peer_id: Identity::from_secret_bytes([2; 32]).peer_id().to_bytes(),
        module_sha256: Sha256::digest(MODULE).to_vec(),
        input_sha256: Sha256::digest(b"").to_vec(),
        output_sha256: Sha256::digest(OUTPUT).to_vec(),
        outcome: pb::Outcome::Completed as i32,
        egress_verdict: pb::EgressVerdict::Pass as i32,
        issued_at_ms: 1_767_225_600_000,
        ..Default::default()
    }
}

/// Signs a body exactly as given (no field filled in), as a hostile or buggy node might.
fn sign_raw(node: &Identity, body: &pb::ReceiptBody) -> pb::Receipt {
    let body = body.encode_to_vec();
    pb::Receipt {
        kind: pb::ReceiptKind::Signed as i32,
        signature: node.sign(Domain::Receipt, &body).to_vec(),
        body,
        attestation: None,
    }
}

#[test]
fn sign_then_verify_with_every_expectation() {
    let node = Identity::from_secret_bytes([1; 32]);
    let signed = receipt::sign(&node, &body());
    let expected = Expected {
        node: Some(&node.peer_id()),
        module_sha256: Some(Sha256::digest(MODULE).into()),
        input_sha256: Some(Sha256::digest(b"").into()),
        output: Some(OUTPUT),
        attested: None,
    };
    let verified = receipt::verify(&signed, &expected).unwrap();
    assert_eq!(verified.node_peer_id, node.peer_id().to_bytes());
    assert_eq!(verified.kind, pb::ReceiptKind::Signed as i32);
    assert_eq!(verified.version, receipt::VERSION);
}

#[test]
fn each_mismatch_has_its_own_variant() {
    let node = Identity::from_secret_bytes([1; 32]);
    let other = Identity::from_secret_bytes([3; 32]);
    let signed = receipt::sign(&node, &body());
    let check = |r: &pb::Receipt, e: Expected<'_>| receipt::verify(r, &e).unwrap_err();

    let wrong_node = check(
        &signed,
        Expected {
            node: Some(&other.peer_id()),
            ..Default::default()
        },
    );
    assert!(matches!(wrong_node, VerifyError::WrongNode { .. }));
    let wrong_module = check(
        &signed,
        Expected {
            module_sha256: Some([0; 32]),
            ..Default::default()
        },
    );
    assert!(matches!(
        wrong_module,
        VerifyError::WrongModule { expected, .. } if expected == [0; 32]
    ));
    let wrong_input = check(
        &signed,
        Expected {
            input_sha256: Some([7; 32]),
            ..Default::default()
        },
    );
    assert!(matches!(
        wrong_input,
        VerifyError::WrongInput { expected, .. } if expected == [7; 32]
    ));
    let mismatch = check(
        &signed,
        Expected {
            output: Some(b"{\"count\":4}"),
            attested: None,
            ..Default::default()
        },
    );
    assert!(matches!(mismatch, VerifyError::OutputMismatch { .. }));

    let mut forged = signed.clone();
    forged.signature[10] ^= 1;
    assert_eq!(
        check(&forged, Expected::default()),
        VerifyError::BadSignature(SignatureError::BadSignature)
    );
    let mut borrowed = body();
    borrowed.node_peer_id = node.peer_id().to_bytes();
    borrowed.version = receipt::VERSION;
    borrowed.kind = 1;
    let impostor = sign_raw(&other, &borrowed);
    assert!(matches!(
        check(&impostor, Expected::default()),
        VerifyError::BadSignature(_)
    ));

    for kind in [
        pb::ReceiptKind::Tee,
        pb::ReceiptKind::Zk,
        pb::ReceiptKind::Unspecified,
    ] {
        let mut dressed = signed.clone();
        dressed.kind = kind as i32;
        assert_eq!(
            check(&dressed, Expected::default()),
            VerifyError::UnsupportedKind(kind as i32)
        );
        // A body claiming TEE or ZK is never accepted under a bare signature either.
        let mut claims = borrowed.clone();
        claims.kind = kind as i32;
        assert_eq!(
            check(&sign_raw(&node, &claims), Expected::default()),
            VerifyError::UnsupportedKind(kind as i32)
        );
    }
    for version in [1, receipt::VERSION + 1] {
        let mut other = borrowed.clone();
        other.version = version;
        assert_eq!(
            check(&sign_raw(&node, &other), Expected::default()),
            VerifyError::UnsupportedVersion(version)
        );
    }
    let mut short = borrowed.clone();
    short.module_sha256.pop();
    assert!(matches!(
        check(&sign_raw(&node, &short), Expected::default()),
        VerifyError::Malformed {
            field: "module_sha256",
            ..
        }
    ));
    let garbage = pb::Receipt {
        kind: 1,
        body: vec![0xff; 8],
        signature: vec![0; 64],
        attestation: None,
    };
    assert!(matches!(
        check(&garbage, Expected::default()),
        VerifyError::MalformedBody(_)
    ));
    let huge = pb::Receipt {
        kind: 1,
        body: vec![0; receipt::MAX_BODY_BYTES + 1],
        signature: vec![],
        attestation: None,
    };
    assert!(matches!(
        check(&huge, Expected::default()),
        VerifyError::TooLarge { .. }
    ));
}

#[test]
fn every_flipped_byte_of_an_encoded_receipt_is_refused() {
    let node = Identity::from_secret_bytes([1; 32]);
    let bytes = receipt::sign(&node, &body()).encode_to_vec();
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0xff;
        if let Ok(r) = pb::Receipt::decode(flipped.as_slice()) {
            assert!(
                receipt::verify(&r, &Expected::default()).is_err(),
                "flip at byte {i} was accepted"
            );
        }
    }
}

#[test]
fn json_view_round_trips_and_reads_well() {
    let node = Identity::from_secret_bytes([1; 32]);
    let signed = receipt::sign(&node, &body());
    let json = receipt::to_json(&signed);
    assert_eq!(json["kind"], "signed");
    assert_eq!(json["body"]["outcome"], "completed");
    assert_eq!(json["body"]["egress_verdict"], "pass");
    assert_eq!(json["body"]["node"], node.peer_id().to_base58());
    assert_eq!(
        json["body"]["output_sha256"],
        hex::encode(Sha256::digest(OUTPUT))
    );
    let text = serde_json::to_string_pretty(&json).unwrap();
    let back = receipt::from_json(&serde_json::from_str(&text).unwrap()).unwrap();
    assert_eq!(back, signed);
}
