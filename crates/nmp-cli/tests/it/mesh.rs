//! `nmp discover`, `nmp run` and `nmp demo` against real Data Nodes on a loopback mesh.

use std::{process::Output, time::Duration};

use crate::{arg, assert_usage_error, example, nmp, status};

const CAPABILITY: &str = "demo.hospital/patients";
const DEADLINE: Duration = Duration::from_secs(240);

/// Runs `nmp` off the async runtime, so the in-process mesh keeps serving it.
async fn nmp_async(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        nmp(&args, b"")
    })
    .await
    .expect("nmp ran")
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discover_and_run_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, seed) = crate::loopback_node(dir.path(), 300).await;
        let peer = node.peer_id().to_string();

        let found = nmp_async(strings(&["discover", CAPABILITY, "--bootstrap", &seed])).await;
        assert_eq!(
            status(&found),
            0,
            "{}",
            String::from_utf8_lossy(&found.stderr)
        );
        let found = json(&found);
        assert_eq!(found["providers"][0]["peer"], peer.as_str());
        assert_eq!(found["providers"][0]["datasets"][0]["rows"], 200);
        assert_eq!(
            found["providers"][0]["attestation"],
            serde_json::Value::Null
        );
        // The agent's own budget: this dataset sets no privacy controls.
        let budget = nmp_async(strings(&[
            "discover",
            CAPABILITY,
            "--budget",
            "--bootstrap",
            &seed,
        ]))
        .await;
        assert_eq!(status(&budget), 0);
        assert_eq!(
            json(&budget)["providers"][0]["budget"],
            serde_json::json!([])
        );
        // Requiring a TEE: a node without an attestation is refused, nothing sent.
        let tee = format!("sev-snp:measurement={}", "42".repeat(48));
        let untrusted = nmp_async(strings(&[
            "discover",
            CAPABILITY,
            "--require-tee",
            &tee,
            "--bootstrap",
            &seed,
        ]))
        .await;
        assert_eq!(status(&untrusted), 6);
        let untrusted = json(&untrusted);
        assert_eq!(untrusted["failed"][0]["peer"], peer.as_str());
        assert_eq!(untrusted["failed"][0]["kind"], "verification");
        let none = nmp_async(strings(&[
            "discover",
            "demo.nowhere/none",
            "--bootstrap",
            &seed,
        ]))
        .await;
        assert_eq!(status(&none), 6);

        let receipts = dir.path().join("receipts");
        let run = |module: &str| {
            strings(&[
                "run",
                "--capability",
                CAPABILITY,
                "--wasm",
                arg(&example(module)),
                "--bootstrap",
                &seed,
                "--receipt-dir",
                arg(&receipts),
            ])
        };
        let honest = nmp_async(run("c/aggregate.wasm")).await;
        assert_eq!(
            status(&honest),
            0,
            "{}",
            String::from_utf8_lossy(&honest.stderr)
        );
        // The CLI says where the module goes before it goes there.
        let said = String::from_utf8_lossy(&honest.stderr);
        assert!(said.contains(&format!("nmp: sending to {peer}")), "{said}");
        let honest = json(&honest);
        assert_eq!(honest["nodes"][0]["outcome"], "completed");
        assert_eq!(honest["nodes"][0]["output"]["rows"], 200);
        assert_eq!(honest["nodes"][0]["receipt"]["verified"], true);
        assert_eq!(honest["nodes"][0]["receipt"]["kind"], "signed");
        let receipt = receipts.join(format!("{peer}.json"));
        let verified = nmp_async(strings(&[
            "verify",
            arg(&receipt),
            "--node",
            &peer,
            "--wasm",
            arg(&example("c/aggregate.wasm")),
        ]))
        .await;
        assert_eq!(
            status(&verified),
            0,
            "{}",
            String::from_utf8_lossy(&verified.stderr)
        );

        let blocked = nmp_async(run("c/exfiltrate.wasm")).await;
        assert_eq!(status(&blocked), 3);
        assert_eq!(json(&blocked)["nodes"][0]["outcome"], "egress_blocked");
        assert_eq!(json(&blocked)["nodes"][0]["output"], "");
        assert_eq!(status(&nmp_async(run("wat/escape.wasm")).await), 4);
        assert_eq!(status(&nmp_async(run("wat/spin.wasm")).await), 5);

        let mut elsewhere = run("c/aggregate.wasm");
        elsewhere[2] = "demo.nowhere/none".to_owned();
        assert_eq!(status(&nmp_async(elsewhere).await), 6);

        // A node outside the trusted set is refused (nothing sent): exit 8, kind `refused`.
        let mut pinned = run("c/aggregate.wasm");
        let stranger = nmp_crypto::Identity::generate().peer_id().to_string();
        pinned.extend(strings(&["--trust", &stranger]));
        let refused = nmp_async(pinned).await;
        assert_eq!(status(&refused), 8);
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(
            said.contains(&format!("nmp: not sending to {peer}")),
            "{said}"
        );
        assert!(!said.contains("nmp: sending to"), "{said}");
        assert_eq!(json(&refused)["nodes"][0]["kind"], "refused");
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[test]
fn agent_commands_refuse_bad_arguments() {
    assert_usage_error(&nmp(
        &["discover", CAPABILITY, "--bootstrap", "not an address"],
        b"",
    ));
    assert_usage_error(&nmp(&["discover", CAPABILITY], b""));
    assert_usage_error(&nmp(
        &[
            "run",
            "--capability",
            CAPABILITY,
            "--wasm",
            "/nonexistent.wasm",
            "--bootstrap",
            "/ip4/127.0.0.1/tcp/1",
        ],
        b"",
    ));
    assert_usage_error(&nmp(&["demo", "--rows", "0"], b""));
}

