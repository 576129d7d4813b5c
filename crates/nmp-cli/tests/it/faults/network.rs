//! Network faults through the proxy: latency with jitter and small chunks, a reset mid-job, a
//! partition that heals; over the mesh (TCP, Noise, Yamux) and gRPC.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use nmp_client::{NmpClient, PeerId};
use nmp_crypto::Identity;
use tokio::time::Instant;

use super::proxy::{Faults, Proxy};
use super::{DEADLINE, honest, node_toml, settled, spin};

/// An in-process node with a TCP listener and a gRPC face; runs stop after `timeout_ms`.
async fn node(dir: &Path, timeout_ms: u64) -> nmp_node::Node {
    let identity = Identity::generate();
    let extra = "grpc = \"127.0.0.1:0\"\n[listen]\ntcp = \"/ip4/127.0.0.1/tcp/0\"";
    let file = nmp_node::config::File::parse(&node_toml(extra, timeout_ms)).expect("valid config");
    nmp_node::Node::start(identity, &file, dir)
        .await
        .expect("node starts")
}

fn tcp_port(node: &nmp_node::Node) -> SocketAddr {
    let addr = node
        .listen_addrs()
        .iter()
        .find(|a| a.to_string().contains("/tcp/"))
        .expect("tcp");
    let port = addr
        .to_string()
        .rsplit('/')
        .next()
        .expect("port")
        .parse::<u16>()
        .expect("port");
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// An agent without bootstrap peers that knows `peer` only at the proxy's address.
async fn agent_via(proxy: &Proxy, peer: PeerId, execute_timeout: Duration) -> NmpClient {
    let agent = NmpClient::builder()
        .request_timeout(Duration::from_secs(10))
        .execute_timeout(execute_timeout)
        .connect()
        .await
        .expect("agent starts");
    let addr = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", proxy.addr().port());
    agent
        .mesh()
        .dial(addr.parse().expect("multiaddr"))
        .await
        .expect("dials through the proxy");
    agent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_jitter_and_small_chunks_slow_a_job_but_it_completes_on_the_mesh_and_grpc() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let node = node(dir.path(), 5_000).await;
        let faults = Faults {
            latency: Duration::from_millis(200),
            jitter: Duration::from_millis(100),
            max_chunk: 512,
            partitioned: false,
        };
        let mesh_proxy = Proxy::start(tcp_port(&node), faults).await;
        let grpc_proxy = Proxy::start(node.grpc_addr().expect("grpc face"), faults).await;
        let agent = agent_via(&mesh_proxy, node.peer_id(), Duration::from_secs(60)).await;

        let started = Instant::now();
        let answer = agent
            .execute(node.peer_id(), &honest())
            .await
            .expect("completes on the mesh");
        assert!(answer.is_completed(), "{:?}", answer.outcome);
        // At least one round trip of 2 x 200 ms passed through the proxy.
        assert!(started.elapsed() >= Duration::from_millis(400));

        let endpoint = format!("http://{}", grpc_proxy.addr());
        let grpc = agent
            .connect_grpc(&endpoint, Some(node.peer_id()))
            .await
            .expect("grpc connects");
        let answer = grpc.execute(&honest()).await.expect("completes over gRPC");
        assert!(answer.is_completed(), "{:?}", answer.outcome);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_mid_job_fails_typed_at_once_and_the_next_job_completes() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let node = node(dir.path(), 4_000).await;
        let proxy = Proxy::start(tcp_port(&node), Faults::default()).await;
        let execute_timeout = Duration::from_secs(30);
        let agent = agent_via(&proxy, node.peer_id(), execute_timeout).await;

        let peer = node.peer_id();
        let job = tokio::spawn({
            let agent = agent.clone();
            async move { agent.execute(peer, &spin()).await }
        });
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let reset_at = Instant::now();
        proxy.reset_all();
        let result = job.await.expect("the job task ends");
        let said = settled(&result, "reset mid-job");
        eprintln!("reset mid-job: {said} after {:?}", reset_at.elapsed());
        assert!(reset_at.elapsed() < execute_timeout, "{said}");
        // The node had answered (its status events), so nothing is resent: the reset is the
        // network's failure, not the node's lie.
        assert!(
            matches!(result, Err(nmp_client::Error::Disconnected { .. })),
            "{said}"
        );

        let answer = agent
            .execute(peer, &honest())
            .await
            .expect("the next job completes");
        assert!(answer.is_completed(), "{:?}", answer.outcome);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_that_heals_delays_or_times_out_a_job_and_the_next_one_completes() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let node = node(dir.path(), 5_000).await;
        let proxy = Proxy::start(tcp_port(&node), Faults::default()).await;
        let execute_timeout = Duration::from_secs(8);
        let agent = agent_via(&proxy, node.peer_id(), execute_timeout).await;
        let peer = node.peer_id();
        agent
            .execute(peer, &honest())
            .await
            .expect("a job before the partition");

        // A partition shorter than the job's deadline: the job waits it out or times out.
        proxy.set(Faults {
            partitioned: true,
            ..Faults::default()
        });
        let started = Instant::now();
        let job = tokio::spawn({
            let agent = agent.clone();
            async move { agent.execute(peer, &honest()).await }
        });
        tokio::time::sleep(Duration::from_secs(3)).await;
        proxy.set(Faults::default());
        let result = job.await.expect("the job task ends");
        let said = settled(&result, "partition of 3 s");
        eprintln!("partition of 3 s: {said} after {:?}", started.elapsed());
        assert!(
            started.elapsed() < execute_timeout + Duration::from_secs(20),
            "{said}"
        );

        // A partition longer than the deadline: a typed failure, no answer.
        proxy.set(Faults {
            partitioned: true,
            ..Faults::default()
        });
        let started = Instant::now();
        let result = agent.execute(peer, &honest()).await;
        let said = settled(&result, "partition past the deadline");
        eprintln!(
            "partition past the deadline: {said} after {:?}",
            started.elapsed()
        );
        assert!(
            matches!(result, Err(nmp_client::Error::Timeout { .. })),
            "{said}"
        );
        // The execute timeout is the one bound of the call: the opens (10 s request timeout
        // each) and resends live inside it. Two seconds of slack for the loaded machine.
        let bound = execute_timeout + Duration::from_secs(2);
        assert!(started.elapsed() < bound, "{said}");

        proxy.set(Faults::default());
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            match agent.execute(peer, &honest()).await {
                Ok(answer) => break assert!(answer.is_completed(), "{:?}", answer.outcome),
                Err(err) if Instant::now() < until => {
                    eprintln!("after the heal: {err}; again");
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
