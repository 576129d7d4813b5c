//! The bridge in process: an `rmcp` client over an in-memory duplex pipe, the bridge, and a Data
//! Node on a loopback mesh. The official TypeScript client's end-to-end run over stdio and HTTP
//! is in `crates/nmp-cli/tests/it/mcp.rs`.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::{path::Path, time::Duration};

use nmp_client::{NmpClient, PeerId};
use nmp_crypto::Identity;
use nmp_mcp::Bridge;
use nmp_net::Mesh;
use nmp_node::{Node, config::File};
use rmcp::{
    RoleClient, ServiceExt as _,
    model::{CallToolRequestParams, CallToolResult},
    service::RunningService,
};
use serde_json::{Value, json};

const CAPABILITY: &str = "demo.hospital/patients";
const DEADLINE: Duration = Duration::from_secs(120);

/// A bootstrap peer, a Data Node over the bundled dataset, and an MCP client of a bridge whose
/// agent knows only the bootstrap peer.
async fn setup(dir: &Path) -> (Mesh, Node, RunningService<RoleClient, ()>) {
    let (bootstrap, _) = nmp_testkit::bootstrap().await;
    let seed = nmp_testkit::address(&bootstrap, nmp_testkit::Transport::Tcp).await;
    let identity = Identity::generate();
    identity.save(&dir.join("node.key")).unwrap();
    let data = nmp_testkit::examples("logic/data");
    let file = File::parse(&format!(
        "identity = \"node.key\"\nbootstrap = [\"{seed}\"]\n[listen]\ntcp = \"/ip4/127.0.0.1/tcp/0\"\n{}",
        nmp_testkit::dataset_toml("patients", &data, CAPABILITY)
    ))
    .unwrap();
    let node = Node::start(identity, &file, dir).await.unwrap();
    let agent = NmpClient::builder()
        .bootstrap(seed)
        .request_timeout(Duration::from_secs(3))
        .connect()
        .await
        .unwrap();
    // The node's provider record reaches the bootstrap peer asynchronously; on a loaded machine
    // the first lookup can come before it.
    let agent_ref = &agent;
    let discoverable = nmp_testkit::eventually(Duration::from_secs(30), || async move {
        !agent_ref
            .discover(CAPABILITY)
            .await
            .unwrap()
            .providers
            .is_empty()
    })
    .await;
    assert!(discoverable, "the node was never discoverable");
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        let running = Bridge::new(agent).serve(server_io).await.unwrap();
        running.waiting().await.unwrap();
    });
    let client = ().serve(client_io).await.unwrap();
    (bootstrap, node, client)
}

async fn call(
    client: &RunningService<RoleClient, ()>,
    tool: &'static str,
    args: Value,
) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments are an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(args))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_declare_clean_schemas_and_answer_with_verified_data() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, client) = setup(dir.path()).await;
        let tools = client.list_all_tools().await.unwrap();
        let mut names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
        names.sort();
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
        for tool in &tools {
            let output = serde_json::to_string(tool.output_schema.as_ref().unwrap()).unwrap();
            let input = serde_json::to_string(&tool.input_schema).unwrap();
            assert!(!output.contains("uint"), "{}: {output}", tool.name);
            assert!(!input.contains("uint"), "{}: {input}", tool.name);
        }

        let wat = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/logic/wat/hello.wat"),
        )
        .unwrap();
        let result = call(
            &client,
            "nmp_execute",
            json!({"capability": CAPABILITY, "wat": wat}),
        )
        .await;
        assert_ne!(result.is_error, Some(true), "{result:?}");
        let content = result.structured_content.unwrap();
        let answered = &content["nodes"][0];
        assert_eq!(answered["status"], "answered");
        assert_eq!(answered["peer"], node.peer_id().to_string());
        assert_eq!(answered["receipt"]["verified"], true);
        assert_eq!(
            answered["receipt"]["module_sha256"],
            content["module_sha256"]
        );
        assert_eq!(answered["receipt"]["kind"], "signed");

        // The budget: a verified answer about this agent alone; this dataset sets no controls.
        let peer = node.peer_id().to_string();
        let budget = call(
            &client,
            "nmp_budget",
            json!({"peer": peer, "capability": CAPABILITY}),
        )
        .await;
        assert_ne!(budget.is_error, Some(true), "{budget:?}");
        let content = budget.structured_content.unwrap();
        assert_eq!(content["peer"], peer);
        assert_eq!(content["datasets"], json!([]));
        node.shutdown().await;
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_node_is_an_error_result_without_data() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, client) = setup(dir.path()).await;
        let nobody = PeerId::random().to_string();

        let described = call(&client, "nmp_describe", json!({"peer": nobody})).await;
        assert_eq!(described.is_error, Some(true));
        assert!(described.structured_content.is_none());

        let executed = call(
            &client,
            "nmp_execute",
            json!({"capability": CAPABILITY, "peer": nobody, "wat": "(module (memory (export \"memory\") 1) (func (export \"_start\")))"}),
        )
        .await;
        assert_eq!(executed.is_error, Some(true), "no node answered");
        let failed = &executed.structured_content.unwrap()["nodes"][0];
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["peer"], nobody);
        assert_eq!(failed["kind"], "network");
        assert!(failed["data"].get("output").is_none());
        node.shutdown().await;
    })
    .await
    .unwrap();
}
