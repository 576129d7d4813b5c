//! What the hybrid envelope and receipts cost, beside the bare primitives they are built from.
//!
//! `cargo bench -p nmp-crypto --bench crypto`
//!
//! - `envelope/seal+open/{1KiB,1MiB}`: agent seal plus node open of one request.
//! - `kem/encapsulate`, `kem/decapsulate`: the hybrid key exchange alone (through a seal/open of
//!   an empty payload, which adds the signature, the transcript and AES-GCM of a few bytes).
//! - `admission/{open,verify+decide+open}`: the node's side of one honest 1 KiB request, opened
//!   in one step or split around an allow-list lookup as `nmp-node` does (the split costs
//!   nothing measurable); `admission/refuse-{after-open,after-verify}`: what a refused agent's
//!   request costs when the node decides after opening it (the old order) or after verifying
//!   its signature (the current one).
//! - `receipt/sign`, `receipt/verify`.
//! - `baseline/x25519`, `baseline/aes-256-gcm/{1KiB,1MiB}`: one bare X25519 agreement and bare
//!   AES-256-GCM sealing, so the overhead of the hybrid is visible.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, KeyInit},
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nmp_crypto::{
    Identity, KemKeyPair, Keyring,
    envelope::{self, OpenConfig, SealParams},
    receipt, testing,
};
use nmp_wire::pb;
use x25519_dalek::{PublicKey, StaticSecret};

const NOW: u64 = 1_767_225_600_000;

fn params<'a>(
    agent: &'a Identity,
    node: &'a nmp_crypto::PeerId,
    key: &'a pb::KemPublicKey,
) -> SealParams<'a> {
    SealParams {
        agent,
        node_peer: node,
        node_key: key,
        request_id: [0; 16],
        capability: "bench/cap",
        timestamp_ms: NOW,
        limits: pb::RequestedLimits::default(),
        receipt_kind: pb::ReceiptKind::Signed,
    }
}

/// A keyring that remembers nothing across iterations would be wrong; instead each iteration
/// uses a fresh request id, and the cache is sized to hold every iteration criterion runs.
fn keyring(node: &Identity) -> Keyring {
    let config = OpenConfig::default()
        .replay_capacity(usize::MAX)
        .replay_per_agent(usize::MAX)
        .max_age_ms(u64::MAX / 4);
    Keyring::new(
        node.peer_id(),
        KemKeyPair::from_seeds(&[1; 32], &[2; 64]),
        u64::MAX,
        config,
    )
}

