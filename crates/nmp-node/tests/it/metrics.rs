//! The metrics endpoint of a running node: counters move with real jobs, and hostile HTTP
//! clients get a 4xx or a closed connection, never a hang.

use std::net::SocketAddr;

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use crate::{
    agent::{Agent, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms},
};
use nmp_wire::pb;

/// Sends `request` and returns everything the endpoint answers before it closes.
async fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("endpoint accepts");
    // A write can fail when the endpoint closes on an oversized head; the answer still counts.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The value of the sample line `name` in `text`.
fn sample(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no sample {name} in:\n{text}"))
}

#[tokio::test]
async fn metrics_count_real_jobs_and_refuse_hostile_requests() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.metrics = Some("127.0.0.1:0".parse().unwrap());
        })
        .await;
        let addr = node.metrics_addr().expect("metrics endpoint bound");
        let get = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
        let before = exchange(addr, get).await;
        assert!(before.starts_with("HTTP/1.1 200 OK\r\n"), "{before}");
        assert!(
            before.contains("application/openmetrics-text; version=1.0.0"),
            "{before}"
        );
        assert!(before.trim_end().ends_with("# EOF"), "{before}");
        let completed = "nmp_jobs_total{outcome=\"completed\"}";
        assert_eq!(sample(&before, completed), 0);
        assert_eq!(sample(&before, "nmp_dataset_commitments_total"), 1);

        let mut sealer = Agent::at(4, &signed, now_ms());
        let (request, key, _) = sealer.seal("c/aggregate.wasm", b"");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        assert_eq!(
            result(&responses, &key).outcome,
            pb::Outcome::Completed as i32
        );
        // The same request again is a replay.
        let replayed = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        assert_eq!(crate::agent::error_code(&replayed), pb::ErrorCode::Replay);

        let after = exchange(addr, get).await;
        assert_eq!(sample(&after, completed), 1);
        assert_eq!(
            sample(&after, "nmp_request_errors_total{code=\"replay\"}"),
            1
        );
        let runs = "nmp_stage_duration_seconds_count{stage=\"run\"}";
        assert_eq!(sample(&after, runs), 1);
        assert_eq!(sample(&after, "nmp_queued_jobs"), 0);

        let not_found = exchange(addr, b"GET / HTTP/1.1\r\n\r\n").await;
        assert!(not_found.starts_with("HTTP/1.1 404 "), "{not_found}");
        let post = exchange(addr, b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").await;
        assert!(post.starts_with("HTTP/1.1 405 "), "{post}");
        let garbage = exchange(addr, b"\x00\x01garbage\r\n\r\n").await;
        assert!(garbage.starts_with("HTTP/1.1 400 "), "{garbage}");
        let oversized = vec![b'A'; nmp_node::metrics::MAX_REQUEST_BYTES * 2];
        let answer = exchange(addr, &oversized).await;
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 431 "),
            "{answer}"
        );
        // A client that sends half a head and waits is disconnected after the read timeout.
        let silent = exchange(addr, b"GET /metrics HTTP/1.1\r\n").await;
        assert!(silent.is_empty(), "{silent}");

        // Silent clients holding every connection slot: one more is closed unanswered, and
        // once they leave the endpoint answers again.
        let mut held = Vec::new();
        for _ in 0..nmp_node::metrics::MAX_CONNECTIONS {
            held.push(TcpStream::connect(addr).await.expect("endpoint accepts"));
        }
        // Accepts are taken in order, so every silent client holds its slot (for up to the
        // 5 s read timeout) before this one arrives.
        let refused = exchange(addr, get).await;
        assert!(refused.is_empty(), "{refused}");
        drop(held);
        loop {
            let answer = exchange(addr, get).await;
            if answer.starts_with("HTTP/1.1 200 OK") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }

        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
