//! Compile isolation through a real `nmp node` process on 127.0.0.1 (issue 10, item 6): each
//! compile runs in a child `nmp compile-worker`, killed at its deadline (its slot free at once),
//! capped in memory (the node's own memory stays small), and gone when the node dies.
//!
//! Agents are `nmp_client` agents on the node's gRPC face, each with its own identity.

mod process;

use std::time::{Duration, Instant};

use nmp_client::{Error, Logic, NmpClient, Outcome};
use nmp_guardian::Policy;
use nmp_guardian::testing::{Bomb, LocalType};
use nmp_wire::pb;

use self::process::{NodeProcess, alive};

/// Bound on each test; only a hung node comes near it.
const DEADLINE: Duration = Duration::from_secs(240);

const CAPABILITY: &str = "demo.hospital/patients";

/// No per-agent compile quota: these tests measure the sandbox's own bounds.
const NO_QUOTA: &str = "[policy.compile_quota]\nconcurrent_per_agent = 0\nms_per_minute = 0\n";

/// `wasm` with a custom section named `salt` holding `salt`: another module (another cache
/// key, another compile) with the same code.
fn salted(mut wasm: Vec<u8>, salt: u8) -> Vec<u8> {
    wasm.extend_from_slice(&[0, 6, 4, b's', b'a', b'l', b't', salt]);
    wasm
}

fn honest(salt: u8) -> Logic {
    let wasm = std::fs::read(crate::example("c/aggregate.wasm")).expect("bundled module");
    Logic::new(CAPABILITY, salted(wasm, salt)).with_input(b"{}".to_vec())
}

/// The costliest module the default Guardian policy admits (32 copies of the costliest
/// function; about 16 s of Cranelift in a release build), made distinct by `salt`.
fn bomb(salt: u8) -> Logic {
    let wasm = Bomb::largest(&Policy::default(), LocalType::I32, 1).wasm();
    Logic::new(CAPABILITY, salted(wasm, salt))
}

/// An agent with a fresh identity on the node's gRPC face, pre-flighting with `policy`.
async fn agent(node: &NodeProcess, policy: Policy) -> nmp_client::GrpcNode {
    let client = NmpClient::builder()
        .guardian_policy(policy)
        .execute_timeout(Duration::from_secs(120))
        .connect()
        .await
        .expect("agent starts");
    client
        .connect_grpc(node.endpoint(), None)
        .await
        .expect("the node answers on gRPC")
}

async fn timed(grpc: &nmp_client::GrpcNode, logic: &Logic) -> (Result<Outcome, Error>, Duration) {
    let started = Instant::now();
    let answer = grpc.execute(logic).await.map(|a| a.outcome);
    (answer, started.elapsed())
}

fn code(result: &Result<Outcome, Error>) -> Option<pb::ErrorCode> {
    match result {
        Err(Error::Node { code, .. }) => Some(*code),
        _ => None,
    }
}

