//! Large requests from a peer whose Yamux writes DATA frames as large as its send window, as
//! js-libp2p's yamux does: the node's windows never allow a frame it would refuse, so a 16 MiB
//! module plus a 4 MiB input go through one connection again and again without dropping it.

use std::future::poll_fn;
use std::net::SocketAddr;
use std::task::Poll;

use libp2p::core::upgrade::OutboundConnectionUpgrade;
use libp2p::multiaddr::Protocol;
use libp2p::noise;
use multistream_select::{Version, dialer_select_proto};
use nmp_net::{Incoming, Keypair, LogicStream, Multiaddr, codec};
use nmp_wire::pb;
use nmp_wire::pb::logic_response::Event;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::{Transport, address, listening_node, within};

/// The module and input sizes of the test: the node's default limits.
const MODULE_BYTES: usize = 16 * 1024 * 1024;
const INPUT_BYTES: usize = 4 * 1024 * 1024;

/// How many requests go through the one connection.
const ROUNDS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_sized_frames_of_a_20_mib_request_never_drop_the_connection() {
    within(async {
        let (node, mut inbound) = listening_node().await;
        tokio::spawn(async move {
            while let Some(incoming) = inbound.next().await {
                if let Incoming::Logic(stream) = incoming {
                    tokio::spawn(digest(*stream));
                }
            }
        });
        let opener = connect(&address(&node, Transport::Tcp).await).await;
        let payload = vec![0x5a; MODULE_BYTES + INPUT_BYTES];
        let request = pb::LogicRequest {
            request_id: vec![4; 16],
            capability: "cap.large".to_owned(),
            envelope: Some(pb::SealedEnvelope {
                ciphertext: payload.clone(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let expected = Sha256::digest(&payload).to_vec();
        for round in 0..ROUNDS {
            let (reply, stream) = oneshot::channel();
            opener.send(reply).await.expect("connection is up");
            let stream = stream.await.expect("the connection opened a stream");
            let (_, mut stream) = dialer_select_proto(stream, ["/nmp/logic/1"], Version::V1)
                .await
                .expect("the node speaks /nmp/logic/1");
            codec::write_message(&mut stream, &request, usize::MAX)
                .await
                .unwrap_or_else(|err| panic!("round {round}: the request was refused: {err}"));
            let response: pb::LogicResponse = codec::read_message(&mut stream, 1024)
                .await
                .unwrap_or_else(|err| panic!("round {round}: no answer: {err}"));
            let Some(Event::Result(result)) = response.event else {
                panic!("round {round}: no result")
            };
            assert_eq!(result.sealed.expect("sealed").ciphertext, expected);
        }
    })
    .await;
}

/// Answers a logic request with the SHA-256 of its envelope's ciphertext.
async fn digest(stream: LogicStream) {
    let (request, mut sender, _closed) = stream.into_parts();
    let received = request.envelope.unwrap_or_default().ciphertext;
    let result = pb::LogicResponse {
        request_id: request.request_id,
        event: Some(Event::Result(pb::LogicResult {
            sealed: Some(pb::SealedResponse {
                nonce: Vec::new(),
                ciphertext: Sha256::digest(&received).to_vec(),
            }),
        })),
    };
    if sender.send(&result).await.is_ok() {
        let _ = sender.finish().await;
    }
}

/// Dials `addr` over TCP, Noise and a Yamux whose DATA frames are as large as its send window
/// (no split), and drives the connection in a task; returns a channel that opens streams.
async fn connect(addr: &Multiaddr) -> mpsc::Sender<oneshot::Sender<yamux::Stream>> {
    let socket = tokio::net::TcpStream::connect(socket_addr(addr))
        .await
        .expect("node listens");
    let socket = libp2p::tcp::tokio::TcpStream(socket);
    let (protocol, socket) = dialer_select_proto(socket, ["/noise"], Version::V1)
        .await
        .expect("node speaks noise");
    let noise = noise::Config::new(&Keypair::generate_ed25519()).expect("noise config");
    let (_, secure) = noise
        .upgrade_outbound(socket, protocol)
        .await
        .expect("noise handshake");
    let (_, secure) = dialer_select_proto(secure, ["/yamux/1.0.0"], Version::V1)
        .await
        .expect("node speaks yamux");
    let mut config = yamux::Config::default();
    config.set_split_send_size(usize::MAX);
    let mut connection = yamux::Connection::new(secure, config, yamux::Mode::Client);
    let (opener, mut opens) = mpsc::channel::<oneshot::Sender<yamux::Stream>>(1);
    tokio::spawn(async move {
        let mut waiting = None;
        poll_fn(|cx| {
            loop {
                if waiting.is_none()
                    && let Poll::Ready(Some(reply)) = opens.poll_recv(cx)
                {
                    waiting = Some(reply);
                }
                if waiting.is_some()
                    && let Poll::Ready(stream) = connection.poll_new_outbound(cx)
                {
                    let (Ok(stream), Some(reply)) = (stream, waiting.take()) else {
                        return Poll::Ready(());
                    };
                    let _ = reply.send(stream);
                    continue;
                }
                match connection.poll_next_inbound(cx) {
                    // The node's own streams (identify, Kademlia) are refused by dropping them.
                    Poll::Ready(Some(Ok(stream))) => drop(stream),
                    Poll::Ready(_) => return Poll::Ready(()),
                    Poll::Pending => return Poll::Pending,
                }
            }
        })
        .await;
    });
    opener
}

/// The IPv4 socket address of a `/ip4/…/tcp/…` multiaddr.
fn socket_addr(addr: &Multiaddr) -> SocketAddr {
    let mut ip = None;
    let mut port = None;
    for protocol in addr {
        match protocol {
            Protocol::Ip4(found) => ip = Some(found),
            Protocol::Tcp(found) => port = Some(found),
            _ => {}
        }
    }
    SocketAddr::from((ip.expect("ip4"), port.expect("tcp")))
}
