//! The composed pipeline on the bundled example logic and dataset: each stage stops what it
//! must, and the receipt binds what ran and what left.

mod admission;
mod agent;
mod cancel;
mod channels;
mod clocks;
mod compile_bomb;
mod config;
mod grpc;
mod hostile;
mod inbound;
mod info;
mod kinds;
mod mesh;
mod metrics;
mod postgres;
mod recommit;
mod service;
mod shutdown;
mod sqlite;
mod values;

use std::path::{Path, PathBuf};

use nmp_crypto::{
    Identity,
    receipt::{self, Expected},
};
use nmp_node::{Dataset, Execution, Job, Outcome, Pipeline, PipelineConfig, receipt::Context};
use nmp_wire::pb;
use sha2::{Digest as _, Sha256};

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/logic")
        .join(path)
}

fn patients() -> Dataset {
    Dataset::new("patients", example("data")).expect("bundled dataset")
}

fn run(pipeline: &Pipeline, module: &str, input: &[u8]) -> (Vec<u8>, Execution) {
    let wasm = std::fs::read(example(module)).expect("bundled module");
    let datasets = [patients()];
    let job = Job {
        wasm: &wasm,
        input,
        datasets: &datasets,
        limits: None,
    };
    let execution = pipeline.execute(job).expect("pipeline runs");
    (wasm, execution)
}

/// Signs and verifies the receipt of `execution`, returning the verified body.
fn receipted(
    pipeline: &Pipeline,
    wasm: &[u8],
    input: &[u8],
    execution: &Execution,
) -> pb::ReceiptBody {
    let node = Identity::from_secret_bytes([7; 32]);
    let dataset = patients();
    let commitment = dataset.commitment().expect("commitment");
    let datasets = [dataset.clone()];
    let job = Job {
        wasm,
        input,
        datasets: &datasets,
        limits: None,
    };
    let context = Context {
        request_id: &[1; 16],
        capability: "demo.hospital/patients",
        agent_peer_id: &[],
        datasets: &[(&dataset, commitment)],
        issued_at_ms: 1_700_000_000_000,
    };
    let signed = receipt::sign(&node, &pipeline.receipt_body(&job, execution, &context));
    let expected = Expected {
        node: Some(&node.peer_id()),
        module_sha256: Some(Sha256::digest(wasm).into()),
        input_sha256: None,
        output: Some(execution.stdout().unwrap_or_default()),
        attested: None,
    };
    receipt::verify(&signed, &expected).expect("receipt verifies")
}

#[test]
fn honest_aggregate_completes_and_its_receipt_binds_the_output() {
    let pipeline = Pipeline::new(&PipelineConfig::default()).unwrap();
    let (wasm, execution) = run(&pipeline, "c/aggregate.wasm", b"");
    assert_eq!(execution.outcome(), Outcome::Completed);
    let stdout = execution.stdout().expect("output may leave");
    let answer: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    assert_eq!(answer["rows"], 200);

    let body = receipted(&pipeline, &wasm, b"", &execution);
    assert_eq!(body.outcome, pb::Outcome::Completed as i32);
    assert_eq!(body.egress_verdict, pb::EgressVerdict::Pass as i32);
    assert_eq!(body.output_sha256, Sha256::digest(stdout).to_vec());
    assert_eq!(body.datasets.len(), 1);
    assert_eq!(body.datasets[0].name, "patients");
    assert_eq!(
        body.guardian_policy_digest,
        execution.guardian.policy_digest.as_bytes().to_vec()
    );
    assert_eq!(
        body.egress_rule_set_digest,
        pipeline.egress_rule_set_digest().to_vec()
    );
    assert_eq!(body.stderr_sha256, Sha256::digest(b"").to_vec());
    assert!(body.egress_categories.is_empty());
}

#[test]
fn exfiltration_is_blocked_and_nothing_leaves() {
    let pipeline = Pipeline::new(&PipelineConfig::default()).unwrap();
    for variant in [&b""[..], b"plain", b"base64", b"hex"] {
        let (wasm, execution) = run(&pipeline, "c/exfiltrate.wasm", variant);
        assert_eq!(execution.outcome(), Outcome::EgressBlocked, "{variant:?}");
        assert!(execution.stdout().is_none());
        assert!(execution.stderr().is_none());
        let body = receipted(&pipeline, &wasm, variant, &execution);
        assert_eq!(body.outcome, pb::Outcome::EgressBlocked as i32);
        assert_eq!(body.egress_verdict, pb::EgressVerdict::Blocked as i32);
        assert_eq!(body.output_sha256, Sha256::digest(b"").to_vec());
    }
}

#[test]
fn redact_mode_lets_the_redacted_output_leave() {
    let mut config = PipelineConfig::default();
    config.egress.mode = nmp_egress::Mode::Redact;
    let pipeline = Pipeline::new(&config).unwrap();
    let (wasm, execution) = run(&pipeline, "c/exfiltrate.wasm", b"plain");
    let stdout = execution.stdout().expect("redacted output leaves");
    let text = String::from_utf8_lossy(stdout);
    assert!(text.contains("[REDACTED:"), "{text}");
    assert!(
        !text.contains("@example."),
        "no email survives redaction: {text}"
    );
    let body = receipted(&pipeline, &wasm, b"plain", &execution);
    assert_eq!(body.egress_verdict, pb::EgressVerdict::Redacted as i32);
}

#[test]
fn import_escape_is_rejected_before_it_runs() {
    let pipeline = Pipeline::new(&PipelineConfig::default()).unwrap();
    let (wasm, execution) = run(&pipeline, "wat/escape.wasm", b"");
    assert_eq!(execution.outcome(), Outcome::Rejected);
    assert!(execution.run.is_none() && execution.egress.is_none());
    let body = receipted(&pipeline, &wasm, b"", &execution);
    assert_eq!(body.outcome, pb::Outcome::Rejected as i32);
    assert_eq!(body.egress_verdict, pb::EgressVerdict::NotRun as i32);
}

#[test]
fn runaway_loop_times_out() {
    let mut config = PipelineConfig::default();
    config.sandbox.limits.timeout = std::time::Duration::from_millis(200);
    let pipeline = Pipeline::new(&config).unwrap();
    let (_, execution) = run(&pipeline, "wat/spin.wasm", b"");
    assert_eq!(execution.outcome(), Outcome::TimedOut);
}

#[test]
fn every_example_ends_with_its_documented_outcome() {
    let pipeline = Pipeline::new(&PipelineConfig::default()).unwrap();
    let cases: [(&str, &[u8], Outcome); 4] = [
        ("wat/hello.wasm", b"abc", Outcome::Completed),
        (
            "assemblyscript/params.wasm",
            br#"{"values":[1,2,3],"op":"sum"}"#,
            Outcome::Completed,
        ),
        (
            "assemblyscript/params.wasm",
            b"{",
            Outcome::ExitedNonZero(1),
        ),
        (
            "c/aggregate.wasm",
            br#"{"group_by":"city"}"#,
            Outcome::Completed,
        ),
    ];
    for (module, input, want) in cases {
        let (_, execution) = run(&pipeline, module, input);
        assert_eq!(execution.outcome(), want, "{module}");
    }
}
