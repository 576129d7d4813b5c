//! Per-origin bounds through a real mesh on loopback: stalled logic streams hold no more than
//! their origin's share of the inbound byte budget (the next one is answered `OVERLOADED`),
//! another origin is still served, the node-wide limit binds across origins, every byte is
//! released when the streams end, and fresh identities from one address share its connection
//! cap. Agents at 127.0.0.2 and 127.0.0.3 dial over QUIC from a socket bound to that address
//! (libp2p dials QUIC from its listening socket), so the node sees them as other origins.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use futures::AsyncWriteExt;
use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, Stream};
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;

use super::Mesh;
use super::hostile::{pair, raw, serve, still_serves};
use crate::config::Config;
use crate::{Budget, Error, LOGIC_PROTOCOL, Origin, codec};

const DEADLINE: Duration = Duration::from_secs(60);
const KIB: u64 = 1024;

fn loopback(last: u8) -> Origin {
    Origin::from_ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
}

/// A node at 127.0.0.1 with `budget`, serving every request; stalled streams keep their
/// charge for 30 s unless they end first.
async fn node(budget: &Budget, tune: impl FnOnce(&mut Config)) -> Mesh {
    let mut config = Config {
        inbound_budget: budget.clone(),
        max_logic_streams_per_peer: 64,
        request_timeout: Duration::from_secs(30),
        ..Config::loopback()
    };
    tune(&mut config);
    let (node, inbound) = Mesh::bind(Keypair::generate_ed25519(), config)
        .await
        .unwrap();
    serve(inbound);
    node
}

/// The node's listen address on `transport` ("tcp" or "quic"), with its peer id.
async fn address(node: &Mesh, transport: &str) -> Multiaddr {
    node.listen_addrs()
        .await
        .unwrap()
        .into_iter()
        .find(|addr| {
            let text = addr.to_string();
            text.contains(transport) && !text.contains("/ws")
        })
        .expect("the node listens on it")
        .with(Protocol::P2p(node.peer_id()))
}

/// A fresh identity dialling `node` from 127.0.0.`last` (TCP from 127.0.0.1, QUIC otherwise).
async fn agent(node: &Mesh, last: u8) -> Result<Mesh, Error> {
    let listen = match last {
        1 => Vec::new(),
        _ => vec![
            format!("/ip4/127.0.0.{last}/udp/0/quic-v1")
                .parse()
                .unwrap(),
        ],
    };
    let config = Config {
        listen,
        ..Config::default()
    };
    let (agent, _) = Mesh::bind(Keypair::generate_ed25519(), config).await?;
    let transport = if last == 1 { "tcp" } else { "quic" };
    agent.dial(address(node, transport).await).await?;
    Ok(agent)
}

