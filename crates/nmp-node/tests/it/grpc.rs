//! The gRPC face through a real tonic client on 127.0.0.1: Describe, Execute (its receipt
//! verified) and reflection, both versions; its bounds ([`bounds`]), raw HTTP/2 against its
//! stream limit ([`h2`]), stalled calls against the inbound byte budget ([`budget`]), and
//! reflection through Python's `grpcio-reflection` ([`reflection`]).

mod bounds;
pub(crate) mod budget;
mod h2;
mod reflection;

use nmp_crypto::receipt;
use nmp_node::grpc::{self, Server};
use nmp_wire::{
    now_ms,
    pb::{self, execute_request::Message, logic_mesh_client::LogicMeshClient},
};
use sha2::{Digest as _, Sha256};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic_reflection::pb::{v1, v1alpha};

use crate::agent::{Agent, config, error_code, node_identity, result, service_at, stages};

/// The services a `grpc.reflection.v1` client is told of.
async fn list_v1(channel: tonic::transport::Channel) -> Vec<String> {
    use v1::{server_reflection_request::MessageRequest, server_reflection_response as answer};
    let list = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut answers = v1::server_reflection_client::ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([list]))
        .await
        .expect("v1 is served")
        .into_inner();
    let answer = answers
        .message()
        .await
        .expect("an answer")
        .expect("a message");
    match answer.message_response {
        Some(answer::MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("expected a service list, got {other:?}"),
    }
}

/// The services a `grpc.reflection.v1alpha` client (Python's `grpcio-reflection`, older
/// grpcurl) is told of.
async fn list_v1alpha(channel: tonic::transport::Channel) -> Vec<String> {
    use v1alpha::{
        server_reflection_request::MessageRequest, server_reflection_response as answer,
    };
    let list = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut answers = v1alpha::server_reflection_client::ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([list]))
        .await
        .expect("v1alpha is served")
        .into_inner();
    let answer = answers
        .message()
        .await
        .expect("an answer")
        .expect("a message");
    match answer.message_response {
        Some(answer::MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("expected a service list, got {other:?}"),
    }
}

/// A gRPC server running on an ephemeral loopback port.
struct Serving {
    addr: std::net::SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), grpc::Error>>,
}

impl Serving {
    async fn start(config: nmp_node::service::Config, now_ms: u64, grpc: grpc::Config) -> Self {
        let node = service_at(config, now_ms);
        let server = Server::bind(node, "127.0.0.1:0".parse().expect("address"), grpc)
            .await
            .expect("binds loopback");
        let addr = server.local_addr().expect("bound");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(async {
            let _ = stopped.await;
        }));
        Self { addr, stop, task }
    }

    async fn channel(&self) -> tonic::transport::Channel {
        tonic::transport::Channel::from_shared(format!("http://{}", self.addr))
            .expect("valid url")
            .connect()
            .await
            .expect("connects")
    }

    async fn stop(self) {
        self.stop.send(()).expect("the server is running");
        self.task
            .await
            .expect("the server task ends")
            .expect("the server stops cleanly");
    }
}

/// A node serving gRPC with the default bounds: a connected channel, the stop switch and the
/// server task.
async fn serve(
    config: nmp_node::service::Config,
    now_ms: u64,
) -> (
    tonic::transport::Channel,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), grpc::Error>>,
) {
    let serving = Serving::start(config, now_ms, grpc::Config::default()).await;
    let channel = serving.channel().await;
    (channel, serving.stop, serving.task)
}

#[tokio::test]
async fn grpc_serves_describe_execute_and_reflection() {
    let now_ms = now_ms();
    let (channel, stop, serving) = serve(config(), now_ms).await;
    let mut client = LogicMeshClient::new(channel.clone());
    let signed = client
        .describe(pb::DescribeRequest {})
        .await
        .unwrap()
        .into_inner();
    let mut agent = Agent::at(1, &signed, now_ms);
    let (request, key, wasm) = agent.seal("c/aggregate.wasm", b"");
    let request_id = request.request_id.clone();
    let start = pb::ExecuteRequest {
        message: Some(Message::Start(request)),
    };
    let mut inbound = client
        .execute(tokio_stream::iter([start]))
        .await
        .unwrap()
        .into_inner();
    let mut responses = Vec::new();
    while let Some(response) = inbound.message().await.unwrap() {
        responses.push(response);
    }
    assert_eq!(stages(&responses).last(), Some(&pb::Stage::Running));
    let answer = result(&responses, &key);
    assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
    assert!(!answer.stdout.is_empty());
    // The receipt verifies against the node, the module, the (empty) input and the output, and
    // is about this request from this agent.
    let body = receipt::verify(
        answer.receipt.as_ref().expect("a receipt"),
        &receipt::Expected {
            node: Some(&node_identity().peer_id()),
            module_sha256: Some(Sha256::digest(&wasm).into()),
            input_sha256: Some(Sha256::digest(b"").into()),
            output: Some(&answer.stdout),
            attested: None,
        },
    )
    .expect("the receipt verifies");
    assert_eq!(body.request_id, request_id);
    assert_eq!(body.agent_peer_id, agent.identity.peer_id().to_bytes());
    assert_eq!(body.outcome, answer.outcome);

    let not_started = pb::ExecuteRequest {
        message: Some(Message::Cancel(pb::Cancel::default())),
    };
    let refused = client.execute(tokio_stream::iter([not_started])).await;
    assert_eq!(refused.unwrap_err().code(), tonic::Code::InvalidArgument);

    for names in [list_v1(channel.clone()).await, list_v1alpha(channel).await] {
        assert!(names.contains(&"nmp.v1.LogicMesh".to_owned()), "{names:?}");
    }

    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_cancel_message_ends_the_request_with_cancelled() {
    let now_ms = now_ms();
    let mut config = config();
    config.node.sandbox.limits.timeout = std::time::Duration::from_secs(1);
    config.node.sandbox.limits.fuel = None;
    let (channel, stop, serving) = serve(config, now_ms).await;
    let mut client = LogicMeshClient::new(channel);
    let signed = client
        .describe(pb::DescribeRequest {})
        .await
        .unwrap()
        .into_inner();
    let mut agent = Agent::at(1, &signed, now_ms);
    let (request, _, _) = agent.seal("wat/spin.wasm", b"");
    let request_id = request.request_id.clone();
    let (outbound, rx) = mpsc::channel(4);
    outbound
        .send(pb::ExecuteRequest {
            message: Some(Message::Start(request)),
        })
        .await
        .unwrap();
    let mut inbound = client
        .execute(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    loop {
        let response = inbound.message().await.unwrap().expect("stream open");
        if stages(std::slice::from_ref(&response)) == [pb::Stage::Running] {
            break;
        }
    }
    outbound
        .send(pb::ExecuteRequest {
            message: Some(Message::Cancel(pb::Cancel { request_id })),
        })
        .await
        .unwrap();
    let mut rest = Vec::new();
    while let Some(response) = inbound.message().await.unwrap() {
        rest.push(response);
    }
    assert_eq!(error_code(&rest), pb::ErrorCode::Cancelled);

    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}
