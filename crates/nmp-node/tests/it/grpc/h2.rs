//! Raw HTTP/2 against the gRPC face: the server announces its per-connection stream limit, and
//! a client that ignores it has the stream past the limit refused (`REFUSED_STREAM`).

use std::time::Duration;

use nmp_node::grpc;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use super::{Serving, bounds::PREFACE};
use crate::{agent::config, mesh::now_ms};

pub(super) const DATA: u8 = 0x0;
pub(super) const SETTINGS: u8 = 0x4;
pub(super) const HEADERS: u8 = 0x1;
const RST_STREAM: u8 = 0x3;
pub(super) const WINDOW_UPDATE: u8 = 0x8;
pub(super) const ACK: u8 = 0x1;
pub(super) const END_HEADERS: u8 = 0x4;
const SETTINGS_MAX_CONCURRENT_STREAMS: u16 = 0x3;
const REFUSED_STREAM: u32 = 0x7;

/// One frame: 24-bit length, type, flags, stream id, payload.
pub(super) fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len())
        .expect("a small frame")
        .to_be_bytes();
    let mut out = vec![len[1], len[2], len[3], kind, flags];
    out.extend(stream.to_be_bytes());
    out.extend(payload);
    out
}

pub(super) async fn read_frame(io: &mut TcpStream) -> (u8, u8, u32, Vec<u8>) {
    let mut head = [0u8; 9];
    io.read_exact(&mut head).await.expect("a frame header");
    let len = usize::from(head[0]) << 16 | usize::from(head[1]) << 8 | usize::from(head[2]);
    let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
    let mut payload = vec![0u8; len];
    io.read_exact(&mut payload).await.expect("a frame payload");
    (head[3], head[4], stream, payload)
}

/// An HPACK header block of literal fields without indexing (no Huffman) for an `Execute` call.
pub(super) fn execute_headers() -> Vec<u8> {
    let fields = [
        (":method", "POST"),
        (":scheme", "http"),
        (":path", "/nmp.v1.LogicMesh/Execute"),
        (":authority", "localhost"),
        ("content-type", "application/grpc"),
        ("te", "trailers"),
    ];
    let mut block = Vec::new();
    for (name, value) in fields {
        block.push(0x00);
        for text in [name, value] {
            block.push(u8::try_from(text.len()).expect("a short header"));
            block.extend(text.as_bytes());
        }
    }
    block
}

#[tokio::test]
async fn a_stream_past_the_connection_limit_is_refused() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let limit = 4u32;
        let grpc = grpc::Config {
            max_streams_per_connection: limit,
            request_timeout: Duration::from_secs(30),
            ..grpc::Config::default()
        };
        let serving = Serving::start(config(), now_ms(), grpc).await;
        let mut io = TcpStream::connect(serving.addr).await.unwrap();
        io.write_all(PREFACE).await.unwrap();
        io.write_all(&frame(SETTINGS, 0, 0, &[])).await.unwrap();
        let announced = loop {
            let (kind, flags, _, payload) = read_frame(&mut io).await;
            if kind == SETTINGS && flags & ACK == 0 {
                break payload
                    .chunks_exact(6)
                    .find(|p| u16::from_be_bytes([p[0], p[1]]) == SETTINGS_MAX_CONCURRENT_STREAMS)
                    .map(|p| u32::from_be_bytes([p[2], p[3], p[4], p[5]]));
            }
        };
        assert_eq!(announced, Some(limit));
        io.write_all(&frame(SETTINGS, ACK, 0, &[])).await.unwrap();

        // One stream more than announced, each left open without a message.
        let block = execute_headers();
        let last = 2 * limit + 1;
        for stream in (1..=last).step_by(2) {
            io.write_all(&frame(HEADERS, END_HEADERS, stream, &block))
                .await
                .unwrap();
        }
        let (stream, code) = loop {
            let (kind, _, stream, payload) = read_frame(&mut io).await;
            if kind == RST_STREAM {
                break (stream, u32::from_be_bytes(payload[..4].try_into().unwrap()));
            }
        };
        assert_eq!((stream, code), (last, REFUSED_STREAM));
        drop(io);
        serving.stop().await;
    })
    .await
    .expect("the refusal arrives within the deadline");
}
