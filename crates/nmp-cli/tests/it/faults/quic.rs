//! UDP faults on QUIC through the UDP proxy: dropped, delayed and reordered datagrams, then a
//! black hole longer than the deadline that heals.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use nmp_client::{Error, NmpClient, PeerId};
use nmp_crypto::Identity;
use tokio::time::Instant;

use super::udp::{Faults, Proxy};
use super::{DEADLINE, honest, node_toml, settled};

/// An in-process node listening on QUIC only; returns it and its UDP address.
async fn node(dir: &Path) -> (nmp_node::Node, SocketAddr) {
    let extra = "[listen]\nquic = \"/ip4/127.0.0.1/udp/0/quic-v1\"";
    let file = nmp_node::config::File::parse(&node_toml(extra, 5_000)).expect("valid config");
    let node = nmp_node::Node::start(Identity::generate(), &file, dir)
        .await
        .expect("node starts");
    let addr = node
        .listen_addrs()
        .iter()
        .map(ToString::to_string)
        .find(|a| a.contains("/quic-v1"))
        .expect("a QUIC listener");
    let port = addr
        .split('/')
        .skip_while(|p| *p != "udp")
        .nth(1)
        .and_then(|p| p.parse::<u16>().ok())
        .expect("a UDP port");
    (node, SocketAddr::from(([127, 0, 0, 1], port)))
}

/// An agent that knows `peer` only at the proxy's address.
async fn agent_via(proxy: &Proxy, peer: PeerId, execute_timeout: Duration) -> NmpClient {
    let agent = NmpClient::builder()
        .request_timeout(Duration::from_secs(10))
        .execute_timeout(execute_timeout)
        .connect()
        .await
        .expect("agent starts");
    let addr = format!(
        "/ip4/127.0.0.1/udp/{}/quic-v1/p2p/{peer}",
        proxy.addr().port()
    );
    agent
        .mesh()
        .dial(addr.parse().expect("multiaddr"))
        .await
        .expect("dials through the proxy");
    agent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quic_through_drops_delays_and_reordering_completes_and_a_black_hole_times_out_typed() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (node, udp) = node(dir.path()).await;
        let peer = node.peer_id();
        // 10 % of datagrams dropped, each delayed 20 to 80 ms: most arrive out of order.
        let lossy = Faults {
            drop_percent: 10,
            latency: Duration::from_millis(20),
            jitter: Duration::from_millis(60),
        };
        let proxy = Proxy::start(udp, lossy).await;
        let execute_timeout = Duration::from_secs(12);
        let agent = agent_via(&proxy, peer, execute_timeout).await;

        for n in 0..3 {
            let started = Instant::now();
            let answer = agent
                .execute(peer, &honest())
                .await
                .expect("completes through loss and reordering");
            assert!(answer.is_completed(), "{:?}", answer.outcome);
            eprintln!(
                "quic, 10% loss, 20-80 ms: job {n} in {:?}",
                started.elapsed()
            );
        }
        let (forwarded, dropped) = proxy.counts();
        eprintln!("quic, lossy: {forwarded} datagrams forwarded, {dropped} dropped");
        assert!(dropped > 0, "the proxy dropped nothing");

        // A black hole (every datagram dropped) past the deadline: a typed timeout within it.
        // The deadline (5 s) is shorter than QUIC's idle timeout: past that, the agent dials
        // the node at the address it announced (identify), around the proxy, and is answered.
        let deadline = Duration::from_secs(5);
        let blind = agent_via(&proxy, peer, deadline).await;
        proxy.set(Faults {
            drop_percent: 100,
            ..Faults::default()
        });
        let started = Instant::now();
        let result = blind.execute(peer, &honest()).await;
        let said = settled(&result, "black hole");
        eprintln!("quic, black hole: {said} after {:?}", started.elapsed());
        assert!(matches!(result, Err(Error::Timeout { .. })), "{said}");
        assert!(
            started.elapsed() < deadline + Duration::from_secs(2),
            "{said}"
        );

        // Healed: the agent is served again (its QUIC connection may have died meanwhile).
        proxy.set(lossy);
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            match agent.execute(peer, &honest()).await {
                Ok(answer) => break assert!(answer.is_completed(), "{:?}", answer.outcome),
                Err(err) if Instant::now() < until => {
                    eprintln!("quic, after the heal: {}; again", err.chain());
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(err) => panic!("no job completed within 60 s of the heal: {err}"),
            }
        }
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
