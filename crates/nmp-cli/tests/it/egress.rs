use crate::{assert_usage_error, nmp, status};

#[test]
fn clean_payload_passes_with_exit_0() {
    let out = nmp(
        &["egress", "scan"],
        br#"{"groups":{"asthma":{"count":28,"mean_age":33.29}}}"#,
    );
    assert_eq!(status(&out), 0);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn private_data_is_blocked_with_exit_3_and_no_value_in_the_report() {
    let out = nmp(
        &["egress", "scan"],
        br#"{"contact":"jane.doe@hospital.org"}"#,
    );
    assert_eq!(status(&out), 3);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("pii.email"), "{text}");
    assert!(
        !text.contains("jane.doe"),
        "the report must never carry the value: {text}"
    );
}

#[test]
fn restricted_keys_flag_adds_keys() {
    let payload = br#"{"mrn":"12345","ward_code":"B7"}"#;
    assert_eq!(
        status(&nmp(
            &["egress", "scan", "--restricted-keys", "wardCode"],
            payload
        )),
        3
    );
}

#[test]
fn redact_mode_replaces_hits_and_is_byte_identical_when_clean() {
    let out = nmp(
        &["egress", "scan", "--mode", "redact"],
        br#"{"a":"jane.doe@hospital.org","n":3}"#,
    );
    assert_eq!(status(&out), 0);
    assert_eq!(out.stdout, br#"{"a":"[REDACTED:email]","n":3}"#);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pii.email"),
        "report on stderr"
    );

    let clean = b"{ \"n\" : 3 }\n";
    let out = nmp(&["egress", "scan", "--mode", "redact"], clean);
    assert_eq!(status(&out), 0);
    assert_eq!(out.stdout, clean);
}

#[test]
fn config_file_sets_mode_and_bad_config_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("egress.toml");
    std::fs::write(
        &good,
        "mode = \"redact\"\nallowlist = [\"ops@example.com\"]\n",
    )
    .unwrap();
    let out = nmp(
        &["egress", "scan", "--config", good.to_str().unwrap()],
        br#"{"a":"ops@example.com"}"#,
    );
    assert_eq!(status(&out), 0);
    assert_eq!(out.stdout, br#"{"a":"ops@example.com"}"#);

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "mode = \"shred\"\n").unwrap();
    assert_usage_error(&nmp(
        &["egress", "scan", "--config", bad.to_str().unwrap()],
        b"{}",
    ));
    assert_usage_error(&nmp(&["egress", "scan", "--mode", "shred"], b"{}"));
    // A missing subcommand is one line and status 2, not a page of help.
    assert_usage_error(&nmp(&["egress"], b""));
    assert_usage_error(&nmp(&[], b""));
}
