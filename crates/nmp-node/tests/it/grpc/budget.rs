//! Stalled gRPC calls against the inbound byte budget on loopback: raw HTTP/2 calls that send
//! part of a large first message and stall hold no more than their origin's share; the next call
//! from that origin ends `RESOURCE_EXHAUSTED` at once; a client at another loopback address
//! (127.0.0.2) is served; every byte is released when the calls end. Connections past the
//! per-origin cap are closed.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    time::Duration,
};

use nmp_net::{Budget, Origin};
use nmp_node::grpc;
use nmp_wire::pb::{self, execute_request::Message, logic_mesh_client::LogicMeshClient};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpSocket, TcpStream},
};
use tonic::{Code, transport::Endpoint};

use super::{
    Serving,
    bounds::PREFACE,
    h2::{
        ACK, DATA, END_HEADERS, HEADERS, SETTINGS, WINDOW_UPDATE, execute_headers, frame,
        read_frame,
    },
    now_ms,
};
use crate::agent::{Agent, config, result};

const DEADLINE: Duration = Duration::from_secs(60);
const KIB: usize = 1024;

/// Bytes each stalled call sends, its 5-byte message prefix included: 512 KiB, within the
/// server's 1 MiB connection window.
pub(crate) const STALLED_BYTES: usize = 512 * KIB;

pub(crate) fn loopback(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

/// A TCP connection to `addr` from `local` (any loopback address: they all reach 127.0.0.1).
pub(crate) async fn connect_from(local: IpAddr, addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind(SocketAddr::new(local, 0))
        .expect("a loopback address binds");
    socket.connect(addr).await.expect("connects")
}

/// A raw HTTP/2 connection from `local` with one `Execute` call whose first message announces
/// 20 MiB and sends [`STALLED_BYTES`] of it, then stalls; the call lives as long as the stream.
pub(crate) async fn stalled(addr: SocketAddr, local: IpAddr) -> TcpStream {
    let mut io = connect_from(local, addr).await;
    io.write_all(PREFACE).await.expect("writes");
    io.write_all(&frame(SETTINGS, 0, 0, &[]))
        .await
        .expect("writes");
    // The server's settings, then its connection window (1 MiB) before any data is sent.
    let (mut settings, mut window) = (false, false);
    while !(settings && window) {
        let (kind, flags, stream, _) = read_frame(&mut io).await;
        settings |= kind == SETTINGS && flags & ACK == 0;
        window |= kind == WINDOW_UPDATE && stream == 0;
    }
    io.write_all(&frame(SETTINGS, ACK, 0, &[]))
        .await
        .expect("writes");
    io.write_all(&frame(HEADERS, END_HEADERS, 1, &execute_headers()))
        .await
        .expect("writes");
    let mut message = vec![0];
    message.extend((20u32 << 20).to_be_bytes());
    message.resize(STALLED_BYTES, 0);
    for chunk in message.chunks(16 * KIB) {
        io.write_all(&frame(DATA, 0, 1, chunk))
            .await
            .expect("writes");
    }
    io
}

/// Waits (polling) until `budget` holds `bytes` for `origin`.
pub(crate) async fn until_held(budget: &Budget, origin: IpAddr, bytes: usize) {
    let origin = Origin::from_ip(origin);
    while budget.used_by(origin) != bytes as u64 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A tonic client connected from `local`.
async fn client(serving: &Serving, local: IpAddr) -> LogicMeshClient<tonic::transport::Channel> {
    let channel = Endpoint::from_shared(format!("http://{}", serving.addr))
        .expect("a valid URL")
        .local_address(Some(local))
        .connect()
        .await
        .expect("connects");
    LogicMeshClient::new(channel)
}

/// Runs the bundled aggregate module through `client`; asserts it completes.
async fn served(client: &mut LogicMeshClient<tonic::transport::Channel>, seed: u8) {
    let signed = client
        .describe(pb::DescribeRequest {})
        .await
        .expect("described")
        .into_inner();
    let (request, key, _) = Agent::at(seed, &signed, now_ms()).seal("c/aggregate.wasm", b"");
    let start = pb::ExecuteRequest {
        message: Some(Message::Start(request)),
    };
    let mut inbound = client
        .execute(tokio_stream::iter([start]))
        .await
        .expect("accepted")
        .into_inner();
    let mut responses = Vec::new();
    while let Some(response) = inbound.message().await.expect("responses") {
        responses.push(response);
    }
    assert_eq!(
        result(&responses, &key).outcome,
        pb::Outcome::Completed as i32
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_calls_hold_no_more_than_their_share_and_another_origin_is_served() {
    tokio::time::timeout(DEADLINE, async {
        let budget = Budget::new(8 << 20, 4 << 20);
        let grpc = grpc::Config {
            budget: budget.clone(),
            request_timeout: Duration::from_secs(30),
            ..grpc::Config::default()
        };
        let serving = Serving::start(config(), now_ms(), grpc).await;
        // Eight stalled calls fill the 4 MiB share exactly; their bytes are charged.
        let mut held = Vec::new();
        for _ in 0..8 {
            held.push(stalled(serving.addr, loopback(1)).await);
        }
        until_held(&budget, loopback(1), 8 * STALLED_BYTES).await;

        // A ninth call from the same origin, however small, ends at once.
        let start = pb::ExecuteRequest {
            message: Some(Message::Start(pb::LogicRequest::default())),
        };
        let status = client(&serving, loopback(1))
            .await
            .execute(tokio_stream::iter([start]))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
        assert!(status.message().contains("origin's share"), "{status:?}");
        assert_eq!(budget.used(), budget.origin_limit());

        // Another origin is served meanwhile.
        served(&mut client(&serving, loopback(2)).await, 1).await;

        // Ending the stalled calls releases every byte; the origin is served again.
        drop(held);
        until_held(&budget, loopback(1), 0).await;
        served(&mut client(&serving, loopback(1)).await, 2).await;
        until_held(&budget, loopback(1), 0).await;
        assert_eq!(budget.used(), 0);
        serving.stop().await;
    })
    .await
    .expect("within the deadline");
}

/// Asserts the server closes `stream` without sending anything.
async fn closed_by_server(stream: &mut TcpStream) {
    let mut byte = [0u8; 1];
    let read = stream.read(&mut byte).await;
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}

#[tokio::test]
async fn connections_past_the_per_origin_cap_are_closed_and_other_origins_are_not() {
    tokio::time::timeout(DEADLINE, async {
        let grpc = grpc::Config {
            max_connections_per_origin: 2,
            request_timeout: Duration::from_secs(30),
            ..grpc::Config::default()
        };
        let serving = Serving::start(config(), now_ms(), grpc).await;
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut stream = connect_from(loopback(1), serving.addr).await;
            stream.write_all(PREFACE).await.unwrap();
            held.push(stream);
        }
        let mut third = connect_from(loopback(1), serving.addr).await;
        third.write_all(PREFACE).await.unwrap();
        closed_by_server(&mut third).await;
        // Another address has its own connections.
        served(&mut client(&serving, loopback(2)).await, 1).await;
        drop(held);
        serving.stop().await;
    })
    .await
    .expect("within the deadline");
}
