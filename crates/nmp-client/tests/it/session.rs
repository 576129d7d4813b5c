//! Sealed sessions through real Data Nodes on 127.0.0.1 (gRPC): the SDK's requests ride one
//! session and recover when the node forgets it; a hostile agent speaking raw gRPC gets a typed
//! refusal for every tampered, replayed, unknown, foreign or unauthorised session request, and
//! a refused agent leaves no session behind.

use std::path::Path;

use futures::StreamExt as _;
use nmp_client::NmpClient;
use nmp_crypto::{
    Identity, capability,
    session::{self, Session, SessionSealParams},
};
use nmp_node::{Node, config::File};
use nmp_wire::pb::{
    self, execute_request::Message, logic_mesh_client::LogicMeshClient, logic_response::Event,
    session_reply::Reply,
};
use tonic::transport::Channel;

use crate::{DEADLINE, LEDGER, ledger, module};

/// A node serving a small ledger on gRPC, with `policy` as its `[policy]` section.
async fn node(dir: &Path, policy: &str) -> Node {
    let identity = Identity::generate();
    identity.save(&dir.join("node.key")).unwrap();
    let data = ledger(dir, 6);
    let text = format!(
        "identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\n\n[policy]\n{policy}\n\n\
         [[datasets]]\nname = \"ledger\"\npath = \"{}\"\ncapability = \"{LEDGER}\"\n",
        data.display()
    );
    Node::start(identity, &File::parse(&text).unwrap(), dir)
        .await
        .unwrap()
}

fn logic() -> nmp_client::Logic {
    nmp_client::Logic::new(LEDGER, module("c/aggregate.wasm"))
        .with_input(b"{\"group_by\":\"branch\"}".to_vec())
}

/// An agent speaking raw gRPC to the node.
struct Raw {
    client: LogicMeshClient<Channel>,
    node: nmp_crypto::PeerId,
    key: pb::KemPublicKey,
}

impl Raw {
    async fn connect(node: &Node) -> Self {
        let mut client = LogicMeshClient::connect(node.grpc_endpoint().unwrap())
            .await
            .unwrap();
        let signed = client
            .describe(pb::DescribeRequest {})
            .await
            .unwrap()
            .into_inner();
        let document =
            capability::verify(&signed, Some(&node.peer_id()), nmp_wire::now_ms()).unwrap();
        Self {
            client,
            node: node.peer_id(),
            key: document.kem_keys[0].clone(),
        }
    }

    fn offer(&self, agent: &Identity) -> (pb::SessionOpen, session::Pending) {
        session::offer(agent, &self.node, &self.key, nmp_wire::now_ms()).unwrap()
    }

    async fn open(&mut self, offer: pb::SessionOpen) -> Reply {
        let reply = self.client.open_session(offer).await.unwrap().into_inner();
        reply.reply.unwrap()
    }

    async fn session(&mut self, agent: &Identity) -> Session {
        let (offer, pending) = self.offer(agent);
        let Reply::Accepted(accepted) = self.open(offer).await else {
            panic!("session refused");
        };
        pending.accept(&accepted).unwrap()
    }

    /// Sends `request` and returns its final event.
    async fn execute(&mut self, request: pb::LogicRequest) -> Event {
        let start = pb::ExecuteRequest {
            message: Some(Message::Start(request)),
        };
        let mut responses = self
            .client
            .execute(futures::stream::iter([start]))
            .await
            .unwrap()
            .into_inner();
        let mut last = None;
        while let Some(response) = responses.next().await {
            last = response.unwrap().event;
        }
        last.unwrap()
    }
}

fn sealed(session: &Session, id: u8) -> pb::LogicRequest {
    let logic = logic();
    let payload = pb::LogicPayload {
        wasm: logic.wasm.to_vec(),
        input: logic.input.to_vec(),
    };
    let params = SessionSealParams {
        request_id: [id; 16],
        capability: LEDGER,
        timestamp_ms: nmp_wire::now_ms(),
        limits: pb::RequestedLimits::default(),
        receipt_kind: pb::ReceiptKind::Signed,
    };
    session.seal(&params, &payload).unwrap().0
}

