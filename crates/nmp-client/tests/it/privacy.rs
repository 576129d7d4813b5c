//! The data owner's privacy controls (issue 13) through a real Data Node on 127.0.0.1 (gRPC),
//! driven by the SDK: the module is an echo, so the output is whatever a hostile module would
//! write, and only the node's controls stand between it and the agent.

use std::{path::Path, time::Duration};

use nmp_client::{Error, GrpcNode, Logic, NmpClient, Outcome};
use nmp_crypto::Identity;
use nmp_node::{Node, config::File};

use crate::{DEADLINE, ledger};

/// Copies up to 4 KiB of stdin to stdout: a module that writes anything it is told to.
const ECHO: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 4096))
    (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))
    (i32.store (i32.const 4) (i32.load (i32.const 16)))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))"#;

/// Groups by branch, each with an integer count and nothing else.
const SCHEMA: &str = r#"{
  "type": "object", "required": ["groups"], "additionalProperties": false,
  "properties": {"groups": {"type": "object", "additionalProperties": {
    "type": "object", "required": ["count"], "additionalProperties": false,
    "properties": {"count": {"type": "integer", "minimum": 0}}}}}
}"#;

/// Four capabilities over one small ledger, each with its own controls.
const PRIVACY: &str = r#"
[[datasets]]
name = "shaped"
path = "ledger"
capability = "test/shaped"
[datasets.privacy]
schema = "schema.json"
min_group_size = 3
[datasets.privacy.budget]
window_secs = 3600
queries = 100

[[datasets]]
name = "strict"
path = "ledger"
capability = "test/strict"
[datasets.privacy]
min_group_size = 3
small_groups = "block"
order_statistics_refused = ["amount"]

[[datasets]]
name = "daily"
path = "ledger"
capability = "test/daily"
[datasets.privacy.budget]
window_secs = 3600
queries = 2
bytes = 40

[[datasets]]
name = "brief"
path = "ledger"
capability = "test/brief"
[datasets.privacy.budget]
window_secs = 4
queries = 1

[[datasets]]
name = "noisy"
path = "ledger"
capability = "test/noisy"
[[datasets.privacy.noise]]
pointer = "/total"
lower = 0.0
upper = 1000.0
sensitivity = 1.0
epsilon = 0.5
[datasets.privacy.budget]
window_secs = 3600
epsilon = 1.0
"#;

/// Starts (or restarts) the node of `dir` with `identity` on gRPC only.
async fn start(dir: &Path, identity: &Identity) -> Node {
    let text = format!("identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\n{PRIVACY}");
    Node::start(identity.clone(), &File::parse(&text).unwrap(), dir)
        .await
        .unwrap()
}

fn prepare(dir: &Path) -> Identity {
    let identity = Identity::generate();
    identity.save(&dir.join("node.key")).unwrap();
    ledger(dir, 6);
    std::fs::write(dir.join("schema.json"), SCHEMA).unwrap();
    identity
}

async fn agent() -> NmpClient {
    NmpClient::builder()
        .execute_timeout(Duration::from_secs(60))
        .connect()
        .await
        .unwrap()
}

async fn connect(agent: &NmpClient, node: &Node) -> GrpcNode {
    let endpoint = node.grpc_endpoint().unwrap();
    agent.connect_grpc(&endpoint, None).await.unwrap()
}

