//! Guest clocks and randomness through a real Data Node on loopback (issue 10, item 5): by
//! default a guest reads a coarse clock (whole 100 ms steps); with `deterministic = true` in
//! the node's file two runs of a module that prints its clock and random bytes print the same.

use nmp_node::config::ClockMode;
use nmp_wire::pb;

use crate::{
    agent::{Agent, result},
    mesh::{DEADLINE, collect, mesh_with_node, now_ms},
};

/// Prints `{"c":C,"t":TTTTT,"r":RRRRR}`: C is 1 when the wall clock's reading is a whole
/// multiple of 100 ms, T its milliseconds modulo 100,000, R two random bytes as a number.
const CLOCK_AND_RANDOM: &str = r#"(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 100) "{\"c\":0,\"t\":00000,\"r\":00000}\n")
  (func $digits (param $at i32) (param $n i32) (local $i i32)
    (local.set $i (i32.const 5))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (i32.store8 (i32.add (local.get $at) (local.get $i))
          (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
        (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
        (br $next))))
  (func (export "_start") (local $ns i64)
    (drop (call $clock (i32.const 0) (i64.const 1) (i32.const 0)))
    (local.set $ns (i64.load (i32.const 0)))
    (if (i64.eqz (i64.rem_u (local.get $ns) (i64.const 100000000)))
      (then (i32.store8 (i32.const 105) (i32.const 49))))
    (call $digits (i32.const 111)
      (i32.wrap_i64 (i64.rem_u (i64.div_u (local.get $ns) (i64.const 1000000)) (i64.const 100000))))
    (drop (call $random (i32.const 8) (i32.const 2)))
    (call $digits (i32.const 121) (i32.load16_u (i32.const 8)))
    (i32.store (i32.const 16) (i32.const 100))
    (i32.store (i32.const 20) (i32.const 28))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))"#;

/// Runs [`CLOCK_AND_RANDOM`] `times` times on a node tuned by `tune`; its answers.
async fn readings(tune: impl FnOnce(&mut nmp_node::config::File), times: usize) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, signed) = mesh_with_node(dir.path(), tune).await;
        let mut sealer = Agent::at(50, &signed, now_ms());
        let wasm = wat::parse_str(CLOCK_AND_RANDOM).expect("valid WAT");
        let mut answers = Vec::new();
        for _ in 0..times {
            let limits = pb::RequestedLimits::default();
            let (request, key, _) = sealer.seal_bytes(wasm.clone(), b"", now_ms(), limits);
            let responses = collect(
                agent
                    .open_logic(node.peer_id(), &request)
                    .await
                    .expect("stream opens"),
            )
            .await;
            let answer = result(&responses, &key);
            assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
            answers.push(String::from_utf8(answer.stdout).expect("text"));
        }
        node.shutdown().await;
        answers
    })
    .await
    .expect("within the deadline")
}

#[tokio::test]
async fn by_default_a_guest_reads_whole_100_ms_steps() {
    let answers = readings(|_| {}, 1).await;
    // A real clock lands on a whole 100 ms step once in 10^8 readings.
    assert!(answers[0].starts_with("{\"c\":1,"), "{}", answers[0]);
}

#[tokio::test]
async fn a_deterministic_node_gives_two_runs_the_same_clock_and_random_bytes() {
    let answers = readings(|file| file.policy.sandbox.deterministic = true, 2).await;
    assert_eq!(answers[0], answers[1]);
    // Fixed clocks start at `clock_start_secs` (0): the first reading is the epoch.
    assert!(
        answers[0].starts_with("{\"c\":1,\"t\":00000,"),
        "{}",
        answers[0]
    );
}

#[tokio::test]
async fn with_real_clocks_the_reading_is_finer_than_a_step() {
    let answers = readings(|file| file.policy.sandbox.clock = Some(ClockMode::Real), 1).await;
    assert!(answers[0].starts_with("{\"c\":0,"), "{}", answers[0]);
}
