//! Six peers on loopback: a bootstrap, three Data Nodes (one per transport, two capabilities)
//! and two agents that know only the bootstrap peer.

use std::sync::Mutex;

use nmp_client::{Error, Logic, NmpClient, Outcome, Stage};
use nmp_crypto::receipt;
use nmp_node::Node;

use crate::{
    DEADLINE, LEDGER, PATIENTS, Transport, address, agent, data_node, example, ledger, module,
};

/// The whole mesh: bootstrap, nodes A (TCP, patients, gRPC), B (QUIC, patients) and
/// C (WebSocket, ledger), and agents over TCP and WebSocket.
struct World {
    bootstrap: nmp_net::Mesh,
    a: Node,
    b: Node,
    c: Node,
    tcp_agent: NmpClient,
    ws_agent: NmpClient,
    _dirs: [tempfile::TempDir; 3],
}

async fn world() -> World {
    let (seed, _) = nmp_testkit::bootstrap().await;
    let dirs = [(); 3].map(|()| tempfile::tempdir().expect("temp dir"));
    let patients = example("data");
    let ledger = ledger(dirs[2].path(), 30);
    let a = data_node(
        dirs[0].path(),
        Transport::Tcp,
        &address(&seed, Transport::Tcp).await,
        &[(PATIENTS, &patients)],
        "grpc = \"127.0.0.1:0\"",
    )
    .await;
    let b = data_node(
        dirs[1].path(),
        Transport::Quic,
        &address(&seed, Transport::Quic).await,
        &[(PATIENTS, &patients)],
        "",
    )
    .await;
    let c = data_node(
        dirs[2].path(),
        Transport::Ws,
        &address(&seed, Transport::Ws).await,
        &[(LEDGER, &ledger)],
        "",
    )
    .await;
    let tcp_agent = agent(address(&seed, Transport::Tcp).await).await;
    let ws_agent = agent(address(&seed, Transport::Ws).await).await;
    World {
        bootstrap: seed,
        a,
        b,
        c,
        tcp_agent,
        ws_agent,
        _dirs: dirs,
    }
}

