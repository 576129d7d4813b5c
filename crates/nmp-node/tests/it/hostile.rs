//! Hostile peers against a real Data Node on loopback: raw garbage, oversized and truncated
//! frames on `/nmp/logic/1`, a tampered and a replayed envelope, a flood of streams from one
//! peer, and an agent that leaves mid-job. After each, an honest agent still gets a verified,
//! completed answer.

use std::time::Duration;

use futures::{AsyncReadExt as _, AsyncWriteExt as _, StreamExt as _};
use libp2p::{Multiaddr, PeerId, noise, tcp, yamux};
use nmp_crypto::receipt;
use nmp_net::{LOGIC_PROTOCOL, Mesh};
use nmp_node::Node;
use nmp_wire::pb;
use sha2::{Digest as _, Sha256};

use crate::{
    agent::{Agent, error_code, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms, until},
};

/// A bare libp2p peer (TCP, Noise, Yamux and raw streams only) connected to the node: it can
/// write anything on `/nmp/logic/1`.
pub(crate) async fn raw_peer(node: &Node) -> libp2p_stream::Control {
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
        .expect("TCP transport")
        .with_behaviour(|_| libp2p_stream::Behaviour::new())
        .expect("behaviour")
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
        .build();
    let control = swarm.behaviour().new_control();
    let tcp: Multiaddr = node
        .listen_addrs()
        .iter()
        .find(|a| a.to_string().contains("/tcp/") && !a.to_string().contains("/ws"))
        .expect("a TCP listener")
        .clone();
    swarm.dial(tcp).expect("dial starts");
    tokio::spawn(async move {
        loop {
            swarm.select_next_some().await;
        }
    });
    control
}

pub(crate) async fn logic_stream(
    control: &mut libp2p_stream::Control,
    node: PeerId,
) -> libp2p::Stream {
    // The dial may still be under way: retry a few times until the stream opens.
    for _ in 0..50 {
        match control.open_stream(node, LOGIC_PROTOCOL).await {
            Ok(stream) => return stream,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("cannot open a raw logic stream");
}

/// `true` when the node answered nothing: the stream ended or was reset.
async fn answered_nothing(stream: &mut libp2p::Stream) -> bool {
    let mut buf = [0u8; 64];
    matches!(stream.read(&mut buf).await, Ok(0) | Err(_))
}

/// An honest agent gets a completed answer whose receipt verifies.
async fn still_serves(agent: &Mesh, node: &Node, seed: u8) {
    let wasm = std::fs::read(crate::example("c/aggregate.wasm")).expect("bundled module");
    serves(agent, node, seed, wasm).await;
}

/// The agent `seed` sends `wasm` (a module that completes) and gets a completed answer whose
/// receipt verifies.
pub(crate) async fn serves(agent: &Mesh, node: &Node, seed: u8, wasm: Vec<u8>) {
    let signed = agent
        .describe(node.peer_id())
        .await
        .expect("node describes");
    let mut sealer = Agent::at(seed, &signed, now_ms());
    let (request, key, wasm) =
        sealer.seal_bytes(wasm, b"", now_ms(), pb::RequestedLimits::default());
    let responses = collect(
        agent
            .open_logic(node.peer_id(), &request)
            .await
            .expect("stream opens"),
    )
    .await;
    let answer = result(&responses, &key);
    assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
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
}

#[tokio::test]
async fn garbage_oversized_and_truncated_frames_get_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, _) = mesh_with_node(dir.path(), |_| {}).await;
        let mut control = raw_peer(&node).await;
        let mut oversized = Vec::new();
        prost::encoding::encode_varint(
            nmp_wire::limits::MAX_FRAME_BYTES as u64 + 1,
            &mut oversized,
        );
        let frames: [&[u8]; 4] = [
            &[0xff; 11],                  // not a varint
            &oversized,                   // a length past the frame limit
            &[10, 1, 2],                  // a frame cut short, then EOF
            &[4, 0xff, 0xff, 0xff, 0xff], // a frame that is not a LogicRequest
        ];
        for frame in frames {
            let mut stream = logic_stream(&mut control, node.peer_id()).await;
            stream.write_all(frame).await.expect("written");
            stream.close().await.expect("half-closed");
            assert!(answered_nothing(&mut stream).await, "answered {frame:?}");
        }
        still_serves(&agent, &node, 10).await;
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn tampered_and_replayed_envelopes_get_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |_| {}).await;
        let mut sealer = Agent::at(11, &signed, now_ms());
        let (mut tampered, _, _) = sealer.seal("c/aggregate.wasm", b"");
        tampered.envelope.as_mut().expect("sealed").ciphertext[0] ^= 1;
        let responses = collect(agent.open_logic(node.peer_id(), &tampered).await.unwrap()).await;
        // The agent's signature covers the ciphertext's hash, so a changed byte fails there.
        assert_eq!(error_code(&responses), pb::ErrorCode::WrongRecipient);

        let (request, key, _) = sealer.seal("c/aggregate.wasm", b"");
        let first = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        assert_eq!(result(&first, &key).outcome, pb::Outcome::Completed as i32);
        let replayed = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        assert_eq!(error_code(&replayed), pb::ErrorCode::Replay);
        still_serves(&agent, &node, 12).await;
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn a_flood_of_streams_from_one_peer_is_refused_past_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, _) = mesh_with_node(dir.path(), |_| {}).await;
        let mut control = raw_peer(&node).await;
        let budget = nmp_net::Config::default().max_logic_streams_per_peer;
        // Silent streams hold the flooder's whole budget; every one past it is refused
        // OVERLOADED at once, before its request is read (no request id), and then ends.
        let mut held = Vec::new();
        for _ in 0..budget {
            held.push(logic_stream(&mut control, node.peer_id()).await);
        }
        for _ in 0..4 {
            let mut over = logic_stream(&mut control, node.peer_id()).await;
            let refusal: pb::LogicResponse = nmp_net::codec::read_message(&mut over, 1024)
                .await
                .expect("a typed refusal");
            assert_eq!(
                error_code(std::slice::from_ref(&refusal)),
                pb::ErrorCode::Overloaded
            );
            assert!(refusal.request_id.is_empty());
            assert!(answered_nothing(&mut over).await);
        }
        still_serves(&agent, &node, 13).await;
        drop(held);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn an_agent_that_leaves_mid_job_frees_its_slot() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        // A spinning guest runs until its 2 s deadline (no fuel metering).
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.sandbox.timeout_ms = Some(2_000);
            file.policy.sandbox.fuel = Some(nmp_node::config::OrOff::Off);
        })
        .await;
        let mut sealer = Agent::at(14, &signed, now_ms());
        let (spin, _, _) = sealer.seal("wat/spin.wasm", b"");
        let mut running = agent.open_logic(node.peer_id(), &spin).await.unwrap();
        until(&mut running, pb::Stage::Running).await;
        drop(running);
        // The job ends (its result discarded) and gives its run slot back.
        while node.service().running_jobs() > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        still_serves(&agent, &node, 15).await;
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
