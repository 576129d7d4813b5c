//! Admission before decapsulation, through the service and through a real Data Node on
//! 127.0.0.1: a refused agent's flood never reaches the replay cache, so honest agents keep
//! their whole window; open mode limits each origin (an address), whatever peer ids and agent
//! keys it uses; the daily budget holds past the per-minute rate.

use std::{collections::HashSet, sync::Arc};

use futures::StreamExt as _;
use nmp_crypto::{
    Identity, KemKeyPair, Keyring, PeerId, capability,
    envelope::{self, OpenConfig, SealParams},
};
use nmp_node::{Service, service};
use nmp_wire::{
    now_ms,
    pb::{self, execute_request::Message, logic_mesh_client::LogicMeshClient},
};

use crate::{
    agent::{Agent, CAPABILITY, NOW_MS, collect, config, error_code, node_identity, result},
    example,
    mesh::{self, DEADLINE, mesh_with_node},
    service::LOCAL,
};

/// The default window: five minutes.
const MAX_AGE_MS: u64 = 300_000;

/// Refused requests sent to the real node: each costs a signature on each side, tens of
/// milliseconds in a debug build.
const FLOOD: u128 = 2_000;

/// Requests of `agent` with ids `ids`, all stamped `timestamp_ms`, sealed to the node whose
/// verified document is `signed`, each carrying `module`.
fn sealed(
    agent: &Identity,
    signed: &pb::SignedCapabilityDocument,
    ids: std::ops::Range<u128>,
    timestamp_ms: u64,
    module: &str,
) -> Vec<pb::LogicRequest> {
    let document = capability::verify(signed, Some(&node_identity().peer_id()), timestamp_ms)
        .expect("document verifies");
    let node = node_identity().peer_id();
    let payload = pb::LogicPayload {
        wasm: std::fs::read(example(module)).expect("bundled module"),
        input: Vec::new(),
    };
    ids.map(|id| {
        let params = SealParams {
            agent,
            node_peer: &node,
            node_key: &document.kem_keys[0],
            request_id: id.to_be_bytes(),
            capability: CAPABILITY,
            timestamp_ms,
            limits: pb::RequestedLimits::default(),
            receipt_kind: pb::ReceiptKind::Signed,
        };
        envelope::seal(&params, &payload).expect("seals").0
    })
    .collect()
}

fn allow_only(agent: PeerId) -> service::Config {
    let mut config = config();
    config.access = service::Access::Allowed(HashSet::from([agent]));
    config
}

#[tokio::test]
async fn a_refused_agents_flood_never_reaches_the_replay_cache() {
    // A replay cache far smaller than the flood, with room for one agent: had the refused
    // requests been recorded, they would have taken that room (the honest agent answered
    // OVERLOADED) or, in one shared cache, pushed the floor past the honest agent's oldest
    // acceptable timestamp (answered STALE).
    let honest = Identity::from_secret_bytes([1; 32]);
    let keyring = Keyring::new(
        node_identity().peer_id(),
        KemKeyPair::generate(),
        NOW_MS + 86_400_000,
        OpenConfig::default()
            .replay_capacity(32)
            .replay_per_agent(8)
            .replay_agents(1),
    );
    let node = Arc::new(
        Service::new(node_identity(), keyring, allow_only(honest.peer_id()))
            .expect("service starts"),
    );
    let signed = node.describe(NOW_MS);
    let refused = Identity::from_secret_bytes([66; 32]);
    for request in sealed(&refused, &signed, 0..300, NOW_MS, "wat/hello.wasm") {
        let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
        assert_eq!(error_code(&responses), pb::ErrorCode::Forbidden);
    }
    let mut agent = Agent::new(1, &signed);
    let oldest = NOW_MS - MAX_AGE_MS;
    let (request, key, _) = agent.seal_at("wat/hello.wasm", b"", oldest, Default::default());
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    assert_eq!(
        result(&responses, &key).outcome,
        pb::Outcome::Completed as i32
    );
}