impl World {
    async fn shutdown(self) {
        self.a.shutdown().await;
        self.b.shutdown().await;
        self.c.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_peers_discover_execute_and_verify_over_every_transport() {
    tokio::time::timeout(DEADLINE, async {
        let w = world().await;

        // Discovery through the DHT: each capability finds exactly its nodes, verified.
        // Provider records reach the bootstrap peer in one-way Kademlia messages: look again
        // until both are there (or the deadline, then the assertion says what was found).
        let mut expected = vec![w.a.peer_id(), w.b.peer_id()];
        expected.sort();
        let until = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let mut found: Vec<_> = w
                .tcp_agent
                .discover(PATIENTS)
                .await
                .expect("lookup runs")
                .providers
                .into_iter()
                .map(|p| p.peer)
                .collect();
            found.sort();
            if found == expected || tokio::time::Instant::now() > until {
                assert_eq!(found, expected);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let ledgers = w.ws_agent.discover(LEDGER).await.expect("lookup runs");
        assert_eq!(ledgers.providers.len(), 1);
        assert_eq!(ledgers.providers[0].peer, w.c.peer_id());
        assert_eq!(ledgers.providers[0].dataset(LEDGER).unwrap().row_count, 30);

        // Fan-out to both hospitals (node B only over QUIC), with progress events.
        let seen = Mutex::new(Vec::new());
        let logic = Logic::new(PATIENTS, module("c/aggregate.wasm"));
        let answers = w
            .tcp_agent
            .execute_all_with_progress(&logic, |peer, status| {
                seen.lock().unwrap().push((peer, status.stage));
            })
            .await
            .expect("fan-out runs");
        assert_eq!(answers.len(), 2);
        for node in &answers {
            let answer = node.answer.as_ref().expect("verified answer");
            assert_eq!(answer.outcome, Outcome::Completed);
            let json: serde_json::Value = serde_json::from_slice(&answer.output).unwrap();
            assert_eq!(json["rows"], 200);
            // The stored receipt re-verifies on its own.
            receipt::verify(&answer.receipt, &receipt::Expected::default()).unwrap();
        }
        let seen = seen.into_inner().unwrap();
        for peer in [w.a.peer_id(), w.b.peer_id()] {
            assert!(seen.contains(&(peer, Stage::Running as i32)), "{seen:?}");
        }

        // The ledger node, reached only over WebSocket, by the other agent.
        let input = br#"{"group_by":"branch","metric":"amount"}"#.to_vec();
        let answer = w
            .ws_agent
            .execute(
                w.c.peer_id(),
                &Logic::new(LEDGER, module("c/aggregate.wasm")).with_input(input),
            )
            .await
            .expect("verified answer");
        let json: serde_json::Value = serde_json::from_slice(&answer.output).unwrap();
        assert_eq!(json["groups"]["b0"]["count"], 10);

        // An agent that only has the node's PeerId finds its address through the DHT.
        let fresh = agent(address(&w.bootstrap, Transport::Tcp).await).await;
        let answer = fresh
            .execute(
                w.c.peer_id(),
                &Logic::new(LEDGER, module("c/aggregate.wasm"))
                    .with_input(b"{\"group_by\":\"branch\"}".to_vec()),
            )
            .await
            .expect("verified answer by PeerId alone");
        assert!(answer.is_completed());

        // gRPC: the same envelope and checks through node A's LogicMesh endpoint.
        let endpoint = format!("http://{}", w.a.grpc_addr().expect("gRPC on"));
        let node = w
            .ws_agent
            .connect_grpc(&endpoint, Some(w.a.peer_id()))
            .await
            .expect("the endpoint answers with a verified document");
        for _ in 0..2 {
            let answer = node
                .execute(&logic)
                .await
                .expect("verified answer over gRPC");
            assert!(answer.is_completed());
        }
        // Expecting another node refuses the document.
        let err = w
            .ws_agent
            .connect_grpc(&endpoint, Some(w.b.peer_id()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Document { .. }), "{err:?}");
        let err = w
            .ws_agent
            .connect_grpc("not a uri", None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Grpc(_)), "{err:?}");
        w.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_logic_is_stopped_and_reported_with_verified_receipts() {
    tokio::time::timeout(DEADLINE, async {
        let w = world().await;
        let answers = w
            .ws_agent
            .execute_all(&Logic::new(PATIENTS, module("c/exfiltrate.wasm")))
            .await
            .expect("fan-out runs");
        assert_eq!(answers.len(), 2);
        for node in answers {
            let answer = node.answer.expect("a verified, receipted refusal");
            assert_eq!(answer.outcome, Outcome::EgressBlocked);
            assert!(answer.output.is_empty(), "nothing left the node");
        }

        // A pinned agent sends nothing to a node outside its pin, found or named.
        let pinned = NmpClient::builder()
            .bootstrap(address(&w.bootstrap, Transport::Tcp).await)
            .trusted_nodes([w.a.peer_id()])
            .connect()
            .await
            .expect("agent joins");
        let logic = Logic::new(PATIENTS, module("c/aggregate.wasm"));
        let answers = pinned.execute_all(&logic).await.expect("fan-out runs");
        assert_eq!(answers.len(), 2);
        for node in &answers {
            if node.peer == w.a.peer_id() {
                assert!(node.answer.as_ref().expect("verified").is_completed());
            } else {
                let err = node.answer.as_ref().unwrap_err();
                assert!(matches!(err, Error::Untrusted { .. }), "{err:?}");
            }
        }
        let err = pinned.execute(w.b.peer_id(), &logic).await.unwrap_err();
        assert!(matches!(err, Error::Untrusted { .. }), "{err:?}");
        // Over gRPC too: describing node A is harmless, sending to it is refused.
        let pinned_to_b = NmpClient::builder()
            .trusted_nodes([w.b.peer_id()])
            .connect()
            .await
            .expect("agent starts");
        let endpoint = w.a.grpc_endpoint().expect("gRPC on");
        let node = pinned_to_b
            .connect_grpc(&endpoint, None)
            .await
            .expect("the document verifies");
        let err = node.execute(&logic).await.unwrap_err();
        assert!(matches!(err, Error::Untrusted { .. }), "{err:?}");

        // Pre-flight: the escape never leaves the agent.
        let escape = Logic::new(PATIENTS, module("wat/escape.wasm"));
        let err = w.tcp_agent.execute_all(&escape).await.unwrap_err();
        assert!(matches!(err, Error::Rejected(_)), "{err:?}");

        // Nobody serves this capability.
        let err = w
            .tcp_agent
            .execute_all(&Logic::new("demo.nowhere/none", module("wat/hello.wasm")))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NoProviders { .. }), "{err:?}");

        // A node asked for a capability it does not serve refuses before sealing.
        let err = w
            .tcp_agent
            .execute(
                w.c.peer_id(),
                &Logic::new(PATIENTS, module("wat/hello.wasm")),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotServed { .. }), "{err:?}");
        w.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
