//! The request service end to end, without a transport: real sealed requests from an agent,
//! status events, sealed outputs, signed receipts, and each refusal with its error code.

use std::{
    collections::HashSet,
    net::{IpAddr, Ipv4Addr},
    time::Duration,
};

use nmp_crypto::{Identity, receipt};
use nmp_node::service::{self, Access, Origin};
use nmp_wire::pb::{self, logic_response::Event};
use prost::Message as _;
use sha2::{Digest as _, Sha256};

use crate::agent::{
    Agent, CAPABILITY, NOW_MS, collect, config, error_code, node_identity, result, service, stages,
};

/// Every request in these tests comes from one gRPC client on the loopback address.
pub(crate) const LOCAL: Origin = Origin::from_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));

/// A node that runs one job at a time with `queue` waiting places, under a 3 s deadline and no
/// fuel metering, so a spinning guest holds the only run slot until the deadline.
fn one_slot(queue: usize) -> service::Config {
    let mut config = config();
    config.max_concurrent_jobs = 1;
    config.max_queued_jobs = queue;
    config.node.sandbox.limits.timeout = Duration::from_secs(3);
    config.node.sandbox.limits.fuel = None;
    config
}

/// Reads `rx` until a status of `stage` arrives, returning it.
async fn until(
    rx: &mut tokio::sync::mpsc::Receiver<pb::LogicResponse>,
    stage: pb::Stage,
) -> pb::Status {
    loop {
        match rx.recv().await.expect("stream open").event {
            Some(Event::Status(s)) if s.stage == stage as i32 => return s,
            Some(Event::Status(_)) => {}
            other => panic!("expected {stage:?}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn honest_aggregate_streams_every_stage_and_a_verified_sealed_answer() {
    let node = service(config());
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let (request, key, wasm) = agent.seal("c/aggregate.wasm", b"");
    let request_id = request.request_id.clone();
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;

    use pb::Stage::*;
    // Nothing is announced after the guest starts: the result says when it ended.
    assert_eq!(stages(&responses), [Validating, Queued, Running]);
    assert!(responses.iter().all(|r| r.request_id == request_id));
    let answer = result(&responses, &key);
    assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
    let json: serde_json::Value = serde_json::from_slice(&answer.stdout).unwrap();
    assert_eq!(json["rows"], 200);

    let body = receipt::verify(
        answer.receipt.as_ref().expect("receipt"),
        &receipt::Expected {
            node: Some(&node_identity().peer_id()),
            module_sha256: Some(Sha256::digest(&wasm).into()),
            input_sha256: None,
            output: Some(&answer.stdout),
            attested: None,
        },
    )
    .expect("receipt verifies");
    assert_eq!(body.request_id, request_id);
    assert_eq!(body.capability, CAPABILITY);
    assert_eq!(body.agent_peer_id, agent.identity.peer_id().to_bytes());
    assert_eq!(body.datasets.len(), 1);
    assert_eq!(
        body.issued_at_ms, NOW_MS,
        "the acceptance time, not the end of the run"
    );
    let guardian = answer.guardian.as_ref().unwrap();
    assert_eq!(guardian.verdict, pb::GuardianVerdict::Accepted as i32);
    assert_eq!(
        body.guardian_report_sha256,
        Sha256::digest(guardian.encode_to_vec()).to_vec()
    );
    let egress = answer.egress.as_ref().unwrap();
    assert_eq!(egress.verdict, pb::EgressVerdict::Pass as i32);
    assert!(egress.categories.is_empty());
}

#[tokio::test]
async fn exfiltration_is_blocked_and_only_the_categories_leave() {
    let node = service(config());
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let (request, key, _) = agent.seal("c/exfiltrate.wasm", b"");
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    let answer = result(&responses, &key);
    assert_eq!(answer.outcome, pb::Outcome::EgressBlocked as i32);
    assert!(answer.stdout.is_empty() && answer.stderr.is_empty());
    let egress = answer.egress.as_ref().unwrap();
    assert_eq!(egress.verdict, pb::EgressVerdict::Blocked as i32);
    assert_eq!(
        egress.categories,
        ["pii", "restricted_key", "restricted_value"]
    );
    let body = receipt::verify(
        answer.receipt.as_ref().unwrap(),
        &receipt::Expected {
            node: Some(&node_identity().peer_id()),
            module_sha256: None,
            input_sha256: None,
            output: Some(b""),
            attested: None,
        },
    )
    .expect("the receipt binds the empty output");
    assert_eq!(body.egress_categories, egress.categories);
}

#[tokio::test]
async fn import_escape_is_rejected_without_running() {
    let node = service(config());
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let (request, key, _) = agent.seal("wat/escape.wasm", b"");
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    assert_eq!(stages(&responses), [pb::Stage::Validating]);
    let answer = result(&responses, &key);
    assert_eq!(answer.outcome, pb::Outcome::Rejected as i32);
    assert!(answer.stdout.is_empty());
    let guardian = answer.guardian.as_ref().unwrap();
    assert_eq!(guardian.verdict, pb::GuardianVerdict::Rejected as i32);
    assert!(!guardian.findings.is_empty());
}

#[tokio::test]
async fn bad_envelopes_get_their_error_codes() {
    let node = service(config());
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let limits = pb::RequestedLimits::default;

    let (mut tampered, _, _) = agent.seal("wat/hello.wasm", b"");
    let envelope = tampered.envelope.as_mut().unwrap();
    envelope.ciphertext[0] ^= 1;
    let (mut unknown_key, _, _) = agent.seal("wat/hello.wasm", b"");
    unknown_key.envelope.as_mut().unwrap().kem_key_id = vec![0; 16];
    let (stale, _, _) = agent.seal_at("wat/hello.wasm", b"", NOW_MS - 600_000, limits());
    let (mut misaddressed, _, _) = agent.seal("wat/hello.wasm", b"");
    misaddressed.node_peer_id = Identity::from_secret_bytes([9; 32]).peer_id().to_bytes();
    let (mut unknown, _, _) = agent.seal("wat/hello.wasm", b"");
    unknown.capability = "demo.bank/ledger".to_owned();
    let (mut short_id, _, _) = agent.seal("wat/hello.wasm", b"");
    short_id.request_id.truncate(8);
    let (mut long_name, _, _) = agent.seal("wat/hello.wasm", b"");
    long_name.capability = "x".repeat(257);
    let (mut zk, _, _) = agent.seal("wat/hello.wasm", b"");
    zk.receipt_kind = pb::ReceiptKind::Zk as i32;
    // A TEE receipt from a node that publishes no attestation.
    let (mut tee, _, _) = agent.seal("wat/hello.wasm", b"");
    tee.receipt_kind = pb::ReceiptKind::Tee as i32;

    let cases = [
        // The agent's signature covers the ciphertext's hash, so a changed byte fails there
        // (`OpenError::BadSignature`, answered as the crypto crate documents).
        (tampered, pb::ErrorCode::WrongRecipient),
        (unknown_key, pb::ErrorCode::EnvelopeInvalid),
        (stale, pb::ErrorCode::Stale),
        (misaddressed, pb::ErrorCode::WrongRecipient),
        (unknown, pb::ErrorCode::UnknownCapability),
        (short_id, pb::ErrorCode::Malformed),
        (long_name, pb::ErrorCode::TooLarge),
        (zk, pb::ErrorCode::Unsupported),
        (tee, pb::ErrorCode::Unsupported),
    ];
    for (request, code) in cases {
        let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
        assert_eq!(responses.len(), 1, "{code:?}: no stage starts");
        assert_eq!(error_code(&responses), code);
    }

    let (request, key, _) = agent.seal("wat/hello.wasm", b"");
    let first = collect(node.execute(request.clone(), LOCAL, NOW_MS)).await;
    assert_eq!(result(&first, &key).outcome, pb::Outcome::Completed as i32);
    let replayed = collect(node.execute(request, LOCAL, NOW_MS + 1)).await;
    assert_eq!(error_code(&replayed), pb::ErrorCode::Replay);
}

#[tokio::test]
async fn policy_refuses_strangers_and_agents_over_their_rate() {
    let mut config = config();
    config.rate_limit_per_minute = std::num::NonZeroU32::new(2);
    let node = service(config);
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    for _ in 0..2 {
        let (request, key, _) = agent.seal("wat/hello.wasm", b"");
        let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
        assert_eq!(
            result(&responses, &key).outcome,
            pb::Outcome::Completed as i32
        );
    }
    let (request, _, _) = agent.seal("wat/hello.wasm", b"");
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    assert_eq!(error_code(&responses), pb::ErrorCode::RateLimited);

    let mut config = crate::agent::config();
    let friend = Identity::from_secret_bytes([2; 32]).peer_id();
    config.access = Access::Allowed(HashSet::from([friend]));
    let node = service(config);
    let mut stranger = Agent::new(1, &node.describe(NOW_MS));
    let (request, _, _) = stranger.seal("wat/hello.wasm", b"");
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    assert_eq!(error_code(&responses), pb::ErrorCode::Forbidden);
}

#[tokio::test]
async fn a_full_queue_answers_overloaded() {
    let node = service(one_slot(0));
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let (spin, spin_key, _) = agent.seal("wat/spin.wasm", b"");
    let mut running = node.execute(spin, LOCAL, NOW_MS);
    until(&mut running, pb::Stage::Running).await;

    let (request, _, _) = agent.seal("wat/hello.wasm", b"");
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    assert_eq!(error_code(&responses), pb::ErrorCode::Overloaded);
    let spun = collect(running).await;
    assert_eq!(
        result(&spun, &spin_key).outcome,
        pb::Outcome::TimedOut as i32
    );
}

#[tokio::test]
async fn dropping_the_stream_cancels_a_queued_job() {
    let node = service(one_slot(1));
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let (spin, spin_key, _) = agent.seal("wat/spin.wasm", b"");
    let mut running = node.execute(spin, LOCAL, NOW_MS);
    until(&mut running, pb::Stage::Running).await;

    let (queued, _, _) = agent.seal("wat/hello.wasm", b"");
    let mut queued = node.execute(queued, LOCAL, NOW_MS);
    let status = until(&mut queued, pb::Stage::Queued).await;
    assert_eq!(status.queue_position, 1);
    assert_eq!(node.queued_jobs(), 1);
    drop(queued);
    // The cancelled job leaves the queue without waiting for the run slot.
    for _ in 0..500 {
        if node.queued_jobs() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(node.queued_jobs(), 0);
    let spun = collect(running).await;
    assert_eq!(
        result(&spun, &spin_key).outcome,
        pb::Outcome::TimedOut as i32
    );
}

#[tokio::test]
async fn describe_publishes_schema_policy_and_keys_but_no_data() {
    let node = service(config());
    let document = nmp_crypto::capability::verify(
        &node.describe(NOW_MS),
        Some(&node_identity().peer_id()),
        NOW_MS,
    )
    .expect("document verifies");
    let dataset = &document.datasets[0];
    assert_eq!(dataset.capability, CAPABILITY);
    assert_eq!(dataset.row_count, 200);
    let columns: Vec<&str> = dataset.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns[0], "patient_id");
    let age = dataset.columns.iter().find(|c| c.name == "age").unwrap();
    assert_eq!(age.r#type, pb::ColumnType::Integer as i32);
    let policy = document.policy.as_ref().unwrap();
    assert!(policy.open);
    assert_eq!(policy.guardian_policy_digest.len(), 32);
    assert_eq!(policy.egress_rule_set_digest.len(), 32);
    assert_eq!(document.kem_keys.len(), 1);
    assert!(document.expires_at_ms > NOW_MS);
    let text = format!("{document:?}");
    assert!(!text.contains("P000000001"), "no value from the data");
}

#[tokio::test]
async fn an_allow_list_is_announced_but_its_agents_are_not_published() {
    let friend = Identity::from_secret_bytes([2; 32]).peer_id();
    let mut config = config();
    config.access = Access::Allowed(HashSet::from([friend]));
    let node = service(config);
    let signed = node.describe(NOW_MS);
    let document =
        nmp_crypto::capability::verify(&signed, Some(&node_identity().peer_id()), NOW_MS)
            .expect("document verifies");
    assert!(!document.policy.expect("policy").open);
    let friend = friend.to_bytes();
    assert!(
        !signed.document.windows(friend.len()).any(|w| w == friend),
        "the allowed agent's PeerId appears nowhere in the signed document"
    );
}

#[tokio::test]
async fn closing_fails_queued_jobs_and_new_requests_but_lets_running_ones_finish() {
    let node = service(one_slot(1));
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let (spin, spin_key, _) = agent.seal("wat/spin.wasm", b"");
    let mut running = node.execute(spin, LOCAL, NOW_MS);
    until(&mut running, pb::Stage::Running).await;
    let (queued, _, _) = agent.seal("wat/hello.wasm", b"");
    let mut queued = node.execute(queued, LOCAL, NOW_MS);
    until(&mut queued, pb::Stage::Queued).await;

    node.close();
    assert_eq!(
        error_code(&collect(queued).await),
        pb::ErrorCode::ShuttingDown
    );
    let (late, _, _) = agent.seal("wat/hello.wasm", b"");
    let late = collect(node.execute(late, LOCAL, NOW_MS)).await;
    assert_eq!(error_code(&late), pb::ErrorCode::ShuttingDown);
    let spun = collect(running).await;
    assert_eq!(
        result(&spun, &spin_key).outcome,
        pb::Outcome::TimedOut as i32
    );
}

#[tokio::test]
async fn rotated_kem_key_is_published_first_and_the_old_one_still_opens() {
    let node = service(config());
    let before = node.describe(NOW_MS);
    let mut old_agent = Agent::new(1, &before);
    node.rotate_kem_key(NOW_MS);
    let after = node.describe(NOW_MS);
    let keys = |signed: &pb::SignedCapabilityDocument| {
        nmp_crypto::capability::verify(signed, None, NOW_MS)
            .expect("document verifies")
            .kem_keys
            .into_iter()
            .map(|k| k.key_id)
            .collect::<Vec<_>>()
    };
    let (old, new) = (keys(&before), keys(&after));
    assert_eq!(
        new.len(),
        2,
        "the new key first, then the old one in its grace period"
    );
    assert_eq!(new[1], old[0]);
    assert_ne!(new[0], old[0]);

    // A request sealed to the document fetched before the rotation still opens.
    let (request, key, _) = old_agent.seal("wat/hello.wasm", b"hi");
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    assert_eq!(
        result(&responses, &key).outcome,
        pb::Outcome::Completed as i32
    );
}
