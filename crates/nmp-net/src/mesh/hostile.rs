//! Hostile peers on raw streams: garbage, oversized and truncated frames, and a flood of
//! streams from one peer. Each gets a reset; the node keeps serving honest peers.

use std::time::Duration;

use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::StreamProtocol;
use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;

use super::{Inbound, Incoming, Mesh};
use crate::config::Config;
use crate::{INFO_PROTOCOL, LOGIC_PROTOCOL, codec};

const DEADLINE: Duration = Duration::from_secs(60);

/// A node answering every request, an agent connected to it over TCP, and the node's limits.
pub(super) async fn pair(config: Config) -> (Mesh, Mesh) {
    let (node, inbound) = Mesh::bind(Keypair::generate_ed25519(), config)
        .await
        .unwrap();
    serve(inbound);
    let (agent, _) = Mesh::bind(Keypair::generate_ed25519(), Config::default())
        .await
        .unwrap();
    let addr = node
        .listen_addrs()
        .await
        .unwrap()
        .remove(0)
        .with(Protocol::P2p(node.peer_id()));
    agent.dial(addr).await.unwrap();
    (node, agent)
}

pub(super) fn serve(mut inbound: Inbound) {
    tokio::spawn(async move {
        while let Some(incoming) = inbound.next().await {
            match incoming {
                Incoming::Info(request) => request
                    .respond(pb::SignedCapabilityDocument::default())
                    .await
                    .unwrap(),
                Incoming::Logic(stream) => {
                    let (request, mut sender, _closed) = stream.into_parts();
                    let result = pb::LogicResponse {
                        request_id: request.request_id,
                        event: Some(Event::Result(pb::LogicResult::default())),
                    };
                    let _ = sender.send(&result).await;
                }
            }
        }
    });
}

pub(super) async fn raw(agent: &Mesh, node: &Mesh, protocol: StreamProtocol) -> libp2p::Stream {
    agent
        .streams
        .clone()
        .open_stream(node.peer_id(), protocol)
        .await
        .unwrap()
}

/// Asserts the node honestly answers `agent` on both protocols.
pub(super) async fn still_serves(agent: &Mesh, node: &Mesh) {
    agent.describe(node.peer_id()).await.unwrap();
    let request = pb::LogicRequest {
        request_id: vec![1; 16],
        ..Default::default()
    };
    let responses: Vec<_> = agent
        .open_logic(node.peer_id(), &request)
        .await
        .unwrap()
        .collect()
        .await;
    assert!(matches!(
        &responses[..],
        [Ok(pb::LogicResponse {
            event: Some(Event::Result(_)),
            ..
        })]
    ));
}

fn hostile_frames() -> Vec<Vec<u8>> {
    let mut oversized = Vec::new();
    prost::encoding::encode_varint(nmp_wire::limits::MAX_FRAME_BYTES as u64 + 1, &mut oversized);
    vec![
        oversized,
        vec![3, 0xff, 0xff, 0xff],
        vec![10, 1, 2],
        vec![0xff; 11],
    ]
}

#[tokio::test]
async fn hostile_frames_reset_the_stream_and_the_node_keeps_serving() {
    tokio::time::timeout(DEADLINE, async {
        let (node, agent) = pair(Config::loopback()).await;
        for protocol in [LOGIC_PROTOCOL, INFO_PROTOCOL] {
            for frame in hostile_frames() {
                let mut stream = raw(&agent, &node, protocol.clone()).await;
                stream.write_all(&frame).await.unwrap();
                stream.close().await.unwrap();
                let answer = codec::read_frame(&mut stream, 1024).await;
                assert!(answer.is_err(), "{protocol} answered {frame:?}");
            }
        }
        still_serves(&agent, &node).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_flood_of_streams_from_one_peer_is_bounded() {
    tokio::time::timeout(DEADLINE, async {
        let config = Config {
            max_logic_streams_per_peer: 2,
            ..Config::loopback()
        };
        let (node, flooder) = pair(config).await;
        // Two silent streams hold the flooder's whole budget; the third is answered
        // OVERLOADED at once, before it has written anything, and then ends.
        let _held = [
            raw(&flooder, &node, LOGIC_PROTOCOL).await,
            raw(&flooder, &node, LOGIC_PROTOCOL).await,
        ];
        let mut over = raw(&flooder, &node, LOGIC_PROTOCOL).await;
        let refusal: pb::LogicResponse = codec::read_message(&mut over, 1024).await.unwrap();
        let Some(Event::Error(error)) = refusal.event else {
            panic!("not a refusal: {refusal:?}");
        };
        assert_eq!(error.code(), pb::ErrorCode::Overloaded);
        assert!(refusal.request_id.is_empty());
        let mut byte = [0u8; 1];
        assert!(matches!(over.read(&mut byte).await, Ok(0) | Err(_)));

        let (honest, _) = Mesh::bind(Keypair::generate_ed25519(), Config::default())
            .await
            .unwrap();
        let addr = node
            .listen_addrs()
            .await
            .unwrap()
            .remove(0)
            .with(Protocol::P2p(node.peer_id()));
        honest.dial(addr).await.unwrap();
        still_serves(&honest, &node).await;
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_burst_of_requests_opened_at_once_is_queued_not_reset() {
    tokio::time::timeout(DEADLINE, async {
        const BURST: u8 = 48;
        let config = Config {
            max_logic_streams_per_peer: 64,
            ..Config::loopback()
        };
        let (node, agent) = pair(config).await;
        let requests: Vec<_> = (0..BURST)
            .map(|id| pb::LogicRequest {
                request_id: vec![id; 16],
                ..Default::default()
            })
            .collect();
        let answers = futures::future::join_all(requests.iter().map(|request| async {
            let responses = agent.open_logic(node.peer_id(), request).await?;
            Ok::<_, crate::Error>(responses.collect::<Vec<_>>().await)
        }))
        .await;
        for (request, answer) in requests.iter().zip(answers) {
            let responses = answer.expect("the stream opens");
            assert!(
                matches!(
                    &responses[..],
                    [Ok(pb::LogicResponse { request_id, event: Some(Event::Result(_)) })]
                        if *request_id == request.request_id
                ),
                "request {:?} got {responses:?}",
                request.request_id[0]
            );
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_info_request_over_its_own_limit_is_refused_from_its_prefix() {
    tokio::time::timeout(DEADLINE, async {
        let (node, agent) = pair(Config::loopback()).await;
        // One byte over the info limit, far under the 24 MiB frame limit: the stream is reset
        // although a well-formed body follows (an empty request with one unknown bytes field,
        // which a node without the per-protocol limit would answer), and nothing is answered.
        let len = crate::MAX_INFO_REQUEST_BYTES + 1;
        let mut frame = Vec::new();
        prost::encoding::encode_varint(len as u64, &mut frame);
        frame.push(0x7a);
        prost::encoding::encode_varint(len as u64 - 3, &mut frame);
        frame.resize(frame.len() + len - 3, 0);
        let mut stream = raw(&agent, &node, INFO_PROTOCOL).await;
        // The node may reset the stream before the whole body is written.
        let _ = stream.write_all(&frame).await;
        let _ = stream.close().await;
        let answer = codec::read_frame(&mut stream, 1024).await;
        assert!(answer.is_err(), "answered an oversized info request");
        still_serves(&agent, &node).await;
    })
    .await
    .unwrap();
}
