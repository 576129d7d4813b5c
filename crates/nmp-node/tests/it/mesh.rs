//! A Data Node on a real loopback mesh: an agent that knows only the bootstrap peer finds it
//! through the DHT, verifies its capability document, and streams sealed logic to it.

use std::{path::Path, time::Duration};

use nmp_crypto::{capability, receipt};
use nmp_net::{LogicResponses, Mesh};
use nmp_node::{Node, config::File};
use nmp_wire::pb;
use sha2::{Digest as _, Sha256};
use tokio_stream::StreamExt as _;

use crate::{
    agent::{Agent, CAPABILITY, node_identity, result, stages},
    example,
};
/// The protocol clock, for the tests that import it from here.
pub(crate) use nmp_wire::now_ms;

/// Deadline of each test, well above what a loopback run takes.
pub(crate) const DEADLINE: Duration = Duration::from_secs(120);

/// The TCP listen address of `mesh`, ending in its `/p2p/<peer id>`.
pub(crate) async fn tcp_address(mesh: &Mesh) -> String {
    nmp_testkit::address(mesh, nmp_testkit::Transport::Tcp)
        .await
        .to_string()
}

/// A node configuration file over the bundled dataset, bootstrapping from `bootstrap`.
fn file(dir: &Path, bootstrap: &str) -> File {
    node_identity()
        .save(&dir.join("node.key"))
        .expect("key file written");
    File::parse(&format!(
        r#"
identity = "node.key"
bootstrap = ["{bootstrap}"]
grpc = "127.0.0.1:0"

[listen]
tcp = "/ip4/127.0.0.1/tcp/0"
quic = "/ip4/127.0.0.1/udp/0/quic-v1"
ws = "/ip4/127.0.0.1/tcp/0/ws"

[[datasets]]
name = "patients"
path = "{}"
format = "csv"
capability = "{CAPABILITY}"
"#,
        example("data").display()
    ))
    .expect("valid configuration")
}

/// Every response until the stream ends.
pub(crate) async fn collect(mut responses: LogicResponses) -> Vec<pb::LogicResponse> {
    let mut all = Vec::new();
    while let Some(response) = responses.next().await {
        all.push(response.expect("well-formed responses"));
    }
    all
}

/// A bootstrap peer, a Data Node started from its file, and an agent that knows only the
/// bootstrap peer and has found the node through the DHT and verified its document. `tune`
/// adjusts the file before the node starts.
pub(crate) async fn mesh_with_node(
    dir: &Path,
    tune: impl FnOnce(&mut File),
) -> (
    (Mesh, nmp_net::Inbound),
    Node,
    Mesh,
    pb::SignedCapabilityDocument,
) {
    let bootstrap = nmp_testkit::bootstrap().await;
    let seed = tcp_address(&bootstrap.0).await;
    let mut file = file(dir, &seed);
    tune(&mut file);
    let node = Node::start(node_identity(), &file, dir)
        .await
        .expect("node starts");
    assert_eq!(node.peer_id(), node_identity().peer_id());
    assert_eq!(node.listen_addrs().len(), 3, "{:?}", node.listen_addrs());
    assert!(node.grpc_addr().is_some());

    let config = nmp_net::Config {
        bootstrap: vec![seed.parse().expect("multiaddr")],
        ..nmp_net::Config::loopback()
    };
    let (agent, _) = Mesh::bind(nmp_net::Keypair::generate_ed25519(), config)
        .await
        .expect("agent binds");
    // A provider record reaches the bootstrap peer in a one-way Kademlia message, so a lookup
    // right after the node started can come before it: look again until it is there.
    let agent_ref = &agent;
    let lookup = || async move {
        agent_ref
            .find_providers(CAPABILITY)
            .await
            .expect("lookup runs")
    };
    nmp_testkit::eventually(Duration::from_secs(30), || async move {
        !lookup().await.is_empty()
    })
    .await;
    assert_eq!(lookup().await, vec![node.peer_id()]);
    let signed = agent
        .describe(node.peer_id())
        .await
        .expect("node describes itself");
    let document = capability::verify(&signed, Some(&node.peer_id()), now_ms())
        .expect("the document verifies for the node's PeerId");
    assert!(document.datasets.iter().any(|d| d.capability == CAPABILITY));
    (bootstrap, node, agent, signed)
}