fn envelope_benches(c: &mut Criterion) {
    let agent = Identity::from_secret_bytes([3; 32]);
    let node = Identity::from_secret_bytes([4; 32]);
    let peer = node.peer_id();
    let mut group = c.benchmark_group("envelope");
    for (name, size) in [("1KiB", 1024), ("1MiB", 1024 * 1024)] {
        let keyring = keyring(&node);
        let key = keyring.public_keys(NOW).remove(0);
        let payload = pb::LogicPayload {
            wasm: vec![7; size],
            input: vec![],
        };
        let mut counter = 0u128;
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new("seal+open", name), |b| {
            b.iter(|| {
                counter += 1;
                let mut p = params(&agent, &peer, &key);
                p.request_id = counter.to_be_bytes();
                let (req, _) = envelope::seal(&p, &payload).expect("valid");
                black_box(keyring.open(&req, NOW).expect("opens"))
            });
        });
    }
    group.finish();

    let keyring = keyring(&node);
    let key = keyring.public_keys(NOW).remove(0);
    let empty = pb::LogicPayload::default();
    let mut group = c.benchmark_group("kem");
    group.bench_function("encapsulate", |b| {
        b.iter(|| black_box(envelope::seal(&params(&agent, &peer, &key), &empty).expect("valid")));
    });
    let seeds = testing::Seeds {
        ephemeral: [5; 32],
        ml_kem_m: [6; 32],
        nonce: [7; 12],
    };
    let request = testing::seal_traced(&params(&agent, &peer, &key), &empty, &seeds)
        .expect("valid")
        .request;
    group.bench_function("decapsulate", |b| {
        // A fresh keyring per batch: the request can be opened once per keyring.
        b.iter_batched(
            || keyring_for(&node),
            |ring| black_box(ring.open(&request, NOW).expect("opens")),
            criterion::BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn admission_benches(c: &mut Criterion) {
    let agent = Identity::from_secret_bytes([3; 32]);
    let node = Identity::from_secret_bytes([4; 32]);
    let peer = node.peer_id();
    let key = keyring_for(&node).public_keys(NOW).remove(0);
    let payload = pb::LogicPayload {
        wasm: vec![7; 1024],
        input: vec![],
    };
    let (request, _) = envelope::seal(&params(&agent, &peer, &key), &payload).expect("valid");
    let allowed = std::collections::HashSet::from([agent.peer_id()]);
    let refused = std::collections::HashSet::from([node.peer_id()]);
    let mut group = c.benchmark_group("admission");
    // A fresh keyring per iteration: the request can be opened once per keyring.
    let fresh = || keyring_for(&node);
    let batch = criterion::BatchSize::SmallInput;
    group.bench_function("open", |b| {
        b.iter_batched(fresh, |ring| black_box(ring.open(&request, NOW)), batch);
    });
    group.bench_function("verify+decide+open", |b| {
        b.iter_batched(
            fresh,
            |ring| {
                let verified = ring.verify(&request, NOW).expect("verifies");
                assert!(allowed.contains(&verified.agent()));
                black_box(verified.open())
            },
            batch,
        );
    });
    group.bench_function("refuse-after-open", |b| {
        b.iter_batched(
            fresh,
            |ring| {
                let opened = ring.open(&request, NOW).expect("opens");
                black_box(refused.contains(&opened.agent))
            },
            batch,
        );
    });
    group.bench_function("refuse-after-verify", |b| {
        b.iter_batched(
            fresh,
            |ring| {
                let verified = ring.verify(&request, NOW).expect("verifies");
                black_box(refused.contains(&verified.agent()))
            },
            batch,
        );
    });
    group.finish();
}

fn keyring_for(node: &Identity) -> Keyring {
    Keyring::new(
        node.peer_id(),
        KemKeyPair::from_seeds(&[1; 32], &[2; 64]),
        u64::MAX,
        OpenConfig::default(),
    )
}

fn receipt_benches(c: &mut Criterion) {
    let node = Identity::from_secret_bytes([8; 32]);
    let body = pb::ReceiptBody {
        capability: "bench/cap".into(),
        module_sha256: vec![1; 32],
        input_sha256: vec![2; 32],
        output_sha256: vec![3; 32],
        ..Default::default()
    };
    let signed = receipt::sign(&node, &body);
    let mut group = c.benchmark_group("receipt");
    group.bench_function("sign", |b| {
        b.iter(|| black_box(receipt::sign(&node, &body)))
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            black_box(receipt::verify(&signed, &receipt::Expected::default()).expect("valid"))
        })
    });
    group.finish();
}

fn baseline_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("baseline");
    let secret = StaticSecret::from([9; 32]);
    let public = PublicKey::from(&StaticSecret::from([10; 32]));
    group.bench_function("x25519", |b| {
        b.iter(|| black_box(secret.diffie_hellman(&public)))
    });
    let cipher = Aes256Gcm::new(&[11; 32].into());
    for (name, size) in [("1KiB", 1024), ("1MiB", 1024 * 1024)] {
        let data = vec![7; size];
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(BenchmarkId::new("aes-256-gcm", name), |b| {
            b.iter(|| {
                black_box(
                    cipher
                        .encrypt(&Nonce::from([0; 12]), data.as_slice())
                        .expect("encrypts"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    envelope_benches,
    admission_benches,
    receipt_benches,
    baseline_benches
);
criterion_main!(benches);
