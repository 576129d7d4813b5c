//! What a request costs in a sealed session, beside the per-request envelope, in one run.
//!
//! `cargo bench -p nmp-crypto --bench session`
//!
//! - `request/envelope/1KiB`: agent seal plus node open of one request with its own hybrid key
//!   exchange and signature (the per-request envelope).
//! - `request/session/1KiB`: the same request sealed and opened in an established session.
//! - `session/establish`: opening a session (agent offer, node verify and establish, agent
//!   accept): what the session pays once.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nmp_crypto::{
    Identity, KemKeyPair, Keyring,
    envelope::{self, OpenConfig, SealParams},
    session::{self, SessionConfig, SessionSealParams},
};
use nmp_wire::pb;

const NOW: u64 = 1_767_225_600_000;

/// A keyring whose replay cache and session table hold everything criterion runs.
fn keyring(node: &Identity) -> Keyring {
    let config = OpenConfig::default()
        .replay_capacity(usize::MAX)
        .replay_per_agent(usize::MAX)
        .max_age_ms(u64::MAX / 4)
        .sessions(
            SessionConfig::default()
                .max_requests(u64::MAX)
                .ttl_ms(u64::MAX / 4)
                .per_agent(usize::MAX)
                .capacity(usize::MAX),
        );
    Keyring::new(
        node.peer_id(),
        KemKeyPair::from_seeds(&[1; 32], &[2; 64]),
        u64::MAX,
        config,
    )
}

fn benches(c: &mut Criterion) {
    let agent = Identity::from_secret_bytes([3; 32]);
    let node = Identity::from_secret_bytes([4; 32]);
    let peer = node.peer_id();
    let keyring = keyring(&node);
    let key = keyring.public_keys(NOW).remove(0);
    let payload = pb::LogicPayload {
        wasm: vec![7; 1024],
        input: vec![],
    };
    let mut counter = 0u128;
    let mut group = c.benchmark_group("request");
    group.throughput(Throughput::Bytes(1024));
    group.bench_function(BenchmarkId::new("envelope", "1KiB"), |b| {
        b.iter(|| {
            counter += 1;
            let params = SealParams {
                agent: &agent,
                node_peer: &peer,
                node_key: &key,
                request_id: counter.to_be_bytes(),
                capability: "bench/cap",
                timestamp_ms: NOW,
                limits: pb::RequestedLimits::default(),
                receipt_kind: pb::ReceiptKind::Signed,
            };
            let (request, _) = envelope::seal(&params, &payload).expect("valid");
            black_box(keyring.open(&request, NOW).expect("opens"))
        });
    });
    let (offer, pending) = session::offer(&agent, &peer, &key, NOW).expect("valid");
    let accepted = keyring
        .verify_session(&offer, NOW)
        .and_then(session::VerifiedOffer::establish)
        .expect("established");
    let established = pending.accept(&accepted).expect("confirmed");
    group.bench_function(BenchmarkId::new("session", "1KiB"), |b| {
        b.iter(|| {
            counter += 1;
            let params = SessionSealParams {
                request_id: counter.to_be_bytes(),
                capability: "bench/cap",
                timestamp_ms: NOW,
                limits: pb::RequestedLimits::default(),
                receipt_kind: pb::ReceiptKind::Signed,
            };
            let (request, _) = established.seal(&params, &payload).expect("valid");
            black_box(keyring.open(&request, NOW).expect("opens"))
        });
    });
    group.finish();
    let mut group = c.benchmark_group("session");
    let mut at = NOW;
    group.bench_function("establish", |b| {
        b.iter(|| {
            // A new timestamp per offer keeps each offer's session id fresh.
            at += 1;
            let (offer, pending) = session::offer(&agent, &peer, &key, at).expect("valid");
            let accepted = keyring
                .verify_session(&offer, at)
                .and_then(session::VerifiedOffer::establish)
                .expect("established");
            black_box(pending.accept(&accepted).expect("confirmed"))
        });
    });
    group.finish();
}

criterion_group!(session_benches, benches);
criterion_main!(session_benches);
