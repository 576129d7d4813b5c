//! Only the answer leaves: a hostile module's attempts to write into anything but its filtered
//! output reach the agent as nothing more than a coarse outcome, the egress verdict and its
//! categories. The exact figures are in the owner's audit log, and only there.

mod node;

use nmp_node::audit;
use nmp_wire::pb::{self, logic_response::Event};
use prost::Message as _;

use crate::{
    agent::{Agent, CAPABILITY, NOW_MS, collect, config, result, service, stages},
    service::LOCAL,
};

/// Reads one byte `n` from stdin, burns fuel and time in proportion to it, grows memory by
/// `n % 8` pages, prints the same clean answer whatever `n` is, and exits with status `n`
/// (WASI allows 0-125): every side channel a run has, driven by one secret byte.
const SIDE_CHANNELS: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1 16)
  (data (i32.const 64) "{\"answer\":1}\n")
  (func (export "_start") (local $n i32) (local $i i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 1))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (local.set $n (i32.load8_u (i32.const 16)))
    (local.set $i (i32.mul (local.get $n) (i32.const 20000)))
    (block $done
      (loop $spin
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $spin)))
    (drop (memory.grow (i32.rem_u (local.get $n) (i32.const 8))))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (local.get $n))))"#;

/// Writes restricted-looking values as JSON keys next to an email: blocked output whose keys a
/// report with paths would echo.
const KEYS_AS_DATA: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 64) "{\"P000000001-123-45-6789-Jane-Doe\":\"jane.doe@example.org\",\"k\":{\"SECRET-ROW-42\":\"x@y.io\"}}\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 90))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_blocked_answer_echoes_none_of_the_guests_keys() {
    let node = service(config());
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let wasm = wat::parse_str(KEYS_AS_DATA).expect("valid WAT");
    let (request, key, _) = agent.seal_bytes(wasm, b"", NOW_MS, pb::RequestedLimits::default());
    let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
    let answer = result(&responses, &key);
    assert_eq!(answer.outcome, pb::Outcome::EgressBlocked as i32);
    // `P000000001` is also a patient id of the dataset: its value index sees it.
    assert_eq!(
        answer.egress.as_ref().unwrap().categories,
        ["pii", "restricted_value"]
    );
    // Neither the sealed answer nor anything that travelled in the clear holds a byte of the
    // guest's keys.
    let opened = answer.encode_to_vec();
    assert!(!contains(&opened, b"$."), "no JSON path");
    // Long enough that ciphertext never holds them by chance (a two-byte `$.` would, in one
    // run of fifty).
    for secret in [
        &b"P000000001"[..],
        b"123-45-6789",
        b"Jane",
        b"SECRET-ROW-42",
    ] {
        assert!(
            !contains(&opened, secret),
            "{}",
            String::from_utf8_lossy(secret)
        );
        for response in &responses {
            assert!(!contains(&response.encode_to_vec(), secret));
        }
    }
}

#[tokio::test]
async fn exit_codes_fuel_memory_and_time_reach_the_owner_not_the_agent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("audit.jsonl");
    let mut config = config();
    config.audit_log = Some(log.clone());
    config.node.sandbox.limits.fuel = Some(1_000_000_000);
    let node = service(config);
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let wasm = wat::parse_str(SIDE_CHANNELS).expect("valid WAT");
    let mut seen = Vec::new();
    for secret in [3u8, 100] {
        let limits = pb::RequestedLimits::default();
        let (request, key, _) = agent.seal_bytes(wasm.clone(), &[secret], NOW_MS, limits);
        let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
        assert_eq!(stages(&responses).last(), Some(&pb::Stage::Running));
        // On the wire: the request id and a sealed blob, nothing else.
        let Some(Event::Result(sealed)) = &responses.last().unwrap().event else {
            panic!("a result");
        };
        assert_eq!(
            *sealed,
            pb::LogicResult {
                sealed: sealed.sealed.clone()
            }
        );
        let mut answer = result(&responses, &key);
        assert_eq!(answer.outcome, pb::Outcome::ExitedNonzero as i32);
        assert_eq!(answer.stdout, b"{\"answer\":1}\n");
        let receipt = answer.receipt.take().expect("receipt");
        let mut body = nmp_crypto::receipt::verify(&receipt, &Default::default()).unwrap();
        // What differs between the two runs by construction: the request and its input.
        body.request_id.clear();
        body.input_sha256.clear();
        seen.push((answer, body));
    }
    assert_eq!(
        seen[0], seen[1],
        "the agent's view does not depend on the secret"
    );
    // WASI refuses exit statuses from 126 up: the guest traps, and the agent learns only that.
    let limits = pb::RequestedLimits::default();
    let (request, key, _) = agent.seal_bytes(wasm, &[200], NOW_MS, limits);
    let answer = result(&collect(node.execute(request, LOCAL, NOW_MS)).await, &key);
    assert_eq!(answer.outcome, pb::Outcome::Trapped as i32);

    let entries: Vec<audit::Entry> = std::fs::read_to_string(&log)
        .expect("the node keeps its audit log")
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).expect("json line");
            serde_json::from_value(line["entry"].clone()).expect("an entry")
        })
        .collect();
    let runs: Vec<_> = entries
        .iter()
        .map(|e| e.run.clone().expect("ran"))
        .collect();
    assert_eq!(runs[0].exit_code, Some(3));
    assert_eq!(runs[1].exit_code, Some(100));
    assert!(runs[1].fuel_consumed > runs[0].fuel_consumed);
    assert!(runs[1].peak_memory_bytes > runs[0].peak_memory_bytes);
    assert_eq!(entries[2].outcome, "trapped");
    assert!(!runs[2].detail.is_empty(), "the owner sees which trap");
    let file = std::fs::File::open(&log).expect("log");
    let summary = audit::verify(std::io::BufReader::new(file), None).expect("the log verifies");
    assert_eq!(summary.entries, 3);
}

#[tokio::test]
async fn a_quantised_capability_releases_results_on_its_boundaries() {
    let mut config = config();
    let quantum = std::time::Duration::from_millis(300);
    config.datasets[0].response_quantum = Some(quantum);
    let node = service(config);
    let signed = node.describe(NOW_MS);
    let document = nmp_crypto::capability::verify(&signed, None, NOW_MS).expect("verifies");
    let policy = document.policy.expect("a policy");
    assert_eq!(policy.response_quantum_ms.get(CAPABILITY), Some(&300));
    assert_eq!(policy.budget_per_day, 10_000);
    let mut agent = Agent::new(1, &signed);
    for module in ["wat/hello.wasm", "c/aggregate.wasm"] {
        let (request, key, _) = agent.seal(module, b"");
        let started = std::time::Instant::now();
        let responses = collect(node.execute(request, LOCAL, NOW_MS)).await;
        let elapsed = started.elapsed();
        assert_eq!(
            result(&responses, &key).outcome,
            pb::Outcome::Completed as i32
        );
        // Not a timing assertion on the node's speed: the result may not arrive before the
        // first boundary, whatever the run took.
        assert!(elapsed >= quantum, "{module}: {elapsed:?}");
    }
}
