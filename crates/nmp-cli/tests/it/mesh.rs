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

#[test]
fn the_demo_runs_end_to_end() {
    let output = nmp(&["demo", "--rows", "500"], b"");
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
}