fn code(event: &Event) -> pb::ErrorCode {
    match event {
        Event::Error(error) => pb::ErrorCode::try_from(error.code).unwrap(),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_rides_one_session_and_reopens_one_the_node_forgot() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let node = node(dir.path(), "rate_limit_per_minute = \"off\"").await;
        let identity = Identity::generate();
        let agent = NmpClient::builder()
            .identity(identity.clone())
            .connect()
            .await
            .unwrap();
        let grpc = agent
            .connect_grpc(&node.grpc_endpoint().unwrap(), Some(node.peer_id()))
            .await
            .unwrap();
        for _ in 0..3 {
            assert!(grpc.execute(&logic()).await.unwrap().is_completed());
        }
        assert_eq!(node.service().sessions(), 1, "three requests, one session");
        // The same agent opens four sessions of its own elsewhere: the node holds at most four
        // per agent, so the SDK's (the oldest) is evicted.
        let mut raw = Raw::connect(&node).await;
        for _ in 0..4 {
            raw.session(&identity).await;
        }
        assert_eq!(node.service().sessions(), 4);
        // The SDK's next request is refused as SESSION_UNKNOWN; it opens a new session and
        // sends the request again.
        assert!(grpc.execute(&logic()).await.unwrap().is_completed());
        assert!(
            node.service().metrics_text().contains("session_unknown"),
            "the node refused the forgotten session once"
        );
        // Without sessions, the per-request envelope still works.
        let enveloped = grpc.clone().without_sessions();
        assert!(enveloped.execute(&logic()).await.unwrap().is_completed());
        node.shutdown().await;
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_session_requests_get_typed_refusals() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let node = node(dir.path(), "rate_limit_per_minute = \"off\"").await;
        let mut raw = Raw::connect(&node).await;
        let alice = Identity::generate();
        let (offer, pending) = raw.offer(&alice);
        let Reply::Accepted(accepted) = raw.open(offer.clone()).await else {
            panic!("alice's session refused");
        };
        let session = pending.accept(&accepted).unwrap();
        // A replayed offer creates nothing.
        assert_eq!(
            code(&Event::Error(error(raw.open(offer).await))),
            pb::ErrorCode::Replay
        );
        let request = sealed(&session, 1);
        assert!(matches!(
            raw.execute(request.clone()).await,
            Event::Result(_)
        ));
        // Replayed.
        assert_eq!(code(&raw.execute(request).await), pb::ErrorCode::Replay);
        // Tampered: one bit of the ciphertext.
        let mut tampered = sealed(&session, 2);
        tampered.session.as_mut().unwrap().ciphertext[3] ^= 1;
        assert_eq!(
            code(&raw.execute(tampered).await),
            pb::ErrorCode::EnvelopeInvalid
        );
        // Unknown session.
        let mut unknown = sealed(&session, 3);
        unknown.session.as_mut().unwrap().session_id = vec![7; 16];
        assert_eq!(
            code(&raw.execute(unknown).await),
            pb::ErrorCode::SessionUnknown
        );
        // Cross-agent: Mallory names Alice's session.
        let mallory = raw.session(&Identity::generate()).await;
        let mut foreign = sealed(&mallory, 4);
        foreign.session.as_mut().unwrap().session_id = session.id().to_vec();
        assert_eq!(
            code(&raw.execute(foreign).await),
            pb::ErrorCode::WrongRecipient
        );
        // Alice's session is untouched by all of it.
        assert!(matches!(
            raw.execute(sealed(&session, 5)).await,
            Event::Result(_)
        ));
        node.shutdown().await;
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_agent_leaves_no_session() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let alice = Identity::generate();
        let policy = format!(
            "open = false\nallowed_agents = [\"{}\"]\nrate_limit_per_minute = 2",
            alice.peer_id()
        );
        let node = node(dir.path(), &policy).await;
        let mut raw = Raw::connect(&node).await;
        // Not on the allow-list: refused before any decapsulation, nothing stored.
        let (offer, _) = raw.offer(&Identity::generate());
        assert_eq!(
            code(&Event::Error(error(raw.open(offer).await))),
            pb::ErrorCode::Forbidden
        );
        assert_eq!(node.service().sessions(), 0);
        // Opening a session spends the agent's rate like a request: two fit, the third does not.
        raw.session(&alice).await;
        raw.session(&alice).await;
        let (offer, _) = raw.offer(&alice);
        assert_eq!(
            code(&Event::Error(error(raw.open(offer).await))),
            pb::ErrorCode::RateLimited
        );
        assert_eq!(node.service().sessions(), 2);
        node.shutdown().await;
    })
    .await
    .unwrap();
}

fn error(reply: Reply) -> pb::Error {
    match reply {
        Reply::Error(error) => error,
        Reply::Accepted(_) => panic!("accepted"),
    }
}
