//! Compile isolation through a real `nmp node` process on 127.0.0.1 (issue 10, item 6): each
//! compile runs in a child `nmp compile-worker`, killed at its deadline (its slot free at once),
//! capped in memory (the node's own memory stays small), and gone when the node dies.
//!
//! Agents are `nmp_client` agents on the node's gRPC face, each with its own identity.

mod process;
mod quota;

use std::time::{Duration, Instant};

use nmp_client::{Error, Logic, NmpClient, Outcome};
use nmp_guardian::Policy;
use nmp_guardian::testing::{Bomb, LocalType};
use nmp_wire::pb;

use self::process::{NodeProcess, alive};

/// Bound on each test; only a hung node comes near it.
const DEADLINE: Duration = Duration::from_secs(240);

const CAPABILITY: &str = "demo.hospital/patients";

/// No per-agent rate or compile quota (per agent or per origin: on loopback every agent is one
/// origin), and more job slots than compile slots: these tests
/// measure the sandbox's own compile bounds.
const NO_QUOTA: &str = "[policy]\nrate_limit_per_minute = \"off\"\nmax_concurrent_jobs = 4\n\
    [policy.compile_quota]\nconcurrent_per_agent = \"off\"\nms_per_minute = \"off\"\n\
    concurrent_per_origin = \"off\"\nms_per_minute_per_origin = \"off\"\n";

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

/// A node with `isolation` and a 2 s compile deadline, an honest agent's cold request served
/// by it, and two bombs (two agents) that fill both compile slots, sent.
async fn bombed(
    dir: &std::path::Path,
    isolation: &str,
) -> (
    NodeProcess,
    nmp_client::GrpcNode,
    impl Future<Output = ()> + use<>,
) {
    let extra = format!(
        "{NO_QUOTA}[policy.sandbox]\ncompile_isolation = \"{isolation}\"\n\
         compile_timeout_ms = {DEADLINE_MS}\n"
    );
    let node = NodeProcess::start(dir, &extra).await;
    let honest_agent = agent(&node, Policy::default()).await;
    let (alone, alone_time) = timed(&honest_agent, &honest(0)).await;
    assert_eq!(alone.expect("served alone"), Outcome::Completed);
    eprintln!("{isolation}: honest cold request alone took {alone_time:?}");
    let (one, two) = (
        agent(&node, Policy::default()).await,
        agent(&node, Policy::default()).await,
    );
    let bombs = async move {
        let (bomb_one, bomb_two) = (bomb(1), bomb(2));
        let (first, second) = tokio::join!(one.execute(&bomb_one), two.execute(&bomb_two));
        for answer in [first, second] {
            assert_eq!(answer.expect("an answer").outcome, Outcome::LimitExceeded);
        }
    };
    (node, honest_agent, bombs)
}

/// The compile deadline of the bomb tests.
const DEADLINE_MS: u64 = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compile_bomb_is_killed_at_its_deadline_and_its_slot_frees_at_once() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let (node, honest_agent, bombs) = bombed(dir.path(), "process").await;
        let watch = node.watch();
        let bombs = tokio::spawn(bombs);
        while node.workers().len() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // While both slots are taken the honest module is refused; it retries at once until
        // a slot frees, which is when the first bomb's worker is killed.
        let mut refused = 0;
        let (served, took) = loop {
            let (answer, took) = timed(&honest_agent, &honest(3)).await;
            match code(&answer) {
                Some(pb::ErrorCode::Overloaded) => refused += 1,
                _ => break (answer, took),
            }
        };
        bombs.await.unwrap();
        let seen = watch.stop();
        assert_eq!(served.unwrap(), Outcome::Completed);
        assert!(
            refused > 0,
            "the honest module was never refused: the bombs were not compiling"
        );
        let [first, second, third, ..] = seen[..] else {
            panic!("expected two bomb workers and the honest one: {seen:?}");
        };
        let freed = first.last.min(second.last);
        eprintln!(
            "process: bomb workers lived {:?} and {:?} (deadline {DEADLINE_MS} ms); the honest \
             compile's worker started {:?} after the first was killed; honest request refused \
             {refused} times, then served in {took:?}",
            first.last - first.first,
            second.last - second.first,
            third.first.saturating_sub(freed),
        );
        for bomb in [first, second] {
            assert!(
                bomb.last - bomb.first < Duration::from_millis(DEADLINE_MS + 1_000),
                "{bomb:?}"
            );
        }
        assert!(node.workers().is_empty());
        node.kill();
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_the_same_bombs_keep_their_slots_past_the_deadline() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let (node, honest_agent, bombs) = bombed(dir.path(), "thread").await;
        bombs.await;
        // Both bombs were answered at their deadline, but their compilers run on: the slots
        // stay taken and an honest module cannot be compiled.
        let (after, _) = timed(&honest_agent, &honest(3)).await;
        assert_eq!(code(&after), Some(pb::ErrorCode::Overloaded), "{after:?}");
        node.kill();
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
            bombed
                .as_ref()
                .map_or_else(Error::chain, |a| format!("{:?}", a.outcome)),
        );
        let bombed = bombed.map(|a| a.outcome);
        assert_eq!(code(&bombed), Some(pb::ErrorCode::Overloaded), "{bombed:?}");
        let Err(Error::Node { message, .. }) = &bombed else {
            unreachable!("checked above")
        };
        assert!(
            !message.contains("signal"),
            "no detail reaches the agent: {message}"
        );
        assert_eq!(served.unwrap(), Outcome::Completed);
        // The compile's memory was the worker's: the node grew by far less than its limit.
        assert!(after < before + 128 * 1024, "{before} KiB -> {after} KiB");
        // The node logs before it answers, but another thread reads its stderr: give that
        // thread a moment on a loaded machine.
        let logged = async {
            while !node.log().contains("compile worker failed") {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        assert!(
            tokio::time::timeout(Duration::from_secs(10), logged)
                .await
                .is_ok(),
            "{}",
            node.log()
        );
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
        eprintln!(
            "compile worker {worker} gone {:?} after its node was killed",
            killed.elapsed()
        );
        assert!(!request.await.unwrap(), "the node died before answering");
    })
    .await
    .expect("within the deadline");
}
