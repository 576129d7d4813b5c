use std::io::{BufReader, Write as _};

use super::*;

fn entry(outcome: &str) -> Entry {
    Entry {
        request_id: "00".repeat(16),
        agent: Identity::generate().peer_id().to_base58(),
        capability: "demo/patients".to_owned(),
        outcome: outcome.to_owned(),
        run: Some(Run {
            exit_code: Some(17),
            fuel_consumed: Some(123_456),
            ..Run::default()
        }),
        ..Entry::default()
    }
}

fn check(path: &Path, node: Option<&nmp_crypto::PeerId>) -> Result<Summary, VerifyError> {
    verify(BufReader::new(File::open(path).expect("log exists")), node)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("log exists")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn rewrite(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").expect("writable");
}

#[test]
fn a_log_chains_across_reopening_and_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    let node = Identity::generate();
    let log = AuditLog::open(&path, node.clone()).expect("opens");
    log.append(entry("completed")).expect("appends");
    log.append(entry("trapped")).expect("appends");
    drop(log);
    let log = AuditLog::open(&path, node.clone()).expect("reopens");
    log.append(entry("egress_blocked")).expect("appends");
    let summary = check(&path, Some(&node.peer_id())).expect("valid");
    assert_eq!(summary.entries, 3);
    assert_eq!(summary.node, Some(node.peer_id().to_base58()));
    let last: serde_json::Value = serde_json::from_str(&lines(&path)[2]).expect("json");
    assert_eq!(last["entry"]["seq"], 2);
    assert_eq!(last["entry"]["run"]["exit_code"], 17);
}

#[test]
fn edits_removals_and_reordering_break_the_log_where_they_happen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    let node = Identity::generate();
    let log = AuditLog::open(&path, node.clone()).expect("opens");
    for outcome in ["completed", "trapped", "timed_out"] {
        log.append(entry(outcome)).expect("appends");
    }
    let original = lines(&path);

    let mut edited = original.clone();
    edited[1] = edited[1].replace("\"exit_code\":17", "\"exit_code\":0");
    rewrite(&path, &edited);
    assert!(matches!(
        check(&path, None),
        Err(VerifyError::BadSignature { line: 2 })
    ));

    rewrite(&path, &[original[0].clone(), original[2].clone()]);
    assert!(matches!(
        check(&path, None),
        Err(VerifyError::Sequence { line: 2, .. })
    ));

    rewrite(&path, &[original[1].clone(), original[0].clone()]);
    assert!(matches!(
        check(&path, None),
        Err(VerifyError::Sequence { line: 1, .. })
    ));

    let other = Identity::generate().peer_id();
    rewrite(&path, &original);
    assert!(matches!(
        check(&path, Some(&other)),
        Err(VerifyError::WrongNode { line: 1, .. })
    ));
    assert!(check(&path, None).is_ok());
}

#[test]
fn a_torn_or_foreign_tail_is_refused_at_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    let node = Identity::generate();
    AuditLog::open(&path, node.clone())
        .expect("opens")
        .append(entry("completed"))
        .expect("appends");
    assert!(matches!(
        AuditLog::open(&path, Identity::generate()),
        Err(Error::BadTail { .. })
    ));
    let mut file = OpenOptions::new().append(true).open(&path).expect("opens");
    file.write_all(br#"{"entry":{"seq":1"#).expect("writes");
    assert!(matches!(
        AuditLog::open(&path, node),
        Err(Error::BadTail { .. })
    ));
    assert!(matches!(
        check(&path, None),
        Err(VerifyError::Torn { line: 2 })
    ));
}

#[test]
fn the_largest_entry_fits_in_a_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("audit.jsonl");
    let node = Identity::generate();
    let log = AuditLog::open(&path, node.clone()).expect("opens");
    let mut big = entry("egress_blocked");
    // Control characters cost six bytes each once JSON-escaped: the worst a guest's key can do.
    let finding = Finding {
        category: "pii".to_owned(),
        rule: "email".to_owned(),
        path: "\u{1}".repeat(10_000),
        span: Some([u64::MAX, u64::MAX]),
        decoded_via: vec!["base64".to_owned(); 100],
    };
    big.findings = vec![finding; 10_000];
    big.capability = "\u{1}".repeat(256);
    log.append(big).expect("appends");
    let line = &lines(&path)[0];
    assert!(line.len() <= MAX_LINE_BYTES, "{} bytes", line.len());
    let parsed: serde_json::Value = serde_json::from_str(line).expect("json");
    assert_eq!(parsed["entry"]["findings_total"], 10_000);
    assert_eq!(
        parsed["entry"]["findings"].as_array().map(Vec::len),
        Some(MAX_FINDINGS)
    );
    assert_eq!(
        check(&path, Some(&node.peer_id())).expect("valid").entries,
        1
    );
}