#[tokio::test]
async fn agent_finds_the_node_through_the_dht_and_gets_a_verified_sealed_answer() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |_| {}).await;
        let document = capability::verify(&signed, None, now_ms()).expect("verifies");
        assert_eq!(document.datasets[0].row_count, 200);
        let mut sealer = Agent::at(1, &signed, now_ms());
        let (request, key, wasm) = sealer.seal("c/aggregate.wasm", b"");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;

        use pb::Stage::*;
        assert_eq!(stages(&responses), [Validating, Queued, Running]);
        let answer = result(&responses, &key);
        assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
        let json: serde_json::Value = serde_json::from_slice(&answer.stdout).unwrap();
        assert_eq!(json["rows"], 200);
        receipt::verify(
            answer.receipt.as_ref().expect("receipt"),
            &receipt::Expected {
                node: Some(&node.peer_id()),
                module_sha256: Some(Sha256::digest(&wasm).into()),
                input_sha256: None,
                output: Some(&answer.stdout),
                attested: None,
            },
        )
        .expect("receipt verifies");
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn exfiltration_over_the_mesh_is_blocked_and_a_stopped_node_answers_nothing() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |_| {}).await;
        let mut sealer = Agent::at(2, &signed, now_ms());
        let (request, key, _) = sealer.seal("c/exfiltrate.wasm", b"");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        let answer = result(&responses, &key);
        assert_eq!(answer.outcome, pb::Outcome::EgressBlocked as i32);
        assert!(answer.stdout.is_empty());
        assert_eq!(
            answer.egress.as_ref().unwrap().verdict,
            pb::EgressVerdict::Blocked as i32
        );
        let peer = node.peer_id();
        node.shutdown().await;
        assert!(
            agent.describe(peer).await.is_err(),
            "a node that shut down answers nothing"
        );
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn an_agent_that_leaves_cancels_its_queued_job() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        // One run slot, held by a spinning guest until its 5 s deadline (no fuel metering).
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.max_concurrent_jobs = std::num::NonZeroUsize::new(1);
            file.policy.sandbox.timeout_ms = Some(5_000);
            file.policy.sandbox.fuel = Some(nmp_node::config::OrOff::Off);
        })
        .await;
        let mut sealer = Agent::at(3, &signed, now_ms());
        let (spin, spin_key, _) = sealer.seal("wat/spin.wasm", b"");
        let mut running = agent.open_logic(node.peer_id(), &spin).await.unwrap();
        until(&mut running, pb::Stage::Running).await;

        let (queued, _, _) = sealer.seal("c/aggregate.wasm", b"");
        let mut waiting = agent.open_logic(node.peer_id(), &queued).await.unwrap();
        until(&mut waiting, pb::Stage::Queued).await;
        assert_eq!(node.service().queued_jobs(), 1);
        drop(waiting);
        // The spinning job still holds the only slot, so only the cancellation empties the queue.
        while node.service().queued_jobs() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            tokio::time::timeout(Duration::ZERO, running.next())
                .await
                .is_err(),
            "the queue emptied while the spinning job still held the slot"
        );
        let result = collect(running).await;
        assert_eq!(
            crate::agent::result(&result, &spin_key).outcome,
            pb::Outcome::TimedOut as i32
        );
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

/// Reads `responses` until a status of `stage` arrives.
pub(crate) async fn until(responses: &mut LogicResponses, stage: pb::Stage) {
    loop {
        let response = responses
            .next()
            .await
            .expect("stream open")
            .expect("well-formed");
        match response.event {
            Some(pb::logic_response::Event::Status(s)) if s.stage == stage as i32 => return,
            Some(pb::logic_response::Event::Status(_)) => {}
            other => panic!("expected {stage:?}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_bad_listen_address_fails_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = file(
        dir.path(),
        "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
    );
    file.listen.tcp = Some("not an address".to_owned());
    let err = Node::start(node_identity(), &file, dir.path())
        .await
        .expect_err("a bad listen address is refused");
    assert!(matches!(err, nmp_node::node::Error::Address(_)), "{err:?}");
}
