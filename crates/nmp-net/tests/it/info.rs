//! `/nmp/info/1` over each transport.

use crate::{Transport, address, agent, document, listening_node, serve, within};

async fn describe_over(transport: Transport) {
    within(async {
        let (node, inbound) = listening_node().await;
        serve(inbound, "node");
        let agent = agent(Vec::new()).await;
        let peer = agent
            .dial(address(&node, transport).await)
            .await
            .expect("dial succeeds");
        assert_eq!(peer, node.peer_id());
        assert_eq!(
            agent.describe(peer).await.expect("describe succeeds"),
            document("node")
        );
    })
    .await;
}

#[tokio::test]
async fn describe_over_tcp() {
    describe_over(Transport::Tcp).await;
}

#[tokio::test]
async fn describe_over_quic() {
    describe_over(Transport::Quic).await;
}

#[tokio::test]
async fn describe_over_websocket() {
    describe_over(Transport::WebSocket).await;
}

#[tokio::test]
async fn describe_of_a_silent_node_fails_with_a_typed_error() {
    within(async {
        // The node never reads its inbound queue: the request times out on the agent's side.
        let (node, _inbound) = listening_node().await;
        let config = nmp_net::Config {
            request_timeout: std::time::Duration::from_millis(300),
            ..Default::default()
        };
        let (agent, _) = nmp_net::Mesh::bind(nmp_net::Keypair::generate_ed25519(), config)
            .await
            .unwrap();
        let peer = agent
            .dial(address(&node, Transport::Tcp).await)
            .await
            .unwrap();
        let error = agent.describe(peer).await.expect_err("nobody answers");
        assert!(
            matches!(error, nmp_net::Error::Describe { .. }),
            "{error:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn connections_over_the_total_limit_are_denied() {
    within(async {
        let config = nmp_net::Config {
            max_connections: 1,
            ..nmp_net::Config::loopback()
        };
        let (node, inbound) = nmp_net::Mesh::bind(nmp_net::Keypair::generate_ed25519(), config)
            .await
            .unwrap();
        serve(inbound, "node");
        let addr = address(&node, Transport::Tcp).await;
        let first = agent(Vec::new()).await;
        first.dial(addr.clone()).await.unwrap();
        first.describe(node.peer_id()).await.unwrap();

        // The node drops the second connection as soon as it is established, so either the
        // dial or the request over it fails.
        let second = agent(Vec::new()).await;
        let denied = match second.dial(addr).await {
            Err(_) => true,
            Ok(peer) => second.describe(peer).await.is_err(),
        };
        assert!(denied, "a second connection was served");
        first.describe(node.peer_id()).await.unwrap();
    })
    .await;
}
