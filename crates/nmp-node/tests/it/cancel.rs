//! An agent that leaves while its guest runs frees the run slot at once, one that half-closes
//! its stream still gets its answer, and the clock and random keys of `[policy.sandbox]` reach
//! the sandbox.

use std::time::{Duration, Instant};

use nmp_node::config::{File, FileError};
use nmp_sandbox::{Clocks, Randomness};
use nmp_wire::pb;

use crate::{
    agent::{Agent, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms, until},
};

/// The spinning guest's deadline: far longer than the test waits for the second job.
const SPIN_DEADLINE_MS: u64 = 30_000;

#[tokio::test]
async fn an_agent_that_leaves_stops_its_running_guest_and_frees_the_slot() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        // One run slot; a spinning guest would hold it for 30 s (no fuel metering).
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.max_concurrent_jobs = std::num::NonZeroUsize::new(1);
            file.policy.sandbox.timeout_ms = Some(SPIN_DEADLINE_MS);
            file.policy.sandbox.fuel = Some(nmp_node::config::OrOff::Off);
        })
        .await;
        let peer = node.peer_id();
        let (spin, _, _) = Agent::at(8, &signed, now_ms()).seal("wat/spin.wasm", b"");
        let mut running = agent.open_logic(peer, &spin).await.unwrap();
        until(&mut running, pb::Stage::Running).await;
        drop(running);
        let left = Instant::now();

        // Another agent's job gets the slot long before the spinner's deadline.
        let (aggregate, key, _) = Agent::at(9, &signed, now_ms()).seal("c/aggregate.wasm", b"");
        let responses = collect(agent.open_logic(peer, &aggregate).await.unwrap()).await;
        assert_eq!(
            result(&responses, &key).outcome,
            pb::Outcome::Completed as i32
        );
        let waited = left.elapsed();
        assert!(
            waited < Duration::from_millis(SPIN_DEADLINE_MS / 2),
            "the second job waited {waited:?}"
        );
        assert_eq!(node.service().queued_jobs(), 0);
        node.shutdown().await;
        // The stopped guest still ran on the owner's data: the audit log says so.
        let log = std::fs::read_to_string(dir.path().join("audit.jsonl")).expect("audit log");
        let outcomes: Vec<String> = log
            .lines()
            .map(|line| {
                let line: serde_json::Value = serde_json::from_str(line).expect("json");
                line["entry"]["outcome"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        assert!(outcomes.contains(&"cancelled".to_owned()), "{outcomes:?}");
        assert!(outcomes.contains(&"completed".to_owned()), "{outcomes:?}");
    })
    .await
    .expect("within the deadline");
}

#[tokio::test]
async fn a_half_closed_request_still_gets_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |_| {}).await;
        let (request, key, _) = Agent::at(10, &signed, now_ms()).seal("c/aggregate.wasm", b"");
        let mut responses = agent.open_logic(node.peer_id(), &request).await.unwrap();
        // As js-libp2p agents do: the write side closes right after the request.
        responses.close_write().await.expect("half-closed");
        let responses = collect(responses).await;
        assert_eq!(
            result(&responses, &key).outcome,
            pb::Outcome::Completed as i32
        );
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

fn sandbox_section(keys: &str) -> Result<nmp_sandbox::Config, FileError> {
    let text = format!("identity = \"k\"\n[policy.sandbox]\n{keys}\n");
    let file = File::parse(&text).expect("parses");
    Ok(file.service_config(std::path::Path::new("."))?.node.sandbox)
}

#[test]
fn clock_and_random_keys_reach_the_sandbox() {
    let default = sandbox_section("").unwrap();
    assert_eq!(default.clocks, Clocks::default());
    assert_eq!(default.randomness, Randomness::Real);

    let deterministic =
        sandbox_section("deterministic = true\nclock_start_secs = 1700000000\nrandom_seed = 9")
            .unwrap();
    assert!(deterministic.is_deterministic());
    assert_eq!(
        deterministic.clocks,
        Clocks::Fixed {
            wall_clock: Duration::from_secs(1_700_000_000)
        }
    );
    assert_eq!(deterministic.randomness, Randomness::Seeded(9));

    let real = sandbox_section("clock = \"real\"").unwrap();
    assert_eq!(real.clocks, Clocks::Real);
    assert!(matches!(
        sandbox_section("deterministic = true\nclock = \"coarse\""),
        Err(FileError::Sandbox(_))
    ));
    assert!(File::parse("identity = \"k\"\n[policy.sandbox]\nclock = \"atomic\"\n").is_err());
}
