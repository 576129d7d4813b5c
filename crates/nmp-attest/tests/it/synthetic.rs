//! The binding through the real SEV-SNP verifier, with attestations signed by the SYNTHETIC
//! test CA of `nmp_attest::testing` (not AMD's keys: the real samples cannot bind our keys).

use libp2p_identity::PeerId;
use nmp_attest::{AllowList, Binding, Error, Freshness, Policy, Roots, testing, time_nonce};
use nmp_wire::pb;

const NOW_MS: u64 = testing::VALID_FROM_MS + 1_000;
const MEASUREMENT: [u8; 48] = [0x42; 48];

fn node(seed: u8) -> PeerId {
    libp2p_identity::Keypair::ed25519_from_bytes([seed; 32])
        .unwrap()
        .public()
        .to_peer_id()
}

fn kem(byte: u8) -> pb::KemPublicKey {
    pb::KemPublicKey {
        x25519: vec![byte; 32],
        ml_kem_768: vec![byte; 1184],
        ..Default::default()
    }
}

fn binding(issued_at_ms: u64) -> Binding {
    Binding::new(&node(1), &kem(1), time_nonce(issued_at_ms, [9; 24])).unwrap()
}

fn policy() -> Policy {
    let entry = format!("sev-snp:measurement={}", hex::encode(MEASUREMENT));
    Policy {
        roots: testing::roots(),
        ..Policy::allow(AllowList::new([entry.parse().unwrap()]))
    }
}

#[test]
fn a_bound_attestation_passes_every_check() {
    let wire = testing::snp(&binding(NOW_MS), MEASUREMENT);
    let attested = policy().check(&wire, &node(1), NOW_MS).unwrap();
    assert_eq!(attested.node(), &node(1));
    assert!(attested.binds_kem_key(&kem(1)));
    assert!(!attested.binds_kem_key(&kem(2)));
    assert_eq!(
        attested.measurement().to_string(),
        format!("sev-snp:measurement={}", hex::encode(MEASUREMENT))
    );
}

#[test]
fn the_synthetic_ca_is_not_amd() {
    let wire = testing::snp(&binding(NOW_MS), MEASUREMENT);
    let vendor = Policy {
        roots: Roots::vendor(),
        ..policy()
    };
    assert!(matches!(
        vendor.check(&wire, &node(1), NOW_MS),
        Err(Error::Rejected { .. })
    ));
}

#[test]
fn another_nodes_identity_is_a_binding_mismatch() {
    let wire = testing::snp(&binding(NOW_MS), MEASUREMENT);
    let err = policy().check(&wire, &node(2), NOW_MS).unwrap_err();
    assert!(
        matches!(err, Error::BindingMismatch("report_data")),
        "{err:?}"
    );
}

#[test]
fn a_substituted_kem_key_or_nonce_is_a_binding_mismatch() {
    // The operator swaps in a KEM key it holds, or a fresh nonce over old evidence.
    let mut wire = testing::snp(&binding(NOW_MS), MEASUREMENT);
    wire.kem_x25519 = vec![2; 32];
    let err = policy().check(&wire, &node(1), NOW_MS).unwrap_err();
    assert!(matches!(err, Error::BindingMismatch(_)), "{err:?}");
    let old = testing::snp(&binding(NOW_MS - 1_000), MEASUREMENT);
    let mut replayed = old.clone();
    replayed.nonce = time_nonce(NOW_MS, [9; 24]).to_vec();
    let err = policy().check(&replayed, &node(1), NOW_MS).unwrap_err();
    assert!(matches!(err, Error::BindingMismatch(_)), "{err:?}");
    // Evidence whose signed REPORT_DATA names other keys than the wire fields.
    let other = Binding::new(&node(1), &kem(2), time_nonce(NOW_MS, [9; 24])).unwrap();
    let forged = testing::snp_with_report_data(&binding(NOW_MS), MEASUREMENT, other.report_data());
    let err = policy().check(&forged, &node(1), NOW_MS).unwrap_err();
    assert!(
        matches!(err, Error::BindingMismatch("report_data")),
        "{err:?}"
    );
}

#[test]
fn a_replayed_attestation_with_a_stale_nonce_is_refused() {
    let day_ms = 24 * 60 * 60 * 1000;
    let old = testing::snp(&binding(NOW_MS), MEASUREMENT);
    // Accepted for a day, then stale.
    assert!(policy().check(&old, &node(1), NOW_MS + day_ms).is_ok());
    let err = policy()
        .check(&old, &node(1), NOW_MS + day_ms + 1)
        .unwrap_err();
    assert!(matches!(err, Error::Stale { .. }), "{err:?}");
    // Under a live challenge, only evidence made for that challenge passes.
    let challenge = [0xC4; 32];
    let live = Policy {
        freshness: Freshness::Challenge(challenge),
        ..policy()
    };
    assert!(matches!(
        live.check(&old, &node(1), NOW_MS),
        Err(Error::NonceMismatch)
    ));
    let answered = Binding::new(&node(1), &kem(1), challenge).unwrap();
    assert!(
        live.check(&testing::snp(&answered, MEASUREMENT), &node(1), NOW_MS)
            .is_ok()
    );
}

#[test]
fn a_flipped_byte_and_a_wrong_measurement_are_refused() {
    let mut wire = testing::snp(&binding(NOW_MS), MEASUREMENT);
    wire.document[0x90] ^= 1;
    assert!(matches!(
        policy().check(&wire, &node(1), NOW_MS),
        Err(Error::Rejected { .. })
    ));
    let other = testing::snp(&binding(NOW_MS), [0x43; 48]);
    assert!(matches!(
        policy().check(&other, &node(1), NOW_MS),
        Err(Error::NotAllowed(_))
    ));
    let early = testing::snp(&binding(NOW_MS), MEASUREMENT);
    let err = policy()
        .check(&early, &node(1), testing::VALID_FROM_MS - 86_400_000)
        .unwrap_err();
    assert!(matches!(err, Error::Expired { .. }), "{err:?}");
}
