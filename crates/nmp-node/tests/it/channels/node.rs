//! The same hostile modules through a real Data Node on loopback (`Node::start` from its file;
//! an agent on the mesh over TCP, and a tonic client on its gRPC face): what crosses the wire,
//! and when a run slot frees, carry nothing a guest chose beyond the coarse outcome and the
//! categories.

use std::time::{Duration, Instant};

use nmp_crypto::envelope::ResponseKey;
use nmp_net::{LogicResponses, Mesh};
use nmp_node::{Node, audit};
use nmp_wire::pb::{
    self, execute_request::Message, logic_mesh_client::LogicMeshClient, logic_response::Event,
};
use prost::Message as _;

use super::{KEYS_AS_DATA, SIDE_CHANNELS, contains};
use crate::{
    agent::{Agent, error_code, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms, until},
};

/// What an agent receives for one request, minus what differs between two requests by
/// construction (request id, input digest, acceptance time) or is the node's own clock
/// (`elapsed_us`): the stages and queue positions, and the opened answer with its verified
/// receipt body.
#[derive(Debug, PartialEq)]
struct View {
    statuses: Vec<(i32, u32)>,
    answer: pb::ResponsePayload,
    receipt: pb::ReceiptBody,
}

/// The responses to `request` over the mesh.
async fn over_mesh(
    agent: &Mesh,
    node: &Node,
    request: &pb::LogicRequest,
) -> Vec<pb::LogicResponse> {
    collect(
        agent
            .open_logic(node.peer_id(), request)
            .await
            .expect("stream opens"),
    )
    .await
}

/// The responses to `request` over the node's gRPC face.
async fn over_grpc(node: &Node, request: pb::LogicRequest) -> Vec<pb::LogicResponse> {
    let url = format!("http://{}", node.grpc_addr().expect("a gRPC face"));
    let mut client = LogicMeshClient::connect(url).await.expect("connects");
    let start = pb::ExecuteRequest {
        message: Some(Message::Start(request)),
    };
    let mut inbound = client
        .execute(tokio_stream::iter([start]))
        .await
        .expect("the call starts")
        .into_inner();
    let mut responses = Vec::new();
    while let Some(response) = inbound.message().await.expect("a well-formed stream") {
        responses.push(response);
    }
    responses
}

fn view(responses: &[pb::LogicResponse], key: &ResponseKey) -> View {
    let mut statuses = Vec::new();
    for response in responses {
        match &response.event {
            Some(Event::Status(s)) => statuses.push((s.stage, s.queue_position)),
            // Travelling in the clear: the request id and one sealed blob, nothing else.
            Some(Event::Result(sealed)) => assert_eq!(
                *sealed,
                pb::LogicResult {
                    sealed: sealed.sealed.clone()
                }
            ),
            other => panic!("unexpected event {other:?}"),
        }
    }
    let mut answer = result(responses, key);
    let signed = answer.receipt.take().expect("a receipt");
    let mut receipt =
        nmp_crypto::receipt::verify(&signed, &Default::default()).expect("receipt verifies");
    receipt.request_id.clear();
    receipt.input_sha256.clear();
    receipt.issued_at_ms = 0;
    View {
        statuses,
        answer,
        receipt,
    }
}

fn audit_entries(path: &std::path::Path) -> Vec<audit::Entry> {
    std::fs::read_to_string(path)
        .expect("the node keeps its audit log")
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).expect("json line");
            serde_json::from_value(line["entry"].clone()).expect("an entry")
        })
        .collect()
}

