use crate::{arg, assert_usage_error, example, exec, status, wat_file};

const SPIN: &str =
    r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#;

#[test]
fn honest_aggregate_prints_its_answer_and_exits_0() {
    let out = exec(&example("c/aggregate.wasm"), &[], b"");
    assert_eq!(status(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON answer");
    assert_eq!(json["rows"], 200);
    assert_eq!(json["groups"]["diabetes"]["count"], 41);
}

#[test]
fn input_file_reaches_stdin() {
    let input = example("inputs/aggregate-by-city.json");
    let out = exec(&example("c/aggregate.wasm"), &["--input", arg(&input)], b"");
    assert_eq!(status(&out), 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["group_by"], "city");
}

#[test]
fn exfiltration_exits_3_and_prints_nothing_on_stdout() {
    for input in ["", "base64", "hex"] {
        let out = exec(&example("c/exfiltrate.wasm"), &[], input.as_bytes());
        assert_eq!(status(&out), 3, "variant {input:?}");
        assert!(
            out.stdout.is_empty(),
            "variant {input:?} leaked {} bytes",
            out.stdout.len()
        );
    }
}

#[test]
fn grouping_by_email_is_blocked() {
    let input = example("inputs/aggregate-by-email.json");
    let out = exec(&example("c/aggregate.wasm"), &["--input", arg(&input)], b"");
    assert_eq!(status(&out), 3);
    assert!(out.stdout.is_empty());
}

#[test]
fn import_escape_exits_4_without_running() {
    let out = exec(&example("wat/escape.wasm"), &[], b"");
    assert_eq!(status(&out), 4);
    assert!(out.stdout.is_empty());
}

#[test]
fn runaway_loop_exits_5_at_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let out = exec(
        &wat_file(dir.path(), "spin.wasm", SPIN),
        &["--timeout-ms", "300"],
        b"",
    );
    assert_eq!(status(&out), 5);
    assert!(String::from_utf8_lossy(&out.stderr).contains("timed out"));
}

#[test]
fn fuel_budget_stops_a_loop_with_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    let out = exec(
        &wat_file(dir.path(), "spin.wasm", SPIN),
        &["--fuel", "100000"],
        b"",
    );
    assert_eq!(status(&out), 5);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fuel"));
}

#[test]
fn guest_exit_status_is_reported_with_exit_5() {
    let input = example("inputs/params-bad.json");
    let out = exec(
        &example("assemblyscript/params.wasm"),
        &["--input", arg(&input)],
        b"",
    );
    assert_eq!(status(&out), 5);
    assert!(String::from_utf8_lossy(&out.stderr).contains("exited with status 1"));
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let hello = example("wat/hello.wasm");
    assert_usage_error(&crate::nmp(&["exec", arg(&hello)], b""));
    assert_usage_error(&crate::nmp(
        &["exec", arg(&hello), "--data", "/nonexistent"],
        b"",
    ));
    for extra in [
        &["--timeout-ms", "0"][..],
        &["--memory-mb", "lots"],
        &["--data-name", "../etc"],
        &["--input", "/nonexistent"],
    ] {
        assert_usage_error(&exec(&hello, extra, b""));
    }
}

#[test]
fn oversized_input_is_refused_before_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(nmp_wire::limits::MAX_INPUT_BYTES as u64 + 1)
        .unwrap();
    assert_usage_error(&exec(
        &example("wat/hello.wasm"),
        &["--input", arg(&big)],
        b"",
    ));
}
