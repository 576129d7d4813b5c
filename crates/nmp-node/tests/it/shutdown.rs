//! Graceful shutdown of a running node: the running job delivers its result, the queued one
//! ends with `ERROR_CODE_SHUTTING_DOWN`, and `Node::shutdown` returns.

use nmp_wire::pb;

use crate::{
    agent::{Agent, error_code, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms, until},
};

#[tokio::test]
async fn shutdown_finishes_the_running_job_and_fails_the_queued_one() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        // One run slot, held by a spinning guest until its 2 s deadline (no fuel metering).
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.max_concurrent_jobs = std::num::NonZeroUsize::new(1);
            file.policy.sandbox.timeout_ms = Some(2_000);
            file.policy.sandbox.fuel = Some(nmp_node::config::OrOff::Off);
        })
        .await;
        let peer = node.peer_id();
        let mut sealer = Agent::at(6, &signed, now_ms());
        let (spin, spin_key, _) = sealer.seal("wat/spin.wasm", b"");
        let mut running = agent.open_logic(peer, &spin).await.unwrap();
        until(&mut running, pb::Stage::Running).await;
        let (queued, _, _) = sealer.seal("c/aggregate.wasm", b"");
        let mut waiting = agent.open_logic(peer, &queued).await.unwrap();
        until(&mut waiting, pb::Stage::Queued).await;

        let stopping = tokio::spawn(node.shutdown());
        let waiting = collect(waiting).await;
        assert_eq!(error_code(&waiting), pb::ErrorCode::ShuttingDown);
        let running = collect(running).await;
        assert_eq!(
            result(&running, &spin_key).outcome,
            pb::Outcome::TimedOut as i32
        );
        stopping.await.expect("shutdown completes");
        assert!(
            agent.describe(peer).await.is_err(),
            "a stopped node answers nothing"
        );
    })
    .await
    .expect("within the deadline");
}
