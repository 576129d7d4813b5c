use crate::{assert_usage_error, example, nmp, status};

fn report(args: &[&str]) -> (i32, serde_json::Value) {
    let out = nmp(args, b"");
    let json = serde_json::from_slice(&out.stdout).expect("report is JSON");
    (status(&out), json)
}

#[test]
fn accepted_module_exits_0_with_a_json_report() {
    let path = example("c/aggregate.wasm");
    let (code, json) = report(&["inspect", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(json["verdict"], "accepted");
    assert_eq!(json["module_sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn import_escape_exits_4_and_names_the_import() {
    let path = example("wat/escape.wasm");
    let (code, json) = report(&["inspect", path.to_str().unwrap()]);
    assert_eq!(code, 4);
    assert_eq!(json["verdict"], "rejected");
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"forbidden_import"), "{codes:?}");
}

#[test]
fn garbage_bytes_are_a_rejection_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("empty.wasm", &b""[..]),
        ("junk.wasm", b"\0asm\x01\0\0\0\x01\xff\xff"),
        ("text.wasm", b"hello"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, json) = report(&["inspect", path.to_str().unwrap()]);
        assert_eq!(code, 4, "{name}");
        assert_eq!(json["verdict"], "rejected", "{name}");
    }
}

#[test]
fn missing_file_and_bad_arguments_exit_2_with_one_line() {
    assert_usage_error(&nmp(&["inspect", "/nonexistent/x.wasm"], b""));
    assert_usage_error(&nmp(&["inspect"], b""));
    assert_usage_error(&nmp(&["inspect", "a.wasm", "--bogus"], b""));
    assert_usage_error(&nmp(&["frobnicate"], b""));
}
