//! What verifying one attestation costs, per kind, beside a SHA-256 of the same bytes.
//!
//! `cargo bench -p nmp-attest --bench verify`
//!
//! - `verify/{nitro,sgx,tdx,sev-snp}`: [`Attestation::verify`] of each real vendor sample at
//!   its fixed time (chain to the vendor root, collateral, evidence signature).
//! - `policy/sev-snp-synthetic`: the whole agent-side check of a synthetic SNP attestation
//!   (evidence, allow-list, freshness, binding).
//! - `baseline/sha256/{nitro,sgx}`: hashing the evidence bytes once, so the cost of the
//!   signature checks stands out.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
#![allow(clippy::unwrap_used, reason = "a benchmark panics on a broken fixture")]

use criterion::{Criterion, criterion_group, criterion_main};
use nmp_attest::{AllowList, Attestation, Binding, Policy, Roots, testing, time_nonce};
use nmp_wire::pb;
use sha2::{Digest, Sha256};
use std::hint::black_box;

const NITRO_AT_MS: u64 = 1_736_179_625_000;
const AT_MS: u64 = 1_750_377_600_000;

fn samples() -> [(&'static str, Attestation, u64); 4] {
    [
        (
            "nitro",
            Attestation::Nitro {
                document: include_bytes!("../tests/fixtures/nitro/attestation.cose").to_vec(),
            },
            NITRO_AT_MS,
        ),
        (
            "sgx",
            Attestation::SgxDcap {
                quote: include_bytes!("../tests/fixtures/dcap/sgx_quote").to_vec(),
                collateral: include_bytes!("../tests/fixtures/dcap/sgx_quote_collateral.json")
                    .to_vec(),
            },
            AT_MS,
        ),
        (
            "tdx",
            Attestation::Tdx {
                quote: include_bytes!("../tests/fixtures/dcap/tdx_quote").to_vec(),
                collateral: include_bytes!("../tests/fixtures/dcap/tdx_quote_collateral.json")
                    .to_vec(),
            },
            AT_MS,
        ),
        (
            "sev-snp",
            Attestation::SevSnp {
                report: hex::decode(
                    include_str!("../tests/fixtures/sev-snp/report_milan.hex").trim(),
                )
                .unwrap(),
                vcek: include_bytes!("../tests/fixtures/sev-snp/vcek_milan.der").to_vec(),
            },
            AT_MS,
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let roots = Roots::vendor();
    let mut verify = c.benchmark_group("verify");
    for (name, sample, at) in samples() {
        sample.verify(&roots, at).unwrap();
        verify.bench_function(name, |b| b.iter(|| sample.verify(&roots, black_box(at))));
    }
    verify.finish();

    let node = libp2p_identity::Keypair::ed25519_from_bytes([1; 32])
        .unwrap()
        .public()
        .to_peer_id();
    let kem = pb::KemPublicKey {
        x25519: vec![1; 32],
        ml_kem_768: vec![1; 1184],
        ..Default::default()
    };
    let now = testing::VALID_FROM_MS;
    let binding = Binding::new(&node, &kem, time_nonce(now, [0; 24])).unwrap();
    let wire = testing::snp(&binding, [0x42; 48]);
    let entry = format!("sev-snp:measurement={}", "42".repeat(48));
    let policy = Policy {
        roots: testing::roots(),
        ..Policy::allow(AllowList::new([entry.parse().unwrap()]))
    };
    policy.check(&wire, &node, now).unwrap();
    c.bench_function("policy/sev-snp-synthetic", |b| {
        b.iter(|| policy.check(&wire, &node, black_box(now)))
    });

    let mut baseline = c.benchmark_group("baseline/sha256");
    for (name, sample, _) in samples().into_iter().take(2) {
        let bytes = sample.to_wire().document;
        baseline.bench_function(name, |b| b.iter(|| Sha256::digest(black_box(&bytes))));
    }
    baseline.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
