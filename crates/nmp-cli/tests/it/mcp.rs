//! `nmp mcp` driven by the official MCP TypeScript SDK client (`tests/mcp/client.mjs`) over stdio
//! and over Streamable HTTP, against a bootstrap peer and a Data Node on loopback, and its tool
//! list checked by the MCP Inspector's CLI in strict mode.
//!
//! Needs Node.js and the harness's packages: `npm ci --prefix crates/nmp-cli/tests/mcp`. Without
//! them the tests fail with that instruction; they never skip.

use std::{
    path::PathBuf,
    process::{Command, Stdio},
    time::Duration,
};

use crate::{example, repo};

/// Deadline of one client run, far above what a loopback run takes.
const DEADLINE: Duration = Duration::from_secs(240);

/// The harness directory, after checking that Node.js and the SDK are installed.
fn harness() -> PathBuf {
    let dir = repo().join("crates/nmp-cli/tests/mcp");
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "the MCP client test needs Node.js (>= 20) on PATH: {node:?}"
    );
    assert!(
        dir.join("node_modules/@modelcontextprotocol/sdk/package.json")
            .is_file(),
        "the MCP client test needs its packages: run `npm ci --prefix crates/nmp-cli/tests/mcp`"
    );
    dir
}

/// Runs the client script over `transport` against a fresh mesh; fails with its output.
async fn client(transport: &str) {
    let harness = harness();
    let dir = tempfile::tempdir().expect("temp dir");
    let (_bootstrap, node, seed) = crate::loopback_node(dir.path(), 20_000).await;
    let log = dir.path().join("client.log");
    let out = std::fs::File::create(&log).expect("log file");
    let mut child = Command::new("node")
        .arg(harness.join("client.mjs"))
        .current_dir(&harness)
        .env("NMP_BIN", env!("CARGO_BIN_EXE_nmp"))
        .env("NMP_BOOTSTRAP", &seed)
        .env("NMP_PEER", node.peer_id().to_string())
        .env("NMP_EXAMPLES", example(""))
        .env("NMP_TRANSPORT", transport)
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log handle"))
        .stderr(out)
        .spawn()
        .expect("node starts the client");
    // The mesh lives on this runtime, so wait without blocking it.
    let status = tokio::time::timeout(DEADLINE, async {
        loop {
            if let Some(status) = child.try_wait().expect("client status") {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let output = || std::fs::read_to_string(&log).unwrap_or_default();
    let Ok(status) = status else {
        let _ = child.kill();
        panic!(
            "the MCP client did not finish in {DEADLINE:?}:\n{}",
            output()
        );
    };
    let output = output();
    assert!(
        status.success(),
        "MCP client over {transport} failed:\n{output}"
    );
    assert!(
        output.lines().any(|l| l.ends_with(" passed, 0 failed")),
        "{output}"
    );
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_sdk_client_over_stdio() {
    client("stdio").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typescript_sdk_client_over_streamable_http() {
    client("http").await;
}

/// The MCP Inspector's CLI (`@modelcontextprotocol/inspector`, written elsewhere) starts
/// `nmp mcp` over stdio and lists its tools with `--strict`, which reports every tool-schema
/// portability problem on stderr (and exits 6 on an error-severity one): none is reported.
#[test]
fn the_mcp_inspector_lists_the_tools_with_no_schema_portability_problem() {
    let inspector = harness().join("node_modules/.bin/mcp-inspector");
    assert!(
        inspector.is_file(),
        "the Inspector test needs its package: run `npm ci --prefix crates/nmp-cli/tests/mcp`"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, err) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut child = Command::new(inspector)
        .args(["--cli", "--strict", env!("CARGO_BIN_EXE_nmp"), "mcp"])
        .args(["--method", "tools/list"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("node starts the Inspector");
    let deadline = std::time::Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("Inspector status") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the Inspector did not finish in {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.trim().is_empty(), "the Inspector reported: {stderr}");
    let listed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("stdout")).expect("one JSON object");
    let mut names: Vec<&str> = listed["tools"]
        .as_array()
        .expect("a tool list")
        .iter()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "nmp_budget",
            "nmp_describe",
            "nmp_discover",
            "nmp_execute",
            "nmp_inspect"
        ]
    );
}

#[test]
fn mcp_refuses_a_non_loopback_http_address_with_status_2() {
    let output = crate::nmp(&["mcp", "--http", "0.0.0.0:0"], b"");
    crate::assert_usage_error(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
    let output = crate::nmp(&["mcp", "--bootstrap", "not-a-multiaddr"], b"");
    crate::assert_usage_error(&output);
}
