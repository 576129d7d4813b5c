use std::path::Path;

use crate::{arg, assert_usage_error, example, exec, nmp, status};

fn keygen(dir: &Path) -> (String, String) {
    let key = dir.join("node.key");
    let out = nmp(&["keygen", "--out", arg(&key)], b"");
    assert_eq!(status(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let peer = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned();
    assert!(
        peer.starts_with("12D3KooW"),
        "an Ed25519 PeerId, got {peer}"
    );
    (arg(&key).to_owned(), peer)
}

/// Runs `module` with `stdin`, writing a receipt signed by `key` to `receipt`.
fn exec_receipted(module: &Path, key: &str, receipt: &Path, stdin: &[u8]) -> std::process::Output {
    exec(module, &["--receipt", arg(receipt), "--key", key], stdin)
}

#[test]
fn keygen_never_overwrites_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = keygen(dir.path());
    assert_usage_error(&nmp(&["keygen", "--out", &key], b""));
}

#[test]
fn exec_receipt_verifies_against_output_node_module_and_input() {
    let dir = tempfile::tempdir().unwrap();
    let (key, peer) = keygen(dir.path());
    let receipt = dir.path().join("receipt.json");
    let wasm = example("c/aggregate.wasm");
    let out = exec_receipted(&wasm, &key, &receipt, b"");
    assert_eq!(status(&out), 0);
    let output = dir.path().join("output.json");
    std::fs::write(&output, &out.stdout).unwrap();

    let receipt = arg(&receipt);
    let ok = nmp(
        &[
            "verify",
            receipt,
            "--output",
            arg(&output),
            "--node",
            &peer,
            "--wasm",
            arg(&wasm),
        ],
        b"",
    );
    assert_eq!(status(&ok), 0, "{}", String::from_utf8_lossy(&ok.stderr));
    let line = String::from_utf8_lossy(&ok.stdout);
    assert!(line.contains("outcome completed"), "{line}");
    assert!(line.contains("(the expected node)"), "{line}");
    assert!(line.contains("input not checked, output checked"), "{line}");

    // The input that was sent (none: empty stdin) checks too; without --node the line says so.
    let empty = dir.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    let unpinned = nmp(&["verify", receipt, "--input", arg(&empty)], b"");
    assert_eq!(status(&unpinned), 0);
    let line = String::from_utf8_lossy(&unpinned.stdout);
    assert!(line.contains("signer not checked"), "{line}");
    assert!(line.contains("input checked"), "{line}");

    // Each expectation that does not hold is exit 7 with its reason.
    let other_output = dir.path().join("other.json");
    std::fs::write(&other_output, b"{\"rows\":0}").unwrap();
    assert_eq!(
        status(&nmp(
            &["verify", receipt, "--output", arg(&other_output)],
            b""
        )),
        7
    );
    let other_dir = tempfile::tempdir().unwrap();
    let (_, other_peer) = keygen(other_dir.path());
    assert_eq!(
        status(&nmp(&["verify", receipt, "--node", &other_peer], b"")),
        7
    );
    assert_eq!(
        status(&nmp(
            &["verify", receipt, "--input", arg(&other_output)],
            b""
        )),
        7
    );
    let other_wasm = example("wat/hello.wasm");
    assert_eq!(
        status(&nmp(&["verify", receipt, "--wasm", arg(&other_wasm)], b"")),
        7
    );
}

#[test]
fn tampered_or_garbage_receipts_exit_7() {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = keygen(dir.path());
    let receipt = dir.path().join("receipt.json");
    assert_eq!(
        status(&exec_receipted(
            &example("wat/hello.wasm"),
            &key,
            &receipt,
            b"hi"
        )),
        0
    );
    let text = std::fs::read_to_string(&receipt).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sig = json["signature_hex"].as_str().unwrap().to_owned();
    let flipped = format!(
        "{}{}",
        if sig.starts_with('0') { "1" } else { "0" },
        &sig[1..]
    );
    json["signature_hex"] = serde_json::Value::String(flipped);
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, json.to_string()).unwrap();
    assert_eq!(status(&nmp(&["verify", arg(&tampered)], b"")), 7);

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, b"not json at all").unwrap();
    assert_eq!(status(&nmp(&["verify", arg(&garbage)], b"")), 7);
    assert_usage_error(&nmp(&["verify", "/nonexistent/receipt.json"], b""));
    assert_usage_error(&nmp(
        &["verify", arg(&garbage), "--node", "not-a-peer"],
        b"",
    ));
}

