//! Compile bombs against a real Data Node on loopback: the bomb from issue 10 is rejected by
//! the Guardian, and a hostile agent sending the costliest functions the Guardian admits,
//! several at once, gets typed answers (never `INTERNAL`) while an honest agent is still served.

use std::time::{Duration, Instant};

use futures::StreamExt;
use nmp_guardian::Policy;
use nmp_guardian::testing::{Bomb, LocalType};
use nmp_node::config::OrOff;
use nmp_wire::pb::{self, logic_response::Event};

use crate::{
    agent::{Agent, result},
    example,
    hostile::serves,
    mesh::{DEADLINE, collect, mesh_with_node, now_ms},
};

/// `wasm` with a custom section named `salt` holding `salt`: another module (another cache
/// key) with the same code.
fn salted(mut wasm: Vec<u8>, salt: u8) -> Vec<u8> {
    wasm.extend_from_slice(&[0, 6, 4, b's', b'a', b'l', b't', salt]);
    wasm
}

/// The honest agent `seed` is served `c/aggregate.wasm` (compiled afresh for `salt`); returns
/// how long it took.
async fn honest(agent: &nmp_net::Mesh, node: &nmp_node::Node, seed: u8, salt: u8) -> Duration {
    let wasm = std::fs::read(example("c/aggregate.wasm")).expect("bundled module");
    let started = Instant::now();
    serves(agent, node, seed, salted(wasm, salt)).await;
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compile_bombs_leave_an_honest_agent_served() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        // On loopback every agent is one origin; the honest agent stands for one at another
        // address, so the per-origin compile bound (tested below) is off here.
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |file| {
            file.policy.compile_quota.concurrent_per_origin = OrOff::Off;
            file.policy.compile_quota.ms_per_minute_per_origin = OrOff::Off;
        })
        .await;
        let alone = honest(&agent, &node, 40, 0).await;
        let mut hostile = Agent::at(41, &signed, now_ms());
        let limits = pb::RequestedLimits::default();

        // Issue 10's bomb: one function, 50,000 locals, a 254 KiB chain of `if`s.
        let issue = Bomb {
            locals: 50_000,
            local_type: LocalType::I32,
            ifs: 23_700,
            nesting: 1,
            functions: 1,
        }
        .wasm();
        assert!(issue.len() > 250 * 1024, "{}", issue.len());
        let (request, key, _) = hostile.seal_bytes(issue, b"", now_ms(), limits);
        let rejected = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        assert_eq!(
            result(&rejected, &key).outcome,
            pb::Outcome::Rejected as i32
        );

        // The costliest function the default policy admits, four distinct modules at once.
        // (One function, not the 32 a module may hold: a debug build compiles that past its
        // deadline, and the abandoned compile would slow the tests running beside this one.)
        let largest = Bomb::largest(&Policy::default(), LocalType::I32, 1);
        let mut bombs = Vec::new();
        for i in 0..4 {
            let wasm = Bomb {
                ifs: largest.ifs - i,
                functions: 1,
                ..largest
            }
            .wasm();
            let (request, _, _) = hostile.seal_bytes(wasm, b"", now_ms(), limits);
            bombs.push(agent.open_logic(node.peer_id(), &request).await.unwrap());
        }
        let beside = honest(&agent, &node, 42, 1).await;
        eprintln!(
            "honest aggregate request, cold compile: alone {alone:?}, beside bombs {beside:?}"
        );

        for bomb in bombs {
            let responses = collect(bomb).await;
            match &responses.last().and_then(|r| r.event.as_ref()) {
                Some(Event::Result(_)) => {}
                Some(Event::Error(e)) => {
                    let code = pb::ErrorCode::try_from(e.code);
                    assert!(
                        matches!(
                            code,
                            Ok(pb::ErrorCode::Overloaded | pb::ErrorCode::RateLimited)
                        ),
                        "{code:?}: {}",
                        e.message
                    );
                }
                other => panic!("no final answer: {other:?}"),
            }
        }
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

/// In open mode an identity costs nothing, so the compile quota also binds each origin: a
/// fresh identity from the address whose agent is compiling a bomb is answered `OVERLOADED`
/// for a new module (it would otherwise take the node's other compile slot), while a module
/// already compiled still runs for it at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_identities_from_one_origin_share_its_compile_place() {
    let dir = tempfile::tempdir().unwrap();
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), |_| {}).await;
        // Compiled (and cached) before the bomb.
        honest(&agent, &node, 50, 0).await;
        let mut hostile = Agent::at(51, &signed, now_ms());
        let limits = pb::RequestedLimits::default();
        let largest = Bomb::largest(&Policy::default(), LocalType::I32, 1);
        let bomb = Bomb {
            functions: 1,
            ..largest
        }
        .wasm();
        let (request, _, _) = hostile.seal_bytes(bomb, b"", now_ms(), limits);
        let mut bomb = agent.open_logic(node.peer_id(), &request).await.unwrap();
        // Its compile has begun once the node says RUNNING.
        loop {
            let response = bomb.next().await.expect("a status before the end").unwrap();
            if let Some(Event::Status(status)) = &response.event
                && status.stage == pb::Stage::Running as i32
            {
                break;
            }
        }

        let mut sybil = Agent::at(52, &signed, now_ms());
        let wasm = std::fs::read(example("c/aggregate.wasm")).expect("bundled module");
        let (request, _, _) = sybil.seal_bytes(salted(wasm.clone(), 9), b"", now_ms(), limits);
        let refused = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        match refused.last().and_then(|r| r.event.as_ref()) {
            Some(Event::Error(e)) => {
                assert_eq!(e.code, pb::ErrorCode::Overloaded as i32, "{}", e.message);
                assert!(e.message.contains("origin"), "{}", e.message);
            }
            other => panic!("a new module from the bomb's origin was not refused: {other:?}"),
        }
        // A module compiled before the bomb costs no compile: served at once, to yet another
        // identity from the same origin.
        serves(&agent, &node, 53, salted(wasm, 0)).await;
        drop(collect(bomb).await);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