/// A logic stream that announces a 20 MiB request, sends `sent` bytes of it and stalls.
async fn stalled(agent: &Mesh, node: &Mesh, sent: u64) -> Stream {
    let mut stream = raw(agent, node, LOGIC_PROTOCOL).await;
    let mut wire = Vec::new();
    prost::encoding::encode_varint(20 << 20, &mut wire);
    wire.resize(wire.len() + usize::try_from(sent).unwrap(), 0);
    stream.write_all(&wire).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// Waits (polling) until `budget` holds `bytes` for `origin`.
async fn until_held(budget: &Budget, origin: Origin, bytes: u64) {
    while budget.used_by(origin) != bytes {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Asserts `stream` is answered `ERROR_CODE_OVERLOADED`, and returns the message.
async fn overloaded(mut stream: Stream) -> String {
    let response: pb::LogicResponse = codec::read_message(&mut stream, 1 << 20).await.unwrap();
    let Some(Event::Error(error)) = response.event else {
        panic!("not an error: {response:?}");
    };
    assert_eq!(error.code, pb::ErrorCode::Overloaded as i32);
    error.message
}

#[tokio::test]
async fn stalled_streams_stay_within_their_origins_share_and_another_origin_is_served() {
    tokio::time::timeout(DEADLINE, async {
        let budget = Budget::new(8 << 20, 1 << 20);
        let node = node(&budget, |_| {}).await;
        let flooder = agent(&node, 1).await.unwrap();
        // Each stream sends 200 KiB: its buffer grew 64 → 128 → 256 KiB. Four fill the share.
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(stalled(&flooder, &node, 200 * KIB).await);
        }
        until_held(&budget, loopback(1), 1 << 20).await;
        let fifth = stalled(&flooder, &node, 1).await;
        let message = overloaded(fifth).await;
        assert!(message.contains("origin's share"), "{message}");
        assert_eq!(budget.used(), 1 << 20);

        still_serves(&agent(&node, 2).await.unwrap(), &node).await;
        drop(held);
        until_held(&budget, loopback(1), 0).await;
        assert_eq!(budget.used(), 0);
        // The freed share serves the same origin again.
        still_serves(&flooder, &node).await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn the_node_limit_binds_across_origins_and_is_released_when_streams_end() {
    tokio::time::timeout(DEADLINE, async {
        let budget = Budget::new(1536 * KIB, 1 << 20);
        let node = node(&budget, |_| {}).await;
        let (first, second) = (
            agent(&node, 1).await.unwrap(),
            agent(&node, 2).await.unwrap(),
        );
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(stalled(&first, &node, 200 * KIB).await);
        }
        for _ in 0..2 {
            held.push(stalled(&second, &node, 200 * KIB).await);
        }
        until_held(&budget, loopback(2), 512 * KIB).await;
        until_held(&budget, loopback(1), 1 << 20).await;
        let third = agent(&node, 3).await.unwrap();
        let message = overloaded(stalled(&third, &node, 1).await).await;
        assert!(message.contains("node's inbound byte budget"), "{message}");
        drop(held);
        until_held(&budget, loopback(1), 0).await;
        until_held(&budget, loopback(2), 0).await;
        still_serves(&third, &node).await;
        assert_eq!(budget.used(), 0);
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn fresh_identities_from_one_address_share_its_connection_cap() {
    tokio::time::timeout(DEADLINE, async {
        let budget = Budget::default();
        let node = node(&budget, |config| config.max_connections_per_origin = 2).await;
        let mut held = vec![
            agent(&node, 1).await.unwrap(),
            agent(&node, 1).await.unwrap(),
        ];
        // The third fresh identity from 127.0.0.1 is denied; another address is not.
        assert!(matches!(agent(&node, 1).await, Err(Error::Dial(_))));
        still_serves(&agent(&node, 2).await.unwrap(), &node).await;
        // Closing one connection makes room (once the node has seen it close).
        drop(held.pop());
        let again = loop {
            match agent(&node, 1).await {
                Ok(agent) => break agent,
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        };
        still_serves(&again, &node).await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn a_request_at_its_origins_share_is_served_and_one_byte_past_it_is_overloaded() {
    tokio::time::timeout(DEADLINE, async {
        let request = pb::LogicRequest {
            request_id: vec![1; 16],
            ..Default::default()
        };
        let len = u64::try_from(prost::Message::encoded_len(&request)).unwrap();
        let budget = Budget::new(4 * len, len);
        let (node, agent) = pair(Config {
            inbound_budget: budget.clone(),
            ..Config::loopback()
        })
        .await;
        // At the share, over and over: nothing leaks between requests.
        for _ in 0..3 {
            still_serves(&agent, &node).await;
            until_held(&budget, loopback(1), 0).await;
        }
        let longer = pb::LogicRequest {
            request_id: vec![1; 17],
            ..Default::default()
        };
        let mut stream = raw(&agent, &node, LOGIC_PROTOCOL).await;
        stream.write_all(&codec::encode(&longer)).await.unwrap();
        overloaded(stream).await;
        until_held(&budget, loopback(1), 0).await;
    })
    .await
    .expect("within the deadline");
}
