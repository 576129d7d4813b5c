//! The real vendor samples: each verifies at its fixed time, and each negative case is refused
//! with its own error.

use std::time::{SystemTime, UNIX_EPOCH};

use libp2p_identity::PeerId;
use nmp_attest::{
    AllowList, Attestation, Binding, Error, Freshness, Kind, Measurement, Policy, Roots, time_nonce,
};
use nmp_wire::pb;

use crate::fixture::{self, AFTER_ALL_MS, DCAP_AT_MS, NITRO_AT_MS, SNP_AT_MS};

const NITRO_PCR0: &str = "8bb159f202bb95d6d4d98e0e103918246cea734f1d57cd263e4fd56075ed53f6fa8c68854817a32749a241e11874c26b";
const SGX_MRENCLAVE: &str = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";
const SGX_MRSIGNER: &str = "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6";
const TDX_MRTD: &str = "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7";
const SNP_MEASUREMENT: &str = "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f";

/// The allow-list entry that matches each sample.
fn allowed(kind: Kind) -> AllowList {
    let entry = match kind {
        Kind::Nitro => format!("nitro:pcr0={NITRO_PCR0}"),
        Kind::SgxDcap => format!("sgx:mrenclave={SGX_MRENCLAVE},mrsigner={SGX_MRSIGNER}"),
        Kind::Tdx => format!("tdx:mrtd={TDX_MRTD}"),
        _ => format!("sev-snp:measurement={SNP_MEASUREMENT}"),
    };
    AllowList::new([entry.parse().unwrap()])
}

fn real_now_ms() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    u64::try_from(now.as_millis()).unwrap()
}

fn node() -> PeerId {
    libp2p_identity::Keypair::ed25519_from_bytes([3; 32])
        .unwrap()
        .public()
        .to_peer_id()
}

/// A sample on the wire as a node would publish it: with a binding of `node()`'s keys and a
/// time nonce issued at `issued_at_ms` (which the sample, made by other keys, cannot carry).
fn wire(attestation: &Attestation, issued_at_ms: u64) -> pb::Attestation {
    let kem = pb::KemPublicKey {
        x25519: vec![1; 32],
        ml_kem_768: vec![2; 1184],
        ..Default::default()
    };
    let binding = Binding::new(&node(), &kem, time_nonce(issued_at_ms, [0; 24])).unwrap();
    let mut wire = attestation.to_wire();
    binding.apply(&mut wire);
    wire
}

#[test]
fn every_sample_verifies_at_its_fixed_time() {
    let expected = [
        format!("nitro:pcr0={NITRO_PCR0}"),
        format!("sgx:mrenclave={SGX_MRENCLAVE},mrsigner={SGX_MRSIGNER}"),
        format!("tdx:mrtd={TDX_MRTD}"),
        format!("sev-snp:measurement={SNP_MEASUREMENT}"),
    ];
    for ((sample, at), want) in fixture::all().into_iter().zip(expected) {
        let verified = sample.verify(&Roots::vendor(), at).unwrap();
        assert_eq!(verified.kind(), sample.kind());
        assert!(
            verified.measurement().to_string().starts_with(&want),
            "{want}"
        );
    }
    let sgx = fixture::sgx().verify(&Roots::vendor(), DCAP_AT_MS).unwrap();
    assert_eq!(sgx.tcb_status(), Some("ConfigurationAndSWHardeningNeeded"));
    let tdx = fixture::tdx().verify(&Roots::vendor(), DCAP_AT_MS).unwrap();
    assert_eq!(tdx.tcb_status(), Some("UpToDate"));
    let Measurement::Nitro { pcrs } = fixture::nitro()
        .verify(&Roots::vendor(), NITRO_AT_MS)
        .unwrap()
        .measurement()
        .clone()
    else {
        panic!("not nitro")
    };
    assert_eq!(pcrs.len(), 5);
}

#[test]
fn a_flipped_byte_is_refused() {
    // A byte each vendor signs: inside the Nitro payload, REPORTDATA of the SGX (offset 368)
    // and TDX (offset 568) quotes, REPORT_DATA of the SNP report (0x50).
    let flip = |bytes: &mut Vec<u8>, at: usize| bytes[at] ^= 0x01;
    for (mut sample, at) in fixture::all() {
        match &mut sample {
            Attestation::Nitro { document } => {
                let middle = document.len() / 2;
                flip(document, middle);
            }
            Attestation::SgxDcap { quote, .. } => flip(quote, 368),
            Attestation::Tdx { quote, .. } => flip(quote, 568),
            Attestation::SevSnp { report, .. } => flip(report, 0x50),
            _ => unreachable!(),
        }
        let err = sample.verify(&Roots::vendor(), at).unwrap_err();
        assert!(
            matches!(err, Error::Rejected { .. }),
            "{:?}: {err:?}",
            sample.kind()
        );
    }
}

