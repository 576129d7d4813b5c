//! TEE receipts (issue 15) through a real Data Node on 127.0.0.1 (gRPC): the node's
//! `[attestation] command` is a shell script standing in for a hardware quote tool, and the
//! evidence it returns is a SYNTHETIC SEV-SNP report signed by the test CA of
//! `nmp_attest::testing` (not AMD's keys: it proves nothing about hardware, only that every
//! check between the node's keys and the agent's receipt is wired). The test plays the
//! hardware: it reads the REPORTDATA the node handed the script and signs a report over it.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use nmp_attest::{AllowList, Binding, Policy, testing};
use nmp_client::{Error, GrpcNode, Logic, NmpClient, Outcome};
use nmp_crypto::{Identity, KemKeyPair, receipt};
use nmp_node::{Node, config::File};
use nmp_wire::pb;
use prost::Message as _;

use crate::{DEADLINE, ledger};

/// The launch measurement of the synthetic guest.
const MEASUREMENT: [u8; 48] = [0x42; 48];

/// Hands the node's REPORTDATA to the test and prints the evidence the test writes back.
const QUOTE_SCRIPT: &str = r#"#!/bin/sh
set -eu
dir="$(dirname "$0")"
printf '%s' "$NMP_ATTEST_REPORT_DATA" > "$dir/request.tmp"
mv "$dir/request.tmp" "$dir/request"
i=0
while [ ! -f "$dir/response" ]; do
  i=$((i + 1))
  [ "$i" -le 400 ] || exit 1
  sleep 0.05
done
cat "$dir/response"
rm -f "$dir/response"
"#;

/// What the stand-in hardware signs.
#[derive(Debug, Clone, Copy)]
enum Evidence {
    /// The REPORTDATA the node asked for.
    Honest,
    /// Other REPORTDATA: evidence that binds other keys than the node's.
    Unbound,
}

