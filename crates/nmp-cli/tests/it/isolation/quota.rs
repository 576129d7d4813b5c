//! The per-agent compile quota through a real `nmp node`: a compile the agent abandons is
//! charged for the time it held, so abandoning compiles just before their deadline (or sending
//! modules that kill their worker) does not hold a compile slot for free.

use std::time::Duration;

use nmp_guardian::Policy;
use nmp_wire::pb;

use super::{DEADLINE, agent, bomb, code, honest, process::NodeProcess, timed};

/// 600 ms of compile a minute, one compile at a time, a deadline far away.
const SMALL_QUOTA: &str = "[policy]\nrate_limit_per_minute = \"off\"\n\
    [policy.compile_quota]\nconcurrent_per_agent = 1\nms_per_minute = 600\n\
    [policy.sandbox]\ncompile_isolation = \"process\"\ncompile_timeout_ms = 60000\n";

/// How long the hostile agent lets its compile worker run before leaving: past the whole
/// quota.
const ABANDON_AFTER: Duration = Duration::from_millis(1_500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_compile_is_charged_to_its_agents_quota() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let node = NodeProcess::start(dir.path(), SMALL_QUOTA).await;
        let hostile = agent(&node, Policy::default()).await;
        let sender = hostile.clone();
        let bombing = tokio::spawn(async move { sender.execute(&bomb(1)).await.is_ok() });
        while node.workers().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(ABANDON_AFTER).await;
        assert!(
            !bombing.is_finished(),
            "the bomb compiled within {ABANDON_AFTER:?}"
        );
        bombing.abort();
        // The node kills the worker when the agent goes away.
        while !node.workers().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The abandoned compile used the agent's whole minute: a new module waits for it.
        let (next, _) = timed(&hostile, &honest(1)).await;
        assert_eq!(code(&next), Some(pb::ErrorCode::RateLimited), "{next:?}");
        // Another agent is not charged for it.
        let other = agent(&node, Policy::default()).await;
        let (served, _) = timed(&other, &honest(2)).await;
        assert_eq!(served.unwrap(), nmp_client::Outcome::Completed);
        node.kill();
    })
    .await
    .expect("within the deadline");
}
