//! The MCP tool-argument parsers, through the real server: any JSON object given as the
//! arguments of any of the four tools comes back as a tool result (an `isError` one naming the
//! argument when it cannot be used) or a JSON-RPC error, never a panic or a dead server.
//!
//! An `rmcp` client talks to a `Bridge` over an in-memory pipe; the bridge's agent has no
//! bootstrap peer and 100 ms query and request timeouts, so arguments that pass the checks end
//! in a quick "no provider" or "unreachable" result instead of network traffic. The first input
//! byte picks the tool; the rest is the arguments' JSON.
//!
//! `cargo +nightly fuzz run mcp_arguments -- -dict=fuzz/dicts/mcp_arguments.dict`
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use nmp_client::NmpClient;
use nmp_mcp::Bridge;
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService, ServiceError};
use serde_json::Value;
use tokio::runtime::Runtime;

const TOOLS: [&str; 4] = ["nmp_inspect", "nmp_execute", "nmp_describe", "nmp_discover"];
const TIMEOUT: Duration = Duration::from_millis(100);
/// A call slower than this is a hang.
const DEADLINE: Duration = Duration::from_secs(10);

struct Harness {
    runtime: Runtime,
    client: RunningService<RoleClient, ()>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let client = runtime.block_on(async {
            let agent = NmpClient::builder()
                .query_timeout(TIMEOUT)
                .request_timeout(TIMEOUT)
                .execute_timeout(TIMEOUT)
                .connect()
                .await
                .expect("an agent without peers starts");
            let (server_io, client_io) = tokio::io::duplex(1 << 20);
            tokio::spawn(async move {
                let running = Bridge::new(agent)
                    .serve(server_io)
                    .await
                    .expect("bridge serves");
                let _ = running.waiting().await;
            });
            ().serve(client_io).await.expect("client connects")
        });
        Harness { runtime, client }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let Ok(Value::Object(arguments)) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    let harness = harness();
    let tool = TOOLS[usize::from(pick) % TOOLS.len()];
    let call = harness
        .client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments));
    let result = harness
        .runtime
        .block_on(async { tokio::time::timeout(DEADLINE, call).await })
        .unwrap_or_else(|_| panic!("{tool} did not answer within {DEADLINE:?}"));
    match result {
        Ok(_) | Err(ServiceError::McpError(_)) => {}
        Err(other) => panic!("{tool}: the server failed: {other}"),
    }
});