fn echo(capability: &str, output: &str) -> Logic {
    let wasm = wat::parse_str(ECHO).unwrap();
    Logic::new(capability, wasm).with_input(output.as_bytes().to_vec())
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_k_and_order_statistics_hold_and_receipts_name_the_settings() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let identity = prepare(dir.path());
        let node = start(dir.path(), &identity).await;
        let me = agent().await;
        let grpc = connect(&me, &node).await;

        // The document announces the controls.
        let provider = grpc.provider();
        let announced = provider
            .dataset("test/shaped")
            .unwrap()
            .privacy
            .clone()
            .unwrap();
        assert_eq!(announced.min_group_size, Some(3));
        assert_eq!(announced.small_groups, "suppress");
        assert_eq!(
            json(announced.schema_json.as_bytes()),
            json(SCHEMA.as_bytes())
        );
        let strict = provider
            .dataset("test/strict")
            .unwrap()
            .privacy
            .clone()
            .unwrap();
        assert_eq!(strict.order_statistics_refused, ["amount"]);
        assert!(provider.dataset("test/daily").unwrap().privacy.is_some());

        // Off the declared schema: blocked, nothing leaves.
        let off = r#"{"groups":{"b0":{"count":5,"name":"Ann Lee"}}}"#;
        let answer = grpc.execute(&echo("test/shaped", off)).await.unwrap();
        assert_eq!(answer.outcome, Outcome::PrivacyBlocked);
        assert!(answer.output.is_empty() && answer.stderr.is_empty());
        let applied = answer.privacy();
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].dataset, "shaped");
        assert_eq!(applied[0].settings_digest, announced.settings_digest);
        assert_eq!(applied[0].queries_charged, 1);
        assert_eq!(applied[0].bytes_charged, 0);

        // A group below k is suppressed; the rest leaves.
        let small = r#"{"groups":{"b0":{"count":5},"b1":{"count":1}}}"#;
        let answer = grpc.execute(&echo("test/shaped", small)).await.unwrap();
        assert_eq!(answer.outcome, Outcome::Completed);
        assert_eq!(
            json(&answer.output),
            serde_json::json!({"groups": {"b0": {"count": 5}}})
        );
        let standing = answer.privacy()[0].standing.unwrap();
        assert_eq!(standing.queries_spent, 2);
        assert_eq!(standing.queries_remaining, Some(98));

        // Under "block", a small group blocks the whole output.
        let small = r#"{"groups":[{"count":5},{"count":2}]}"#;
        let answer = grpc.execute(&echo("test/strict", small)).await.unwrap();
        assert_eq!(answer.outcome, Outcome::PrivacyBlocked);
        assert!(answer.output.is_empty());

        // An order statistic over a refused column is refused; a mean is not.
        for order in [r#"{"max_amount":105}"#, r#"{"amount":{"p50":102}}"#] {
            let answer = grpc.execute(&echo("test/strict", order)).await.unwrap();
            assert_eq!(answer.outcome, Outcome::PrivacyBlocked, "{order}");
        }
        let mean = r#"{"mean_amount":102.5}"#;
        let answer = grpc.execute(&echo("test/strict", mean)).await.unwrap();
        assert_eq!(answer.outcome, Outcome::Completed);
        assert_eq!(json(&answer.output)["mean_amount"], 102.5);
        // No budget on this dataset: the receipt names the settings, no standing.
        assert_eq!(answer.privacy()[0].settings_digest, strict.settings_digest);
        assert!(answer.privacy()[0].standing.is_none());

        // The owner's audit log keeps why each output was blocked.
        let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        for reason in [
            "shaped: schema",
            "strict: small_group",
            "strict: order_statistic",
        ] {
            assert!(audit.contains(reason), "{reason} not in the audit log");
        }
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

/// The time to the next multiple of `window_ms` since the Unix epoch, plus 50 ms.
fn until_next(window_ms: u64) -> Duration {
    let now = nmp_wire::now_ms();
    Duration::from_millis((now / window_ms + 1) * window_ms - now + 50)
}

