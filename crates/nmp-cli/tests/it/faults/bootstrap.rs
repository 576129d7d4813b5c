//! A bootstrap peer that dies: discovery goes on through the other bootstrap peer, for the
//! agents and nodes that knew both, and for those that start after the death.

use std::time::Duration;

use nmp_crypto::Identity;
use tokio::time::Instant;

use super::process::{NodeProcess, agent, bootstrap_from, discovered, node_dir};
use super::{DEADLINE, honest};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_bootstrap_peer_leaves_discovery_to_the_other_one() {
    let root = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (first, first_seed) = bootstrap_from(&[]).await;
        let (_second, second_seed) = bootstrap_from(&[&first_seed]).await;
        let seeds = [first_seed.as_str(), second_seed.as_str()];
        let early = NodeProcess::start(&node_dir(root.path(), "early", &seeds, 4_000));
        let agent_before = agent(&seeds, Identity::generate()).await;
        discovered(&agent_before, &[early.peer]).await;

        // The first bootstrap peer dies: its swarm stops and every connection to it closes.
        drop(first);
        let died = Instant::now();

        // A node that starts now (its first seed unreachable) joins through the second, and
        // so does an agent that starts now.
        let late = NodeProcess::start(&node_dir(root.path(), "late", &seeds, 4_000));
        let agent_after = agent(&seeds, Identity::generate()).await;
        for (who, agent) in [
            ("agent from before", &agent_before),
            ("new agent", &agent_after),
        ] {
            discovered(agent, &[early.peer, late.peer]).await;
            eprintln!(
                "bootstrap died: the {who} discovers both nodes {:?} after the death",
                died.elapsed()
            );
            let answers = agent.execute_all(&honest()).await.expect("fan-out runs");
            assert_eq!(answers.len(), 2);
            for node in answers {
                let answer = node.answer.expect("each node answers");
                assert!(answer.is_completed(), "{:?}", answer.outcome);
            }
        }
        assert!(died.elapsed() < Duration::from_secs(120));
    })
    .await
    .expect("within the deadline");
}
