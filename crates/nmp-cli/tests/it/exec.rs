use crate::{assert_usage_error, example, nmp, status, wat_file};

fn data_dir() -> String {
    example("data").to_str().expect("UTF-8 path").to_owned()
}

#[test]
fn honest_aggregate_prints_its_answer_and_exits_0() {
    let wasm = example("c/aggregate.wasm");
    let out = nmp(
        &["exec", wasm.to_str().unwrap(), "--data", &data_dir()],
        b"",
    );
    assert_eq!(status(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON answer");
    assert_eq!(json["rows"], 200);
    assert_eq!(json["groups"]["diabetes"]["count"], 41);
}

#[test]
fn input_file_reaches_stdin() {
    let wasm = example("c/aggregate.wasm");
    let input = example("inputs/aggregate-by-city.json");
    let out = nmp(
        &[
            "exec",
            wasm.to_str().unwrap(),
            "--data",
            &data_dir(),
            "--input",
            input.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(status(&out), 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["group_by"], "city");
}

#[test]
fn exfiltration_exits_3_and_prints_nothing_on_stdout() {
    let wasm = example("c/exfiltrate.wasm");
    for input in ["", "base64", "hex"] {
        let out = nmp(
            &["exec", wasm.to_str().unwrap(), "--data", &data_dir()],
            input.as_bytes(),
        );
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
    let wasm = example("c/aggregate.wasm");
    let input = example("inputs/aggregate-by-email.json");
    let out = nmp(
        &[
            "exec",
            wasm.to_str().unwrap(),
            "--data",
            &data_dir(),
            "--input",
            input.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(status(&out), 3);
    assert!(out.stdout.is_empty());
}

#[test]
fn import_escape_exits_4_without_running() {
    let wasm = example("wat/escape.wasm");
    let out = nmp(
        &["exec", wasm.to_str().unwrap(), "--data", &data_dir()],
        b"",
    );
    assert_eq!(status(&out), 4);
    assert!(out.stdout.is_empty());
}

#[test]
fn runaway_loop_exits_5_at_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let spin = wat_file(
        dir.path(),
        "spin.wasm",
        r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#,
    );
    let out = nmp(
        &[
            "exec",
            spin.to_str().unwrap(),
            "--data",
            &data_dir(),
            "--timeout-ms",
            "300",
        ],
        b"",
    );
    assert_eq!(status(&out), 5);
    assert!(String::from_utf8_lossy(&out.stderr).contains("timed out"));
}

#[test]
fn fuel_budget_stops_a_loop_with_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    let spin = wat_file(
        dir.path(),
        "spin.wasm",
        r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#,
    );
    let out = nmp(
        &[
            "exec",
            spin.to_str().unwrap(),
            "--data",
            &data_dir(),
            "--fuel",
            "100000",
        ],
        b"",
    );
    assert_eq!(status(&out), 5);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fuel"));
}

#[test]
fn guest_exit_status_is_reported_with_exit_5() {
    let wasm = example("assemblyscript/params.wasm");
    let input = example("inputs/params-bad.json");
    let out = nmp(
        &[
            "exec",
            wasm.to_str().unwrap(),
            "--data",
            &data_dir(),
            "--input",
            input.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(status(&out), 5);
    assert!(String::from_utf8_lossy(&out.stderr).contains("exited with status 1"));
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let wasm = example("wat/hello.wasm");
    let wasm = wasm.to_str().unwrap();
    let data = data_dir();
    assert_usage_error(&nmp(&["exec", wasm], b""));
    assert_usage_error(&nmp(&["exec", wasm, "--data", "/nonexistent"], b""));
    assert_usage_error(&nmp(
        &["exec", wasm, "--data", &data, "--timeout-ms", "0"],
        b"",
    ));
    assert_usage_error(&nmp(
        &["exec", wasm, "--data", &data, "--memory-mb", "lots"],
        b"",
    ));
    assert_usage_error(&nmp(
        &["exec", wasm, "--data", &data, "--data-name", "../etc"],
        b"",
    ));
    assert_usage_error(&nmp(
        &["exec", wasm, "--data", &data, "--input", "/nonexistent"],
        b"",
    ));
}

#[test]
fn oversized_input_is_refused_before_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(nmp_wire::limits::MAX_INPUT_BYTES as u64 + 1)
        .unwrap();
    let wasm = example("wat/hello.wasm");
    let out = nmp(
        &[
            "exec",
            wasm.to_str().unwrap(),
            "--data",
            &data_dir(),
            "--input",
            big.to_str().unwrap(),
        ],
        b"",
    );
    assert_usage_error(&out);
}