fn exhausted(result: Result<nmp_client::Answer, Error>) -> u64 {
    match result {
        Err(Error::BudgetExhausted { renews_at_ms, .. }) => renews_at_ms,
        other => panic!("expected BUDGET_EXHAUSTED, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn budgets_refuse_renew_and_survive_a_restart() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let identity = prepare(dir.path());
        let node = start(dir.path(), &identity).await;
        let me = agent().await;
        let grpc = connect(&me, &node).await;

        // Two queries a window, then a typed refusal that says when the budget renews.
        for remaining in [1, 0] {
            let answer = grpc
                .execute(&echo("test/daily", "{\"n\":1}"))
                .await
                .unwrap();
            let standing = answer.privacy()[0].standing.unwrap();
            assert_eq!(standing.queries_remaining, Some(remaining));
        }
        let renews = exhausted(grpc.execute(&echo("test/daily", "{\"n\":1}")).await);
        let now = nmp_wire::now_ms();
        assert!(renews > now && renews <= now + 3_600_000, "{renews}");
        assert_eq!(renews % 3_600_000, 0);

        // Bytes: a first answer of 30 bytes fits the 40-byte budget of another agent; a second
        // one would not, and is discarded.
        let other = agent().await;
        let grpc_b = connect(&other, &node).await;
        let thirty = r#"{"padding":"xxxxxxxxxxxxxxxx"}"#;
        assert_eq!(thirty.len(), 30);
        let answer = grpc_b.execute(&echo("test/daily", thirty)).await.unwrap();
        assert_eq!(
            answer.privacy()[0].standing.unwrap().bytes_remaining,
            Some(10)
        );
        exhausted(grpc_b.execute(&echo("test/daily", thirty)).await);

        // A window of 4 s (starting at a boundary, so that both requests fall in one): refused,
        // then renewed once it ends.
        tokio::time::sleep(until_next(4_000)).await;
        grpc.execute(&echo("test/brief", "{}")).await.unwrap();
        let renews = exhausted(grpc.execute(&echo("test/brief", "{}")).await);
        assert_eq!(renews % 4_000, 0);
        tokio::time::sleep(until_next(4_000)).await;
        grpc.execute(&echo("test/brief", "{}")).await.unwrap();

        // The spend survives a restart of the node.
        node.shutdown().await;
        let node = start(dir.path(), &identity).await;
        let grpc = connect(&me, &node).await;
        exhausted(grpc.execute(&echo("test/daily", "{\"n\":1}")).await);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noise_is_added_by_the_node_and_an_averaging_attack_runs_out_of_epsilon() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let identity = prepare(dir.path());
        let node = start(dir.path(), &identity).await;
        let me = agent().await;
        let grpc = connect(&me, &node).await;

        // The module states the exact total; the node adds Laplace noise of scale 2 (ε 0.5,
        // sensitivity 1). Repeating the query to average the noise away spends ε 0.5 a time.
        let mut seen = Vec::new();
        for spent in [0.5, 1.0] {
            let answer = grpc
                .execute(&echo("test/noisy", r#"{"total":100}"#))
                .await
                .unwrap();
            assert_eq!(answer.outcome, Outcome::Completed);
            let total = json(&answer.output)["total"].as_f64().unwrap();
            // P(|Laplace(2)| > 60) = e^-30.
            assert!((total - 100.0).abs() < 60.0, "{total}");
            seen.push(total);
            let applied = &answer.privacy()[0];
            assert_eq!(applied.epsilon_charged, 0.5);
            let standing = applied.standing.unwrap();
            assert!((standing.epsilon_spent - spent).abs() < 1e-9);
        }
        // Both draws equal to the exact value has probability 0 on a continuous scale; the
        // noise is on a grid of 2^k, fine enough that two exact hits would mean no noise.
        assert!(seen.iter().any(|t| *t != 100.0), "{seen:?}");
        exhausted(grpc.execute(&echo("test/noisy", r#"{"total":100}"#)).await);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

/// The README's worked example: the demo hospital with a schema, `k` and an ε budget.
const HOSPITAL_SCHEMA: &str = r#"{
  "type": "object", "additionalProperties": false,
  "required": ["group_by", "files", "rows", "groups"],
  "properties": {
    "group_by": {"enum": ["diagnosis", "sex", "city"]},
    "files": {"type": "integer"},
    "rows": {"type": "integer"},
    "groups": {"type": "object", "maxProperties": 64,
      "propertyNames": {"pattern": "^[A-Za-z_ -]{1,32}$"},
      "additionalProperties": {"type": "object", "additionalProperties": false,
        "required": ["count"], "properties": {"count": {"type": "integer"}}}}
  }
}"#;

const HOSPITAL: &str = r#"
[datasets.privacy]
schema = "aggregate.schema.json"
min_group_size = 10
order_statistics_refused = ["age", "cost_usd"]

[[datasets.privacy.noise]]
pointer = "/groups/*/count"
lower = 0.0
upper = 200.0
sensitivity = 1.0
epsilon = 0.5

[[datasets.privacy.noise]]
pointer = "/rows"
lower = 0.0
upper = 10000.0
sensitivity = 1.0
epsilon = 0.1

[datasets.privacy.budget]
window_secs = 86400
queries = 50
epsilon = 1.8
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_hospital_honest_aggregate_passes_and_a_differencing_attack_runs_out_of_budget()
{
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let identity = Identity::generate();
        identity.save(&dir.path().join("node.key")).unwrap();
        std::fs::write(dir.path().join("aggregate.schema.json"), HOSPITAL_SCHEMA).unwrap();
        let text = format!(
            "identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\n\n[[datasets]]\nname = \"patients\"\n\
             path = \"{}\"\ncapability = \"demo.hospital/patients\"\n{HOSPITAL}",
            crate::example("data").display()
        );
        let file = File::parse(&text).unwrap();
        let node = Node::start(identity.clone(), &file, dir.path())
            .await
            .unwrap();
        let me = agent().await;
        let grpc = connect(&me, &node).await;
        let honest = Logic::new("demo.hospital/patients", crate::module("c/aggregate.wasm"))
            .with_input(br#"{"group_by":"diagnosis","metric":[]}"#.to_vec());

        // The honest aggregate passes, noised: rows and every group's count (groups below 10
        // would be suppressed). It spends ε 0.6 of the day's 1.8.
        let answer = grpc.execute(&honest).await.unwrap();
        assert_eq!(answer.outcome, Outcome::Completed);
        let out = json(&answer.output);
        let rows = out["rows"].as_f64().unwrap();
        assert!((rows - 200.0).abs() < 200.0, "{rows}");
        assert!(!out["groups"].as_object().unwrap().is_empty());
        for (key, group) in out["groups"].as_object().unwrap() {
            assert!(group["count"].is_number(), "{key}");
        }
        assert!((answer.privacy()[0].epsilon_charged - 0.6).abs() < 1e-12);

        // A differencing attack: a module that counts everyone, then everyone but Alice (the
        // echo states the two exact answers a module computing them would write). Each answer
        // gets the node's noise (scale 10 on `rows`), which buries the difference of one.
        let differencing = |rows: u32| {
            echo(
                "demo.hospital/patients",
                &format!(r#"{{"group_by":"diagnosis","files":1,"rows":{rows},"groups":{{}}}}"#),
            )
        };
        let mut noisy = Vec::new();
        for rows in [200, 199] {
            let answer = grpc.execute(&differencing(rows)).await.unwrap();
            assert_eq!(answer.outcome, Outcome::Completed);
            noisy.push(json(&answer.output)["rows"].as_f64().unwrap());
        }
        assert_ne!(noisy, [200.0, 199.0], "no noise on the attack's answers");
        let standing = grpc.budget("demo.hospital/patients").await.unwrap()[0]
            .standing
            .unwrap();
        assert!(standing.epsilon_remaining.unwrap() < 1e-9);

        // Repeating the pair to average the noise away is refused until the day's window ends,
        // also after a restart of the node.
        let renews = exhausted(grpc.execute(&differencing(200)).await);
        assert_eq!(renews % 86_400_000, 0);
        node.shutdown().await;
        let node = Node::start(identity, &file, dir.path()).await.unwrap();
        let grpc = connect(&me, &node).await;
        assert_eq!(exhausted(grpc.execute(&differencing(199)).await), renews);
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_sees_its_own_budget_without_a_run_and_only_its_own() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let identity = prepare(dir.path());
        // Five requests a day per agent, budget queries included.
        let text =
            format!("identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\n[policy]\nbudget_per_day = 5\n{PRIVACY}");
        let node = Node::start(identity, &File::parse(&text).unwrap(), dir.path())
            .await
            .unwrap();
        let me = agent().await;
        // Per-request envelopes: opening a session would spend one more of the five.
        let grpc = connect(&me, &node).await.without_sessions();
        let digest = |capability: &str| {
            let provider = grpc.provider();
            let privacy = provider.dataset(capability).unwrap().privacy.clone();
            privacy.unwrap().settings_digest
        };

        // Before any run: the whole budget, renewing at the next hour; nothing charged.
        let budget = grpc.budget("test/daily").await.unwrap();
        assert_eq!(budget.len(), 1);
        assert_eq!(budget[0].dataset, "daily");
        assert_eq!(budget[0].settings_digest, digest("test/daily"));
        assert_eq!(
            (budget[0].queries_charged, budget[0].bytes_charged),
            (0, 0)
        );
        let fresh = budget[0].standing.unwrap();
        assert_eq!(fresh.queries_spent, 0);
        assert_eq!(fresh.queries_remaining, Some(2));
        assert_eq!(fresh.bytes_remaining, Some(40));
        assert_eq!(fresh.renews_at_ms % 3_600_000, 0);
        assert!(fresh.renews_at_ms > nmp_wire::now_ms());

        // A run spends; the next query shows it, and asking again charges nothing.
        grpc.execute(&echo("test/daily", "{\"n\":1}")).await.unwrap();
        let after = grpc.budget("test/daily").await.unwrap()[0].standing.unwrap();
        assert_eq!(after.queries_remaining, Some(1));
        assert_eq!(after.bytes_remaining, Some(40 - 7));
        assert_eq!(after.renews_at_ms, fresh.renews_at_ms);

        // Another agent sees its own untouched budget, never this agent's spend.
        let other = agent().await;
        let theirs = connect(&other, &node).await.budget("test/daily").await.unwrap();
        assert_eq!(theirs[0].standing.unwrap(), fresh);

        // A dataset with controls but no per-agent budget: the settings, no standing.
        let strict = grpc.budget("test/strict").await.unwrap();
        assert_eq!(strict[0].settings_digest, digest("test/strict"));
        assert!(strict[0].standing.is_none());

        // Budget queries count against the agent's requests like runs: the sixth is refused.
        grpc.budget("test/daily").await.unwrap();
        let limited = grpc.budget("test/daily").await;
        assert!(
            matches!(
                limited,
                Err(Error::Node {
                    code: nmp_wire::pb::ErrorCode::RateLimited,
                    ..
                })
            ),
            "{limited:?}"
        );
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
