//! The gRPC face's bounds on 127.0.0.1: a call that never sends its first message is cut at the
//! deadline and frees its handler slot, a call past the handler pool is refused at once (and a
//! node's pool is the mesh's too), connections past the cap are closed, and a connection that
//! sends nothing is closed at the deadline.

use std::{sync::Arc, time::Duration};

use nmp_node::{grpc, node::MAX_LOGIC_HANDLERS};
use nmp_wire::{
    now_ms,
    pb::{self, logic_mesh_client::LogicMeshClient},
};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
    sync::{Semaphore, mpsc},
    task::JoinHandle,
};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Code, transport::Channel};

use super::Serving;
use crate::{
    agent::{Agent, config, error_code},
    mesh::{collect, mesh_with_node},
};

/// Deadline of each test, far above what it takes.
const DEADLINE: Duration = Duration::from_secs(60);

/// The HTTP/2 client preface.
pub(super) const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

fn bounded(request_timeout: Duration, handlers: &Arc<Semaphore>) -> grpc::Config {
    grpc::Config {
        request_timeout,
        handlers: Arc::clone(handlers),
        ..grpc::Config::default()
    }
}

/// An `Execute` call whose request stream is open and stays empty (headers sent, no first
/// message) while the returned sender lives; the task ends with the call's status.
fn stalled(channel: Channel) -> (mpsc::Sender<pb::ExecuteRequest>, JoinHandle<Code>) {
    let (open, rx) = mpsc::channel(1);
    let call = tokio::spawn(async move {
        match LogicMeshClient::new(channel)
            .execute(ReceiverStream::new(rx))
            .await
        {
            Ok(_) => Code::Ok,
            Err(status) => status.code(),
        }
    });
    (open, call)
}

/// Waits (polling) until `holds` slots of `pool` (of `size`) are taken.
async fn until_taken(pool: &Semaphore, size: usize, holds: usize) {
    while size - pool.available_permits() != holds {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_call_without_its_first_message_is_cut_at_the_deadline() {
    tokio::time::timeout(DEADLINE, async {
        let pool = Arc::new(Semaphore::new(4));
        let serving = Serving::start(
            config(),
            now_ms(),
            bounded(Duration::from_millis(500), &pool),
        )
        .await;
        let (_open, call) = stalled(serving.channel().await);
        assert_eq!(call.await.unwrap(), Code::Cancelled);
        until_taken(&pool, 4, 0).await;
        serving.stop().await;
    })
    .await
    .expect("the stalled call ends at the server's deadline");
}

#[tokio::test]
async fn a_call_past_the_handler_pool_is_refused_at_once() {
    tokio::time::timeout(DEADLINE, async {
        let pool = Arc::new(Semaphore::new(2));
        let serving =
            Serving::start(config(), now_ms(), bounded(Duration::from_secs(30), &pool)).await;
        let channel = serving.channel().await;
        let (first, first_call) = stalled(channel.clone());
        let (second, _) = stalled(channel.clone());
        until_taken(&pool, 2, 2).await;

        let (_third, third_call) = stalled(channel.clone());
        assert_eq!(third_call.await.unwrap(), Code::ResourceExhausted);

        // Closing the first request stream without a message ends that call and frees its slot.
        drop(first);
        assert_eq!(first_call.await.unwrap(), Code::InvalidArgument);
        until_taken(&pool, 2, 1).await;
        let document = LogicMeshClient::new(channel)
            .describe(pb::DescribeRequest {})
            .await;
        assert!(document.is_ok(), "{document:?}");
        drop(second);
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
async fn connections_past_the_cap_and_silent_ones_are_closed() {
    tokio::time::timeout(DEADLINE, async {
        let pool = Arc::new(Semaphore::new(4));
        let grpc = grpc::Config {
            max_connections: 2,
            ..bounded(Duration::from_millis(500), &pool)
        };
        let serving = Serving::start(config(), now_ms(), grpc).await;
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut stream = TcpStream::connect(serving.addr).await.unwrap();
            stream.write_all(PREFACE).await.unwrap();
            held.push(stream);
        }
        // The third is closed without an answer although it speaks HTTP/2.
        let mut third = TcpStream::connect(serving.addr).await.unwrap();
        third.write_all(PREFACE).await.unwrap();
        closed_by_server(&mut third).await;

        // Freeing a place lets a new connection in; one that then stays silent is closed at
        // the deadline.
        drop(held.pop());
        let mut silent = loop {
            let mut stream = TcpStream::connect(serving.addr).await.unwrap();
            let mut byte = [0u8; 1];
            // Until the server has noticed the dropped connection, new ones are closed at once.
            match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut byte)).await {
                Err(_) => break stream,
                Ok(_) => continue,
            }
        };
        closed_by_server(&mut silent).await;
        drop(held);
        serving.stop().await;
    })
    .await
    .expect("every refused connection is closed within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_shares_its_handler_pool_between_grpc_and_the_mesh() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |_| {}).await;
        let endpoint = format!("http://{}", node.grpc_addr().expect("gRPC on"));
        let connect = || async {
            Channel::from_shared(endpoint.clone())
                .unwrap()
                .connect()
                .await
                .unwrap()
        };
        // Stalled gRPC calls (8 per connection, the stream limit) fill the whole pool; they
        // hold it until the node's 10 s deadline, far longer than the rest takes.
        let per_connection = 8;
        let mut held = Vec::new();
        for _ in 0..MAX_LOGIC_HANDLERS / per_connection {
            let channel = connect().await;
            for _ in 0..per_connection {
                held.push(stalled(channel.clone()).0);
            }
        }
        // Probes without a request stream end at once (`InvalidArgument`) while a slot is free.
        let probe = connect().await;
        loop {
            let (open, call) = stalled(probe.clone());
            drop(open);
            if call.await.unwrap() == Code::ResourceExhausted {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        // The mesh draws on the same pool: its request is refused as overloaded.
        let (request, _, _) = Agent::at(21, &signed, now_ms()).seal("c/aggregate.wasm", b"");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        assert_eq!(error_code(&responses), pb::ErrorCode::Overloaded);
        drop(held);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
