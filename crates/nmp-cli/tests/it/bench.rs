//! `nmp bench` end to end, kept short: every suite at its smallest size, bounded in time, its
//! JSON holding one figure per sample it claims.

use std::time::Duration;

use crate::{arg, nmp, status};

#[test]
fn a_short_bench_runs_every_suite_and_writes_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let args: Vec<String> = [
        "bench",
        "--requests",
        "10",
        "--concurrency",
        "1,2",
        "--throughput-requests",
        "4",
        "--nodes",
        "2",
        "--json",
        arg(&json),
    ]
    .map(str::to_owned)
    .to_vec();
    let (done, finished) = std::sync::mpsc::sync_channel(1);
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = done.send(nmp(&args, b""));
    });
    let output = finished
        .recv_timeout(Duration::from_secs(300))
        .expect("a short bench ends within 5 minutes");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status(&output), 0, "stderr: {stderr}");
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("the JSON file")).expect("JSON");

    let latency = &results["latency"];
    assert_eq!(latency["requests"], 10);
    for face in [
        "tcp",
        "quic",
        "grpc",
        "grpc_session",
        "bare_tonic_unary",
        "in_process",
    ] {
        assert_eq!(latency[face]["samples"], 10, "{face}: {latency}");
        assert!(latency[face]["p50_ms"].as_f64().unwrap() > 0.0, "{face}");
    }
    let throughput = results["throughput"].as_array().expect("one row per level");
    assert_eq!(throughput.len(), 2);
    for (row, level) in throughput.iter().zip([1, 2]) {
        assert_eq!(row["concurrency"], level, "{row}");
        assert_eq!(row["requests"], 4, "{row}");
        assert!(row["requests_per_second"].as_f64().unwrap() > 0.0, "{row}");
    }
    let discovery = results["discovery"].as_array().expect("one row per size");
    assert_eq!(discovery.len(), 1);
    assert_eq!(discovery[0]["nodes"], 2);
}