#[tokio::test]
async fn thousands_of_refused_requests_over_grpc_leave_honest_requests_accepted() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let honest = Identity::from_secret_bytes([1; 32]).peer_id();
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.open = false;
            file.policy.allowed_agents = vec![honest.to_string()];
        })
        .await;
        let url = format!("http://{}", node.grpc_addr().expect("gRPC face"));
        let channel = tonic::transport::Channel::from_shared(url)
            .expect("valid url")
            .connect()
            .await
            .expect("connects");
        // One sealed request, re-signed under 2,000 request ids: each is a validly signed
        // request of the refused agent, all the node checks before refusing it.
        let refused = Identity::from_secret_bytes([66; 32]);
        let template = sealed(&refused, &signed, 0..1, now_ms(), "wat/hello.wasm").remove(0);
        let node_key = capability::verify(&signed, None, now_ms())
            .expect("document verifies")
            .kem_keys
            .remove(0);
        let flood = (0..FLOOD).map(|id| {
            let mut request = template.clone();
            request.request_id = id.to_be_bytes().to_vec();
            nmp_crypto::testing::resign(&mut request, &refused, &node_key);
            request
        });
        let codes: Vec<pb::ErrorCode> = futures::stream::iter(flood)
            .map(|request| {
                let mut client = LogicMeshClient::new(channel.clone());
                async move {
                    let start = pb::ExecuteRequest {
                        message: Some(Message::Start(request)),
                    };
                    let mut inbound = client
                        .execute(tokio_stream::iter([start]))
                        .await
                        .expect("call starts")
                        .into_inner();
                    let mut responses = Vec::new();
                    while let Some(response) = inbound.message().await.expect("stream") {
                        responses.push(response);
                    }
                    error_code(&responses)
                }
            })
            // As many calls at once as the node allows on one connection.
            .buffer_unordered(nmp_net::Config::default().max_logic_streams_per_peer)
            .collect()
            .await;
        assert_eq!(codes.len(), FLOOD as usize);
        assert!(codes.iter().all(|&c| c == pb::ErrorCode::Forbidden));

        // The honest agent's window is unchanged: a request stamped ten seconds inside its
        // far end is accepted, and so is a fresh one.
        let mut sealer = Agent::at(1, &signed, now_ms());
        let old = now_ms() - MAX_AGE_MS + 10_000;
        for timestamp_ms in [old, now_ms()] {
            let (request, key, _) =
                sealer.seal_at("c/aggregate.wasm", b"", timestamp_ms, Default::default());
            let stream = agent.open_logic(node.peer_id(), &request).await.unwrap();
            let responses = mesh::collect(stream).await;
            assert_eq!(
                result(&responses, &key).outcome,
                pb::Outcome::Completed as i32
            );
        }
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

/// A fresh mesh identity at 127.0.0.`last` connected to `node`: over QUIC from a socket bound
/// to that address (libp2p dials QUIC from its listening socket), so the node sees that origin.
async fn peer_at(node: &nmp_node::Node, last: u8) -> nmp_net::Mesh {
    let config = nmp_net::Config {
        listen: vec![
            format!("/ip4/127.0.0.{last}/udp/0/quic-v1")
                .parse()
                .expect("a multiaddr"),
        ],
        ..nmp_net::Config::default()
    };
    let (peer, _inbound) = nmp_net::Mesh::bind(nmp_net::Keypair::generate_ed25519(), config)
        .await
        .expect("binds");
    let quic = node
        .listen_addrs()
        .iter()
        .find(|a| a.to_string().contains("/quic-v1"))
        .expect("a QUIC listener")
        .clone();
    assert_eq!(peer.dial(quic).await.expect("dials"), node.peer_id());
    peer
}

#[tokio::test]
async fn open_mode_limits_an_origin_whatever_peer_ids_and_agent_keys_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, _agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.origin_rate_limit_per_minute =
                nmp_node::config::OrOff::On(std::num::NonZeroU32::new(5).unwrap());
        })
        .await;
        let mut codes = Vec::new();
        for seed in 100..108u8 {
            // A fresh transport identity (its own connection) and a fresh agent key for every
            // request, all from 127.0.0.1: per-peer and per-agent limits never see a repeat.
            let sybil = peer_at(&node, 1).await;
            let identity = Identity::from_secret_bytes([seed; 32]);
            let request = sealed(&identity, &signed, 1..2, now_ms(), "wat/hello.wasm").remove(0);
            let stream = sybil.open_logic(node.peer_id(), &request).await.unwrap();
            let responses = mesh::collect(stream).await;
            codes.push(match responses.last().and_then(|r| r.event.as_ref()) {
                Some(pb::logic_response::Event::Error(e)) => e.code,
                _ => pb::ErrorCode::Unspecified as i32,
            });
        }
        let limited = pb::ErrorCode::RateLimited as i32;
        assert!(codes[..5].iter().all(|&c| c != limited), "{codes:?}");
        assert!(codes[5..].iter().all(|&c| c == limited), "{codes:?}");
        // Another origin (127.0.0.2) is served.
        let honest = peer_at(&node, 2).await;
        let mut sealer = Agent::at(1, &signed, now_ms());
        let (request, key, _) = sealer.seal("wat/hello.wasm", b"");
        let stream = honest.open_logic(node.peer_id(), &request).await.unwrap();
        let responses = mesh::collect(stream).await;
        assert_eq!(
            result(&responses, &key).outcome,
            pb::Outcome::Completed as i32
        );
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn the_daily_budget_holds_past_the_per_minute_rate() {
    let mut config = config();
    config.rate_limit_per_minute = None;
    config.budget_per_day = std::num::NonZeroU32::new(3);
    let node = crate::agent::service(config);
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    for _ in 0..3 {
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
    let Some(pb::logic_response::Event::Error(error)) = &responses[0].event else {
        panic!("a refusal");
    };
    assert_eq!(error.message, "over 3 requests a day");
}
