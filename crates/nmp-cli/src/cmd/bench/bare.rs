//! The baseline for the gRPC rows: a bare tonic unary call on loopback carrying the bytes of a
//! cached 1 KiB job in a session (the encoded session request in, the encoded sealed result
//! out), through the same generated `LogicMesh` stubs, HTTP/2 settings and codec, with no crypto
//! and no pipeline behind it.

use std::{net::SocketAddr, time::Instant};

use anyhow::Context as _;
use nmp_wire::pb::{
    self,
    logic_mesh_client::LogicMeshClient,
    logic_mesh_server::{LogicMesh, LogicMeshServer},
    session_reply::Reply,
};
use tokio::net::TcpListener;
use tokio_stream::{StreamExt as _, wrappers::TcpListenerStream};
use tonic::{Request, Response, Status, Streaming, transport::Endpoint};

use super::stats::Samples;

/// Answers every `OpenSession` with this many bytes of confirmation and nothing else.
#[derive(Debug, Clone, Copy)]
struct Echo(usize);

#[tonic::async_trait]
impl LogicMesh for Echo {
    type ExecuteStream = futures::stream::Empty<Result<pb::LogicResponse, Status>>;

    async fn execute(
        &self,
        _: Request<Streaming<pb::ExecuteRequest>>,
    ) -> Result<Response<Self::ExecuteStream>, Status> {
        Err(Status::unimplemented("baseline"))
    }

    async fn describe(
        &self,
        _: Request<pb::DescribeRequest>,
    ) -> Result<Response<pb::SignedCapabilityDocument>, Status> {
        Err(Status::unimplemented("baseline"))
    }

    async fn open_session(
        &self,
        _: Request<pb::SessionOpen>,
    ) -> Result<Response<pb::SessionReply>, Status> {
        let accepted = pb::SessionAccepted {
            confirmation: vec![0x5a; self.0],
            ..Default::default()
        };
        Ok(Response::new(pb::SessionReply {
            reply: Some(Reply::Accepted(accepted)),
        }))
    }
}

/// Times `requests` sequential unary calls carrying `request_bytes` in and `response_bytes` out,
/// after `warm_up` unmeasured ones.
pub(super) async fn measure(
    (request_bytes, response_bytes): (usize, usize),
    warm_up: u32,
    requests: u32,
) -> anyhow::Result<Samples> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot bind the baseline server")?;
    let addr: SocketAddr = listener.local_addr().context("the baseline's address")?;
    // The node sets TCP_NODELAY on every accepted connection; so does the baseline (a
    // listener handed to tonic keeps the kernel's default, Nagle on).
    let incoming = TcpListenerStream::new(listener).map(|stream| {
        let stream = stream?;
        stream.set_nodelay(true)?;
        Ok::<_, std::io::Error>(stream)
    });
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(LogicMeshServer::new(Echo(response_bytes)))
            .serve_with_incoming(incoming),
    );
    let channel = Endpoint::from_shared(format!("http://{addr}"))
        .context("the baseline's endpoint")?
        .tcp_nodelay(true)
        .connect()
        .await
        .context("cannot connect to the baseline server")?;
    let mut client = LogicMeshClient::new(channel);
    let offer = pb::SessionOpen {
        ml_kem_ciphertext: vec![0xa5; request_bytes],
        ..Default::default()
    };
    let mut samples = Vec::with_capacity(requests as usize);
    for i in 0..warm_up + requests {
        let started = Instant::now();
        let reply = client
            .open_session(offer.clone())
            .await
            .context("a baseline call failed")?
            .into_inner();
        let took = started.elapsed();
        anyhow::ensure!(
            matches!(&reply.reply, Some(Reply::Accepted(a)) if a.confirmation.len() == response_bytes),
            "unexpected baseline reply"
        );
        if i >= warm_up {
            samples.push(took);
        }
    }
    server.abort();
    Ok(Samples::new(samples))
}

/// The bytes a session request for `logic` and its sealed answer take: the encoded
/// `LogicRequest` (module, input and metadata, session id, counter, nonce, tag) and the encoded
/// `LogicResponse` carrying the sealed `ResponsePayload` (nonce and tag added).
pub(super) fn sizes(answer: &nmp_client::Answer, logic: &nmp_client::Logic) -> (usize, usize) {
    use prost::Message as _;
    let payload = pb::LogicPayload {
        wasm: logic.wasm.to_vec(),
        input: logic.input.to_vec(),
    };
    let ciphertext = payload.encoded_len() + 16;
    let request = pb::LogicRequest {
        request_id: vec![0; 16],
        capability: logic.capability.clone(),
        node_peer_id: vec![0; 38],
        agent_peer_id: vec![0; 38],
        timestamp_ms: nmp_wire::now_ms(),
        limits: Some(logic.limits),
        receipt_kind: pb::ReceiptKind::Signed as i32,
        session: Some(pb::SessionEnvelope {
            session_id: vec![0; 16],
            counter: 1,
            nonce: vec![0; 12],
            ciphertext: vec![0; ciphertext],
        }),
        ..Default::default()
    };
    let sealed = pb::ResponsePayload {
        stdout: answer.output.clone(),
        stderr: answer.stderr.clone(),
        outcome: answer.outcome as i32,
        guardian: Some(answer.guardian.clone()),
        egress: Some(answer.egress.clone()),
        receipt: Some(answer.receipt.clone()),
    }
    .encoded_len()
        + 16;
    let response = pb::LogicResponse {
        request_id: vec![0; 16],
        event: Some(pb::logic_response::Event::Result(pb::LogicResult {
            sealed: Some(pb::SealedResponse {
                nonce: vec![0; 12],
                ciphertext: vec![0; sealed],
            }),
        })),
    };
    (request.encoded_len(), response.encoded_len())
}