#[test]
fn rejected_and_blocked_runs_are_receipted_too() {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = keygen(dir.path());
    for (module, want, outcome) in [
        ("wat/escape.wasm", 4, "rejected"),
        ("c/exfiltrate.wasm", 3, "egress_blocked"),
    ] {
        let receipt = dir.path().join(format!("{want}.json"));
        let wasm = example(module);
        assert_eq!(status(&exec_receipted(&wasm, &key, &receipt, b"")), want);
        let ok = nmp(&["verify", arg(&receipt), "--wasm", arg(&wasm)], b"");
        assert_eq!(status(&ok), 0);
        assert!(String::from_utf8_lossy(&ok.stdout).contains(&format!("outcome {outcome}")));
    }
}

#[test]
fn receipt_needs_a_key_and_a_bad_key_is_refused_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let hello = example("wat/hello.wasm");
    let receipt = dir.path().join("r.json");
    assert_usage_error(&exec(&hello, &["--receipt", arg(&receipt)], b""));
    let bad_key = dir.path().join("bad.key");
    std::fs::write(&bad_key, b"not a key").unwrap();
    assert_usage_error(&exec_receipted(&hello, arg(&bad_key), &receipt, b""));
    assert!(!receipt.exists());
}

#[test]
fn audit_verify_checks_the_chain_and_the_signer() {
    let dir = tempfile::tempdir().unwrap();
    let node = nmp_crypto::Identity::generate();
    let path = dir.path().join("audit.jsonl");
    let log = nmp_node::audit::AuditLog::open(&path, node.clone()).expect("opens");
    for outcome in ["completed", "egress_blocked"] {
        let entry = nmp_node::audit::Entry {
            outcome: outcome.to_owned(),
            ..Default::default()
        };
        log.append(entry).expect("appends");
    }
    let peer = node.peer_id().to_base58();
    let out = nmp(&["audit", "verify", arg(&path), "--node", &peer], b"");
    assert_eq!(status(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 entries"));

    let other = nmp_crypto::Identity::generate().peer_id().to_base58();
    let out = nmp(&["audit", "verify", arg(&path), "--node", &other], b"");
    assert_eq!(status(&out), 7);
    assert_usage_error(&nmp(&["audit", "verify", arg(&path), "--node", "x"], b""));

    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("egress_blocked", "completed")).unwrap();
    let out = nmp(&["audit", "verify", arg(&path)], b"");
    assert_eq!(status(&out), 7);
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn a_tee_receipt_needs_an_allow_list_and_an_attestation_from_a_vendor_root() {
    use nmp_attest::{Binding, testing};
    use nmp_crypto::{Identity, KemKeyPair, receipt};
    use nmp_wire::pb;

    // A TEE receipt whose attestation is a SYNTHETIC SEV-SNP report (test CA, not AMD's keys).
    let dir = tempfile::tempdir().unwrap();
    let node = Identity::generate();
    let kem = KemKeyPair::generate().public_key(u64::MAX);
    let now = nmp_wire::now_ms();
    let nonce = nmp_attest::time_nonce(now, [0; 24]);
    let attestation = testing::snp(
        &Binding::new(&node.peer_id(), &kem, nonce).unwrap(),
        [0x42; 48],
    );
    let body = pb::ReceiptBody {
        module_sha256: vec![0; 32],
        input_sha256: vec![0; 32],
        output_sha256: vec![0; 32],
        issued_at_ms: now,
        ..pb::ReceiptBody::default()
    };
    let signed = receipt::sign_attested(&node, &body, attestation);
    let path = dir.path().join("tee.json");
    std::fs::write(&path, receipt::to_json(&signed).to_string()).unwrap();

    let refused = |extra: &[&str], why: &str| {
        let mut args = vec!["verify", arg(&path)];
        args.extend_from_slice(extra);
        let out = nmp(&args, b"");
        assert_eq!(status(&out), 7);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(why), "{said}");
    };
    refused(&[], "give --tee-allow");
    // The real vendor roots do not include the synthetic CA.
    let allow = format!("sev-snp:measurement={}", "42".repeat(48));
    refused(&["--tee-allow", &allow], "attestation refused");
    assert_usage_error(&nmp(
        &[
            "verify",
            arg(&path),
            "--tee-allow",
            "sev-snp:measurement=42",
        ],
        b"",
    ));
}
