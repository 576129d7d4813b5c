//! One inbound byte budget for the mesh and the gRPC face of a real node on loopback: stalled
//! requests over both fill the budget and hold no more (the process's resident memory is printed
//! for the record), a request past it is refused at once on either face (mesh
//! `ERROR_CODE_OVERLOADED`, gRPC `RESOURCE_EXHAUSTED`), and every byte is released when the
//! stalled streams end.

use futures::AsyncWriteExt as _;
use nmp_wire::pb::{self, execute_request::Message, logic_mesh_client::LogicMeshClient};
use tonic::{Code, transport::Endpoint};

use crate::{
    agent::{Agent, error_code},
    grpc::budget::{STALLED_BYTES, loopback, stalled, until_held},
    hostile::{logic_stream, raw_peer, serves},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms},
};

const MIB: usize = 1024 * 1024;

/// The process's resident set size in MiB (Linux), for the record.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_requests_over_the_mesh_and_grpc_share_one_budget() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.inbound.budget_mib = 16;
            file.inbound.origin_share_mib = 16;
        })
        .await;
        let budget = node.inbound_budget().clone();
        let grpc = node.grpc_addr().expect("gRPC on");
        let before = rss_mib();

        // Sixteen stalled gRPC calls hold 8 MiB.
        let mut calls = Vec::new();
        for _ in 0..16 {
            calls.push(stalled(grpc, loopback(1)).await);
        }
        until_held(&budget, loopback(1), 16 * STALLED_BYTES).await;

        // Eight stalled mesh streams (a peer's whole stream allowance) that each send 1 MiB - 1
        // of a 20 MiB frame: their buffers grew to 1 MiB each and hold the other 8 MiB.
        let mut control = raw_peer(&node).await;
        let mut streams = Vec::new();
        let mut frame = Vec::new();
        prost::encoding::encode_varint(20 * MIB as u64, &mut frame);
        frame.resize(frame.len() + MIB - 1, 0);
        for _ in 0..8 {
            let held = budget.used();
            let mut stream = logic_stream(&mut control, node.peer_id()).await;
            stream.write_all(&frame).await.unwrap();
            streams.push(stream);
            while budget.used() != held + MIB as u64 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
        assert_eq!(budget.used(), budget.limit());
        let (stalled_rss, charged) = (rss_mib(), budget.used());

        // Past the budget, an honest request is refused at once on both faces.
        let (request, _, _) = Agent::at(9, &signed, now_ms()).seal("c/aggregate.wasm", b"");
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        assert_eq!(error_code(&responses), pb::ErrorCode::Overloaded);
        let channel = Endpoint::from_shared(format!("http://{grpc}"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let start = pb::ExecuteRequest {
            message: Some(Message::Start(request)),
        };
        let status = LogicMeshClient::new(channel)
            .execute(tokio_stream::iter([start]))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

        // Ending the stalled requests releases every byte; both faces serve again.
        drop((calls, streams, control));
        until_held(&budget, loopback(1), 0).await;
        let released_rss = rss_mib();
        let wasm = std::fs::read(crate::example("c/aggregate.wasm")).expect("bundled module");
        serves(&agent, &node, 10, wasm).await;
        eprintln!(
            "inbound budget 16 MiB: RSS {before:.1} MiB before, {stalled_rss:.1} MiB with 16 \
             stalled gRPC calls and 8 stalled mesh streams ({charged} bytes charged), \
             {released_rss:.1} MiB after they ended"
        );
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