#[tokio::test]
async fn over_the_mesh_and_grpc_a_secret_moves_the_audit_log_and_nothing_the_agent_sees() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.sandbox.fuel = Some(nmp_node::config::OrOff::On(
                std::num::NonZeroU64::new(1_000_000_000).unwrap(),
            ));
        })
        .await;
        let mut sealer = Agent::at(31, &signed, now_ms());
        let wasm = wat::parse_str(SIDE_CHANNELS).expect("valid WAT");
        let mut views = Vec::new();
        for secret in [3u8, 100] {
            let mut seal = || {
                let limits = pb::RequestedLimits::default();
                sealer.seal_bytes(wasm.clone(), &[secret], now_ms(), limits)
            };
            let (request, key, _) = seal();
            views.push(view(&over_mesh(&agent, &node, &request).await, &key));
            let (request, key, _) = seal();
            views.push(view(&over_grpc(&node, request).await, &key));
        }
        assert_eq!(views[0].answer.outcome, pb::Outcome::ExitedNonzero as i32);
        assert_eq!(views[0].answer.stdout, b"{\"answer\":1}\n");
        for other in &views[1..] {
            assert_eq!(
                &views[0], other,
                "the agent's view depends on the secret or the face"
            );
        }

        let keys = wat::parse_str(KEYS_AS_DATA).expect("valid WAT");
        let limits = pb::RequestedLimits::default();
        let (request, key, _) = sealer.seal_bytes(keys, b"", now_ms(), limits);
        let responses = over_mesh(&agent, &node, &request).await;
        let answer = result(&responses, &key);
        assert_eq!(answer.outcome, pb::Outcome::EgressBlocked as i32);
        let opened = answer.encode_to_vec();
        assert!(!contains(&opened, b"$."), "no JSON path");
        // Long enough that ciphertext never holds them by chance.
        for secret in [&b"P000000001"[..], b"123-45-6789", b"SECRET-ROW-42"] {
            assert!(!contains(&opened, secret));
            assert!(
                responses
                    .iter()
                    .all(|r| !contains(&r.encode_to_vec(), secret))
            );
        }
        let peer = node.peer_id();
        node.shutdown().await;

        // The owner's log, beside the node's file, holds the figures the agent was not told.
        let log = dir.path().join("audit.jsonl");
        let entries = audit_entries(&log);
        let runs: Vec<_> = entries
            .iter()
            .map(|e| e.run.clone().expect("ran"))
            .collect();
        // Two requests per secret: over the mesh, then gRPC.
        assert_eq!(runs[0].exit_code, Some(3));
        assert_eq!(runs[2].exit_code, Some(100));
        assert!(runs[2].fuel_consumed > runs[0].fuel_consumed);
        assert!(runs[2].peak_memory_bytes > runs[0].peak_memory_bytes);
        let file = std::io::BufReader::new(std::fs::File::open(&log).expect("log"));
        let summary = audit::verify(file, Some(&peer)).expect("the log verifies");
        assert_eq!(summary.entries, 5);
    })
    .await
    .expect("within the deadline");
}

/// Reads `responses` until `RUNNING`, returning how long after `since` it arrived.
async fn running_after(responses: &mut LogicResponses, since: Instant) -> Duration {
    until(responses, pb::Stage::Running).await;
    since.elapsed()
}

#[tokio::test]
async fn under_a_response_quantum_a_run_slot_frees_only_on_the_boundary() {
    // When a run slot frees is visible to every other agent (its own `RUNNING`, its queue
    // position): a guest whose run time depends on a secret would otherwise signal it to a
    // second agent to the microsecond, whatever the quantum does to its own answer.
    let dir = tempfile::tempdir().unwrap();
    let quantum = Duration::from_millis(800);
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.max_concurrent_jobs = std::num::NonZeroUsize::new(1);
            file.datasets[0].response_quantum_ms = std::num::NonZeroU64::new(800);
        })
        .await;
        let mut first = Agent::at(32, &signed, now_ms());
        let mut second = Agent::at(33, &signed, now_ms());
        let (request, key, _) = first.seal("wat/hello.wasm", b"abc");
        let since = Instant::now();
        let mut running = agent.open_logic(node.peer_id(), &request).await.unwrap();
        until(&mut running, pb::Stage::Running).await;
        let (request, other_key, _) = second.seal("wat/hello.wasm", b"abc");
        let mut waiting = agent.open_logic(node.peer_id(), &request).await.unwrap();
        // Not a timing assertion on the node's speed: a lower bound the node must respect
        // however fast the first guest ran.
        let started = running_after(&mut waiting, since).await;
        assert!(started >= quantum, "the slot freed after {started:?}");
        for (responses, key) in [(running, key), (waiting, other_key)] {
            let answer = result(&collect(responses).await, &key);
            assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
        }
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn over_the_mesh_the_document_says_an_allow_list_exists_and_names_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let allowed = nmp_crypto::Identity::from_secret_bytes([34; 32]).peer_id();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, _agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.open = false;
            file.policy.allowed_agents = vec![allowed.to_string()];
        })
        .await;
        let document = nmp_crypto::capability::verify(&signed, Some(&node.peer_id()), now_ms())
            .expect("the document verifies");
        assert!(!document.policy.expect("a policy").open);
        let published = signed.encode_to_vec();
        assert!(!contains(&published, &allowed.to_bytes()));
        assert!(!contains(&published, allowed.to_string().as_bytes()));
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn over_the_mesh_an_agents_rate_bounds_its_samples_and_not_anothers() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.rate_limit_per_minute =
                nmp_node::config::OrOff::On(std::num::NonZeroU32::new(2).unwrap());
        })
        .await;
        let mut sampler = Agent::at(35, &signed, now_ms());
        for _ in 0..2 {
            let (request, key, _) = sampler.seal("wat/hello.wasm", b"abc");
            let answer = result(&over_mesh(&agent, &node, &request).await, &key);
            assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
        }
        let (request, _, _) = sampler.seal("wat/hello.wasm", b"abc");
        let refused = over_mesh(&agent, &node, &request).await;
        assert_eq!(error_code(&refused), pb::ErrorCode::RateLimited);
        let mut other = Agent::at(36, &signed, now_ms());
        let (request, key, _) = other.seal("wat/hello.wasm", b"abc");
        let answer = result(&over_mesh(&agent, &node, &request).await, &key);
        assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
