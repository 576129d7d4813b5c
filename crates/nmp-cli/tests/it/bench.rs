//! `nmp bench` end to end, kept short: every suite at its smallest size, bounded in time, its
//! JSON holding one figure per sample it claims.

use std::time::Duration;

use crate::{arg, nmp, status};

/// Runs `nmp bench` with `args` (the JSON file appended) within 5 minutes; its JSON results.
fn bench(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let json = dir.path().join("bench.json");
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    args.extend(["--json".to_owned(), arg(&json).to_owned()]);
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
    serde_json::from_slice(&std::fs::read(&json).expect("the JSON file")).expect("JSON")
}

#[test]
fn agents_in_other_processes_load_the_node_along_each_path() {
    let results = bench(&[
        "bench",
        "--suites",
        "throughput",
        "--concurrency",
        "3",
        "--throughput-requests",
        "6",
        "--agents-procs",
        "2",
        "--agents-paths",
        "mesh,grpc-session,grpc-envelope",
    ]);
    let rows = results["throughput"].as_array().expect("one row per path");
    let paths: Vec<&str> = rows.iter().filter_map(|r| r["path"].as_str()).collect();
    assert_eq!(paths, ["mesh", "grpc-session", "grpc-envelope"]);
    for row in rows {
        assert_eq!(row["agent_processes"], 2, "{row}");
        assert_eq!(row["latency"]["samples"], 6, "{row}");
        assert_eq!(row["refused"], 0, "{row}");
        assert!(row["node_cpu_us_per_job"].as_f64().unwrap() > 0.0, "{row}");
    }
}

#[test]
fn a_short_bench_runs_every_suite_and_writes_its_figures() {
    let results = bench(&[
        "bench",
        "--requests",
        "10",
        "--concurrency",
        "1,2",
        "--throughput-requests",
        "4",
        "--nodes",
        "2",
    ]);

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
