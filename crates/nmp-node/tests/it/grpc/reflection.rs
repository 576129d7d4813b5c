//! gRPC reflection through a client the project did not write: Python's `grpcio-reflection`
//! (`grpc.reflection.v1alpha` only), installed by `scripts/setup.sh` into
//! `tests/reflection/.venv`, lists the service and resolves its methods from the node.

use std::{path::Path, process::Command, time::Duration};

use nmp_node::grpc;

use super::Serving;
use crate::{agent::config, mesh::now_ms};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_grpcio_reflection_client_resolves_the_service() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reflection");
    let python = dir.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "the reflection test needs its Python client: run scripts/setup.sh"
    );
    let serving = Serving::start(config(), now_ms(), grpc::Config::default()).await;
    let addr = serving.addr.to_string();
    let script = dir.join("describe.py");
    let run = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .arg(addr)
            .output()
            .expect("python runs")
    });
    let output = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the client finishes within 2 minutes")
        .expect("the client's thread");
    serving.stop().await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let seen: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    let services = seen["services"].as_array().expect("a service list");
    assert!(services.iter().any(|s| s == "nmp.v1.LogicMesh"), "{seen}");
    assert_eq!(
        seen["methods"],
        serde_json::json!({
            "Execute": ["nmp.v1.ExecuteRequest", "nmp.v1.LogicResponse"],
            "Describe": ["nmp.v1.DescribeRequest", "nmp.v1.SignedCapabilityDocument"],
            "OpenSession": ["nmp.v1.SessionOpen", "nmp.v1.SessionReply"],
        })
    );
}
