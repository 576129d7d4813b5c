//! `RECEIPT_KIND_TEE`: accepted only with the attestation the agent verified for the signer
//! (synthetic SEV-SNP evidence from `nmp_attest::testing`, not AMD's keys).

use nmp_attest::{AllowList, Attested, Binding, Policy, testing, time_nonce};
use nmp_crypto::{
    Identity, KemKeyPair,
    receipt::{self, Expected, VerifyError},
};
use nmp_wire::pb;

const NOW_MS: u64 = testing::VALID_FROM_MS + 1_000;

/// A node's attestation binding its identity and KEM key, and the agent's check of it.
fn attest(node: &Identity) -> (pb::Attestation, Attested) {
    let kem = KemKeyPair::from_seeds(&[1; 32], &[2; 64]).public_key(u64::MAX);
    let binding = Binding::new(&node.peer_id(), &kem, time_nonce(NOW_MS, [0; 24])).unwrap();
    let wire = testing::snp(&binding, [0x42; 48]);
    let entry = format!("sev-snp:measurement={}", "42".repeat(48));
    let policy = Policy {
        roots: testing::roots(),
        ..Policy::allow(AllowList::new([entry.parse().unwrap()]))
    };
    let attested = policy.check(&wire, &node.peer_id(), NOW_MS).unwrap();
    (wire, attested)
}

fn body() -> pb::ReceiptBody {
    pb::ReceiptBody {
        module_sha256: vec![1; 32],
        input_sha256: vec![2; 32],
        output_sha256: vec![3; 32],
        ..pb::ReceiptBody::default()
    }
}

fn expect(attested: Option<&Attested>) -> Expected<'_> {
    Expected {
        attested,
        ..Expected::default()
    }
}

#[test]
fn a_tee_receipt_verifies_only_with_its_attestation() {
    let node = Identity::from_secret_bytes([5; 32]);
    let (wire, attested) = attest(&node);
    let tee = receipt::sign_attested(&node, &body(), wire.clone());
    let verified = receipt::verify(&tee, &expect(Some(&attested))).unwrap();
    assert_eq!(verified.kind, pb::ReceiptKind::Tee as i32);
    // Without the agent's verified attestation, a TEE receipt is refused.
    assert_eq!(
        receipt::verify(&tee, &expect(None)),
        Err(VerifyError::UnsupportedKind(pb::ReceiptKind::Tee as i32))
    );
    // An agent that requires TEE refuses a bare signature.
    let plain = receipt::sign(&node, &body());
    assert_eq!(
        receipt::verify(&plain, &expect(Some(&attested))),
        Err(VerifyError::UnsupportedKind(pb::ReceiptKind::Signed as i32))
    );
    // The JSON file view carries the attestation.
    let json = receipt::to_json(&tee);
    assert_eq!(receipt::from_json(&json), Ok(tee));
}

#[test]
fn a_tee_receipt_with_other_evidence_or_from_another_node_is_refused() {
    let node = Identity::from_secret_bytes([5; 32]);
    let other = Identity::from_secret_bytes([6; 32]);
    let (wire, attested) = attest(&node);
    let (other_wire, _) = attest(&other);
    // The node's receipt carrying another enclave's evidence.
    let swapped = receipt::sign_attested(&node, &body(), other_wire);
    assert_eq!(
        receipt::verify(&swapped, &expect(Some(&attested))),
        Err(VerifyError::AttestationMismatch)
    );
    // Another node presenting this node's attestation.
    let stolen = receipt::sign_attested(&other, &body(), wire.clone());
    assert_eq!(
        receipt::verify(&stolen, &expect(Some(&attested))),
        Err(VerifyError::AttestationMismatch)
    );
    // The attestation stripped from the receipt.
    let mut stripped = receipt::sign_attested(&node, &body(), wire);
    stripped.attestation = None;
    assert_eq!(
        receipt::verify(&stripped, &expect(Some(&attested))),
        Err(VerifyError::AttestationMismatch)
    );
}