/// Answers the script's requests in `dir` until the test ends.
fn hardware(dir: PathBuf, evidence: Evidence) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let request = dir.join("request");
        loop {
            if let Ok(text) = std::fs::read_to_string(&request) {
                std::fs::remove_file(&request).unwrap();
                let mut report_data: [u8; 64] = hex::decode(text).unwrap().try_into().unwrap();
                if let Evidence::Unbound = evidence {
                    report_data[0] ^= 1;
                }
                // The wire fields the node fills in itself (nonce, KEM key) are placeholders.
                let kem = KemKeyPair::from_seeds(&[1; 32], &[1; 64]).public_key(0);
                let placeholder = Binding::new(&Identity::generate().peer_id(), &kem, [0; 32]);
                let wire =
                    testing::snp_with_report_data(&placeholder.unwrap(), MEASUREMENT, report_data);
                std::fs::write(dir.join("response.tmp"), wire.encode_to_vec()).unwrap();
                std::fs::rename(dir.join("response.tmp"), dir.join("response")).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
}

const DATASET: &str = r#"
[attestation]
kind = "sev-snp"
command = ["sh", "QUOTE"]

[[datasets]]
name = "ledger"
path = "ledger"
capability = "test/tee"
[datasets.privacy.budget]
window_secs = 3600
queries = 10
"#;

/// Starts a node in `dir` whose attestation command is the stand-in script.
async fn start(dir: &Path, evidence: Evidence) -> (Node, tokio::task::JoinHandle<()>) {
    let identity = Identity::generate();
    identity.save(&dir.join("node.key")).unwrap();
    ledger(dir, 6);
    let script = dir.join("quote.sh");
    std::fs::write(&script, QUOTE_SCRIPT).unwrap();
    let hardware = hardware(dir.to_owned(), evidence);
    let text = format!(
        "identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\n{}",
        DATASET.replace("QUOTE", &script.display().to_string())
    );
    let node = Node::start(identity, &File::parse(&text).unwrap(), dir)
        .await
        .unwrap();
    (node, hardware)
}

/// The agent's policy: the synthetic CA's roots, and `measurement` allowed.
fn policy(measurement: u8) -> Policy {
    let entry = format!("sev-snp:measurement={}", hex::encode([measurement; 48]));
    Policy {
        roots: testing::roots(),
        ..Policy::allow(AllowList::new([entry.parse().unwrap()]))
    }
}

async fn agent(tee: Option<Policy>) -> NmpClient {
    let mut builder = NmpClient::builder().execute_timeout(Duration::from_secs(60));
    if let Some(policy) = tee {
        builder = builder.tee_policy(policy);
    }
    builder.connect().await.unwrap()
}

async fn connect(agent: &NmpClient, node: &Node) -> Result<GrpcNode, Error> {
    agent
        .connect_grpc(&node.grpc_endpoint().unwrap(), None)
        .await
}

fn hello() -> Logic {
    let wasm = wat::parse_str(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write"
            (func $write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1 1)
          (data (i32.const 16) "{\"n\":1}")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 7))
            (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    Logic::new("test/tee", wasm)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attested_node_issues_tee_receipts_that_verify_only_with_the_attestation() {
    tokio::time::timeout(DEADLINE, async {
        let dir = tempfile::tempdir().unwrap();
        let (node, hardware) = start(dir.path(), Evidence::Honest).await;

        // The agent checks the attestation before sealing; the node signs a TEE receipt
        // carrying the attestation that binds the key the request was sealed to.
        let me = agent(Some(policy(0x42))).await;
        let grpc = connect(&me, &node).await.unwrap();
        let attested = grpc.provider().attested.unwrap();
        assert_eq!(attested.kind(), nmp_attest::Kind::SevSnp);
        let answer = grpc.execute(&hello()).await.unwrap();
        assert_eq!(answer.outcome, Outcome::Completed);
        assert_eq!(answer.output, b"{\"n\":1}");
        assert_eq!(answer.receipt.kind, pb::ReceiptKind::Tee as i32);
        assert_eq!(answer.receipt_body.kind, pb::ReceiptKind::Tee as i32);
        let carried = answer.receipt.attestation.clone().unwrap();
        assert_eq!(
            Some(&carried),
            grpc.provider().document.attestation.as_ref()
        );

        // The receipt verifies only together with the verified attestation.
        let expected = |attested| receipt::Expected {
            node: Some(&answer.peer),
            attested,
            ..receipt::Expected::default()
        };
        receipt::verify(&answer.receipt, &expected(Some(&attested))).unwrap();
        assert_eq!(
            receipt::verify(&answer.receipt, &expected(None)),
            Err(receipt::VerifyError::UnsupportedKind(
                pb::ReceiptKind::Tee as i32
            ))
        );
        let mut swapped = answer.receipt.clone();
        swapped.attestation.as_mut().unwrap().document[0x50] ^= 1;
        assert_eq!(
            receipt::verify(&swapped, &expected(Some(&attested))),
            Err(receipt::VerifyError::AttestationMismatch)
        );

        // The budget query is a TEE exchange too, and charges nothing.
        let standing = |applied: Vec<pb::PrivacyApplied>| applied[0].standing.unwrap();
        let before = standing(grpc.budget("test/tee").await.unwrap());
        assert_eq!(before.queries_remaining, Some(9));
        assert_eq!(standing(grpc.budget("test/tee").await.unwrap()), before);

        // An agent without a TEE policy asks for, and gets, a signed receipt.
        let plain = agent(None).await;
        let answer = connect(&plain, &node)
            .await
            .unwrap()
            .execute(&hello())
            .await
            .unwrap();
        assert_eq!(answer.receipt.kind, pb::ReceiptKind::Signed as i32);
        assert!(answer.receipt.attestation.is_none());

        // A measurement the agent does not allow: refused before anything is sealed.
        let strict = agent(Some(policy(0x43))).await;
        let refused = connect(&strict, &node).await;
        assert!(
            matches!(&refused, Err(Error::Attestation { source, .. })
                if matches!(**source, nmp_attest::Error::NotAllowed(_))),
            "{refused:?}"
        );
        node.shutdown().await;
        hardware.abort();
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_that_binds_other_keys_is_refused_before_sealing() {
    tokio::time::timeout(DEADLINE, async {
        // The node publishes what its quote tool printed (it does not verify vendor
        // evidence); the agent finds the signed REPORTDATA is not the node's keys.
        let dir = tempfile::tempdir().unwrap();
        let (node, hardware) = start(dir.path(), Evidence::Unbound).await;
        let me = agent(Some(policy(0x42))).await;
        let refused = connect(&me, &node).await;
        assert!(
            matches!(&refused, Err(Error::Attestation { source, .. })
                if matches!(**source, nmp_attest::Error::BindingMismatch(_))),
            "{refused:?}"
        );
        // Nothing reached the node's pipeline: no request was audited.
        let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
        assert!(audit.is_empty(), "{audit}");
        node.shutdown().await;
        hardware.abort();

        // A node whose attestation file binds another key does not start.
        let dir = tempfile::tempdir().unwrap();
        let identity = Identity::generate();
        identity.save(&dir.path().join("node.key")).unwrap();
        ledger(dir.path(), 6);
        let kem = KemKeyPair::generate().public_key(u64::MAX);
        let binding = Binding::new(&identity.peer_id(), &kem, [7; 32]).unwrap();
        let stale = testing::snp(&binding, MEASUREMENT);
        std::fs::write(dir.path().join("attestation.pb"), stale.encode_to_vec()).unwrap();
        let text = DATASET.replace(
            "command = [\"sh\", \"QUOTE\"]",
            "document = \"attestation.pb\"",
        );
        let text = format!("identity = \"node.key\"\ngrpc = \"127.0.0.1:0\"\n{text}");
        let started = Node::start(identity, &File::parse(&text).unwrap(), dir.path()).await;
        assert!(
            matches!(started, Err(nmp_node::node::Error::Attestation(_))),
            "{:?}",
            started.err()
        );
    })
    .await
    .expect("within the deadline");
}