/// Runs `nmp demo --rows 500 --source SOURCE`, checks the tour, and returns both nodes' answer
/// lines (diagnosis, patients, mean age, mean cost), sorted.
fn demo(source: &str) -> Vec<String> {
    let output = nmp(&["demo", "--rows", "500", "--source", source], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        status(&output),
        0,
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout
            .matches("receipt verified: signed by the node")
            .count(),
        2,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("BLOCKED by the egress filter").count(),
        2,
        "{stdout}"
    );
    assert!(stdout.contains("REJECTED by the Guardian"), "{stdout}");
    let tables: Vec<String> = stdout
        .lines()
        .filter(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            cells.len() == 4 && cells[1..].iter().all(|c| c.parse::<f64>().is_ok())
        })
        .map(str::to_owned)
        .collect();
    assert_eq!(tables.len(), 14, "{stdout}");
    // The nodes answer in any order: sorted by diagnosis, count, then whole dollars of cost
    // (the two hospitals may have as many patients with one diagnosis).
    let key = |line: &String| {
        let cells: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        let number = |i: usize| cells[i].parse::<f64>().unwrap_or(0.0).round() as u64;
        (cells[0].clone(), number(1), number(3))
    };
    let mut tables = tables;
    tables.sort_by_key(key);
    tables
}

/// The same hospitals kept as CSV files, SQLite databases (SQL answered by SQLite's engine in
/// the sandbox) and PostgreSQL tables (served as the nodes' own snapshots) give the same
/// answers, each node's receipt verified, the exfiltration blocked and the escape rejected.
#[test]
fn the_demo_runs_end_to_end_over_csv_sqlite_and_postgres_with_the_same_answers() {
    let csv = demo("csv");
    for source in ["sqlite", "postgres"] {
        let other = demo(source);
        for (a, b) in csv.iter().zip(&other) {
            let (a, b): (Vec<&str>, Vec<&str>) = (
                a.split_whitespace().collect(),
                b.split_whitespace().collect(),
            );
            // Same group and count; means equal up to the last printed digit, which SQL's
            // round() and the C aggregate's formatting may round differently at a tie.
            assert_eq!(a[..2], b[..2], "{source}: {a:?} vs {b:?}");
            for (x, y, digit) in [(a[2], b[2], 0.1), (a[3], b[3], 0.01)] {
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!((x - y).abs() <= digit * 1.01, "{source}: {a:?} vs {b:?}");
            }
        }
    }
}