#[test]
fn a_chain_past_its_validity_is_refused() {
    // At the real time the Nitro chain (hours-long certificates of 2025-01) and the DCAP
    // collateral (next update 2025-07-19) have expired.
    for sample in [fixture::nitro(), fixture::sgx(), fixture::tdx()] {
        let err = sample.verify(&Roots::vendor(), real_now_ms()).unwrap_err();
        assert!(
            matches!(err, Error::Expired { .. }),
            "{:?}: {err:?}",
            sample.kind()
        );
    }
    // The SNP sample's VCEK is valid until 2030-04-03, so its expiry is shown after that.
    for (sample, _) in fixture::all() {
        let err = sample.verify(&Roots::vendor(), AFTER_ALL_MS).unwrap_err();
        assert!(
            matches!(err, Error::Expired { .. }),
            "{:?}: {err:?}",
            sample.kind()
        );
    }
    // And before a chain was issued.
    let err = fixture::snp().verify(&Roots::vendor(), 0).unwrap_err();
    assert!(matches!(err, Error::Expired { .. }), "{err:?}");
}

#[test]
fn a_measurement_off_the_allow_list_is_refused() {
    for (sample, at) in fixture::all() {
        let wire = wire(&sample, at);
        // Every kind's right measurement fails under another kind's entry.
        let other = if sample.kind() == Kind::SevSnp {
            Kind::Nitro
        } else {
            Kind::SevSnp
        };
        for allow in [allowed(other), AllowList::default()] {
            let err = Policy::allow(allow).check(&wire, &node(), at).unwrap_err();
            assert!(
                matches!(err, Error::NotAllowed(_)),
                "{:?}: {err:?}",
                sample.kind()
            );
        }
    }
    // A same-kind entry with one wrong value.
    let wrong = format!("sev-snp:measurement={}", "00".repeat(48));
    let policy = Policy::allow(AllowList::new([wrong.parse().unwrap()]));
    let err = policy.check(&wire(&fixture::snp(), SNP_AT_MS), &node(), SNP_AT_MS);
    assert!(matches!(err, Err(Error::NotAllowed(_))));
}

#[test]
fn a_sample_does_not_bind_the_nodes_keys() {
    // Everything else passes: the chain, the measurement, a fresh nonce; the evidence was
    // made by other keys.
    for (sample, at) in fixture::all() {
        let err = Policy::allow(allowed(sample.kind()))
            .check(&wire(&sample, at), &node(), at)
            .unwrap_err();
        assert!(
            matches!(err, Error::BindingMismatch(_)),
            "{:?}: {err:?}",
            sample.kind()
        );
    }
}

#[test]
fn a_stale_nonce_is_refused() {
    let two_days_ms = 2 * 24 * 60 * 60 * 1000;
    for (sample, at) in fixture::all() {
        let policy = Policy::allow(allowed(sample.kind()));
        let err = policy
            .check(&wire(&sample, at - two_days_ms), &node(), at)
            .unwrap_err();
        assert!(
            matches!(err, Error::Stale { .. }),
            "{:?}: {err:?}",
            sample.kind()
        );
        let challenge = Policy {
            freshness: Freshness::Challenge([7; 32]),
            ..policy
        };
        let err = challenge
            .check(&wire(&sample, at), &node(), at)
            .unwrap_err();
        assert!(
            matches!(err, Error::NonceMismatch),
            "{:?}: {err:?}",
            sample.kind()
        );
    }
}

#[test]
fn the_tcb_status_and_the_claimed_kind_are_enforced() {
    let strict = Policy {
        tcb_statuses: vec!["UpToDate".to_owned()],
        ..Policy::allow(allowed(Kind::SgxDcap))
    };
    let err = strict.check(&wire(&fixture::sgx(), DCAP_AT_MS), &node(), DCAP_AT_MS);
    assert!(matches!(err, Err(Error::TcbStatus(s)) if s == "ConfigurationAndSWHardeningNeeded"));
    let Attestation::Tdx { quote, collateral } = fixture::tdx() else {
        unreachable!()
    };
    let as_sgx = Attestation::SgxDcap { quote, collateral };
    assert!(matches!(
        as_sgx.verify(&Roots::vendor(), DCAP_AT_MS),
        Err(Error::KindMismatch {
            claimed: Kind::SgxDcap,
            actual: Kind::Tdx
        })
    ));
}

#[test]
fn oversized_and_unknown_evidence_is_refused_before_parsing() {
    let mut wire = fixture::nitro().to_wire();
    wire.document = vec![0; nmp_attest::MAX_DOCUMENT_BYTES + 1];
    assert!(matches!(
        Attestation::from_wire(&wire),
        Err(Error::TooLarge {
            field: "document",
            ..
        })
    ));
    wire.document.truncate(nmp_attest::MAX_DOCUMENT_BYTES);
    assert!(Attestation::from_wire(&wire).is_ok());
    wire.collateral = vec![0; nmp_attest::MAX_COLLATERAL_BYTES + 1];
    assert!(matches!(
        Attestation::from_wire(&wire),
        Err(Error::TooLarge {
            field: "collateral",
            ..
        })
    ));
    wire.kind = 0;
    assert!(matches!(
        Attestation::from_wire(&wire),
        Err(Error::UnknownKind(0))
    ));
    // Garbage of every kind is a rejection, never a panic.
    for kind in Kind::ALL {
        let garbage = pb::Attestation {
            kind: kind.to_wire() as i32,
            document: vec![0xA5; 2000],
            collateral: vec![0x5A; 300],
            ..Default::default()
        };
        let err = Attestation::from_wire(&garbage)
            .unwrap()
            .verify(&Roots::vendor(), DCAP_AT_MS)
            .unwrap_err();
        assert!(matches!(err, Error::Rejected { .. }), "{kind}: {err:?}");
    }
}