/// Two bombs fill both compile slots; at their deadline they end as `LIMIT_EXCEEDED`, and with
/// process isolation the next compile finds a slot at once, where in-process compiles leave
/// the slots to the abandoned compilers.
async fn bombs_then_honest(isolation: &str) -> (Result<Outcome, Error>, Duration, Duration) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let extra = format!(
        "{NO_QUOTA}[policy.sandbox]\ncompile_isolation = \"{isolation}\"\n\
         compile_timeout_ms = 2000\n"
    );
    let node = NodeProcess::start(dir.path(), &extra).await;
    let honest_agent = agent(&node, Policy::default()).await;
    let (alone, alone_time) = timed(&honest_agent, &honest(0)).await;
    assert_eq!(alone.expect("served alone"), Outcome::Completed);

    let (one, two) = (agent(&node, Policy::default()).await, agent(&node, Policy::default()).await);
    let (bomb_one, bomb_two) = (bomb(1), bomb(2));
    let sent = Instant::now();
    let (first, second) = tokio::join!(one.execute(&bomb_one), two.execute(&bomb_two));
    let answered = sent.elapsed();
    for answer in [first, second] {
        assert_eq!(answer.expect("an answer").outcome, Outcome::LimitExceeded);
    }
    let workers = node.workers();
    let (after, after_time) = timed(&honest_agent, &honest(3)).await;
    eprintln!(
        "{isolation}: bombs answered {answered:?} after sending (deadline 2 s); compile workers \
         left at that moment {workers:?}; honest cold request alone {alone_time:?}, right \
         after the bombs {after_time:?} ({after:?})"
    );
    if isolation == "process" {
        assert!(workers.is_empty(), "{workers:?}");
    }
    node.kill();
    (after, alone_time, after_time)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compile_bomb_is_killed_at_its_deadline_and_its_slot_frees_at_once() {
    tokio::time::timeout(DEADLINE, async {
        let (after, _, _) = bombs_then_honest("process").await;
        assert_eq!(after.unwrap(), Outcome::Completed);
        // The same attack with in-process compiles: both slots stay with the abandoned
        // compilers, so the honest module cannot be compiled.
        let (after, _, _) = bombs_then_honest("thread").await;
        assert_eq!(code(&after), Some(pb::ErrorCode::Overloaded), "{after:?}");
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compile_over_its_memory_limit_is_killed_and_the_node_stays_small() {
    tokio::time::timeout(DEADLINE, async {
        // A Guardian loosened enough to admit issue 10's bomb (50,000 locals, a 254 KiB chain
        // of `if`s), which took the node from 47 MB to 6.7 GB when compiled in-process.
        let loose = "[policy.guardian]\nmax_function_bytes = 1048576\n\
             max_locals_per_function = 100000\nmax_local_bytes_per_function = 1048576\n\
             max_blocks_per_function = 100000\n";
        let policy: Policy = toml::from_str(&loose.replace("[policy.guardian]\n", "")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let extra = format!(
            "{NO_QUOTA}{loose}[policy.sandbox]\ncompile_isolation = \"process\"\n\
             compile_memory_mb = 256\ncompile_timeout_ms = 120000\n"
        );
        let node = NodeProcess::start(dir.path(), &extra).await;
        let honest_agent = agent(&node, Policy::default()).await;
        assert_eq!(
            honest_agent.execute(&honest(0)).await.unwrap().outcome,
            Outcome::Completed
        );
        let before = node.peak_rss_kib();
        let issue = Bomb {
            locals: 50_000,
            local_type: LocalType::I32,
            ifs: 23_700,
            nesting: 1,
            functions: 1,
        }
        .wasm();
        let hostile = agent(&node, policy).await;
        let bomb = Logic::new(CAPABILITY, issue);
        let started = Instant::now();
        let (bombed, served) = tokio::join!(hostile.execute(&bomb), async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            honest_agent.execute(&honest(1)).await.map(|a| a.outcome)
        });
        let killed_after = started.elapsed();
        let after = node.peak_rss_kib();
        eprintln!(
            "memory bomb refused after {killed_after:?}: {}; node peak RSS {before} KiB before, \
             {after} KiB after",
            bombed.as_ref().map_or_else(Error::chain, |a| format!("{:?}", a.outcome)),
        );
        let bombed = bombed.map(|a| a.outcome);
        assert_eq!(code(&bombed), Some(pb::ErrorCode::Overloaded), "{bombed:?}");
        let Err(Error::Node { message, .. }) = &bombed else {
            unreachable!("checked above")
        };
        assert!(!message.contains("signal"), "no detail reaches the agent: {message}");
        assert_eq!(served.unwrap(), Outcome::Completed);
        // The compile's memory was the worker's: the node grew by far less than its limit.
        assert!(after < before + 128 * 1024, "{before} KiB -> {after} KiB");
        assert!(node.log().contains("compile worker failed"), "{}", node.log());
        node.kill();
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_node_leaves_no_compile_worker_behind() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let extra = format!(
            "{NO_QUOTA}[policy.sandbox]\ncompile_isolation = \"process\"\n\
             compile_timeout_ms = 120000\n"
        );
        let node = NodeProcess::start(dir.path(), &extra).await;
        let hostile = agent(&node, Policy::default()).await;
        let logic = bomb(1);
        let request = tokio::spawn(async move { hostile.execute(&logic).await.is_ok() });
        let worker = loop {
            if let Some(&pid) = node.workers().first() {
                break pid;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        node.kill();
        let killed = Instant::now();
        while alive(worker) && killed.elapsed() < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(!alive(worker), "compile worker {worker} outlived its node");
        eprintln!("compile worker {worker} gone {:?} after its node was killed", killed.elapsed());
        assert!(!request.await.unwrap(), "the node died before answering");
    })
    .await
    .expect("within the deadline");
}
