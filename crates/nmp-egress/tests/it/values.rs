//! Data-aware egress: a value of an indexed column is blocked under any key and in any of the
//! encodings an attacker tries, and the index costs no false positive on the honest outputs of
//! the tuning and evaluation corpora.

use base64::Engine as _;
use nmp_egress::{Category, Config, Scanner, ValueIndex, Verdict};

use crate::corpus::load;

/// The bundled demo dataset (`examples/logic/data/patients.csv`), 200 fake patients.
fn patients() -> Vec<Vec<String>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/logic/data/patients.csv"
    );
    let text = std::fs::read_to_string(path).expect("bundled dataset");
    text.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// An index of the restricted (`patient_id`, `ssn`) and PII (`name`, `email`) columns.
fn index(rows: &[Vec<String>]) -> ValueIndex {
    let mut builder = ValueIndex::builder();
    for row in &rows[1..] {
        for column in [0, 1, 2, 3] {
            builder.add(&row[column]).expect("within the limit");
        }
    }
    builder.build(rows.len() as u64 - 1)
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("serializes")
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Each way of writing `ssn` (`ddd-dd-dddd`) that the index must see through.
fn disguises(ssn: &str) -> Vec<(&'static str, String)> {
    let digits: String = ssn.chars().filter(char::is_ascii_digit).collect();
    let reversed: String = digits.chars().rev().collect();
    let wide: String = digits
        .chars()
        .map(|c| char::from_u32(u32::from(c) - 0x30 + 0xFF10).expect("a full-width digit"))
        .collect();
    let arabic: String = digits
        .chars()
        .map(|c| char::from_u32(u32::from(c) - 0x30 + 0x0660).expect("an Arabic-Indic digit"))
        .collect();
    let dotted = format!("{}.{}.{}", &digits[..3], &digits[3..5], &digits[5..]);
    let zero_width: String = digits.chars().flat_map(|c| [c, '\u{200B}']).collect();
    let elements: Vec<String> = digits.chars().map(String::from).collect();
    let numbers: Vec<u32> = digits
        .chars()
        .map(|c| c.to_digit(10).expect("a digit"))
        .collect();
    let hex: String = digits.bytes().map(|b| format!("{b:02x}")).collect();
    let percent: String = digits.bytes().map(|b| format!("%{b:02X}")).collect();
    vec![
        ("neutral key", format!(r#"{{"v": "{digits}"}}"#)),
        ("number", format!(r#"{{"n": {digits}}}"#)),
        ("dotted", format!(r#"{{"v": "{dotted}"}}"#)),
        (
            "slashes",
            format!(r#"{{"v": "{}"}}"#, dotted.replace('.', "/")),
        ),
        ("reversed", format!(r#"{{"v": "{reversed}"}}"#)),
        (
            "reversed dashed",
            format!(r#"{{"v": "{}"}}"#, ssn.chars().rev().collect::<String>()),
        ),
        ("full-width", format!(r#"{{"v": "{wide}"}}"#)),
        ("arabic-indic", format!(r#"{{"v": "{arabic}"}}"#)),
        ("zero-width", format!(r#"{{"v": "{zero_width}"}}"#)),
        ("base64", format!(r#"{{"v": "{}"}}"#, b64(&digits))),
        (
            "base64 of reversed",
            format!(r#"{{"v": "{}"}}"#, b64(&reversed)),
        ),
        ("hex", format!(r#"{{"v": "{hex}"}}"#)),
        ("percent", format!(r#"{{"v": "{percent}"}}"#)),
        ("string elements", json(&elements)),
        ("number elements", json(&numbers)),
        (
            "sibling keys",
            format!(
                r#"{{"a": "{}", "b": "{}", "c": "{}"}}"#,
                &digits[..3],
                &digits[3..5],
                &digits[5..]
            ),
        ),
        ("double-encoded", json(&format!(r#"{{"x": "{dotted}"}}"#))),
        (
            "log line",
            format!("2026-12-07T03:00:00Z INFO done ref={dotted} ok"),
        ),
        ("csv", format!("k,v\nrow,{dotted}\n")),
        (
            "prose",
            format!(
                "The answer is {} {} {}, as asked.",
                &digits[..3],
                &digits[3..5],
                &digits[5..]
            ),
        ),
    ]
}

#[test]
fn a_restricted_value_leaves_under_no_key_and_in_no_encoding() {
    let rows = patients();
    let index = index(&rows);
    let scanner = Scanner::new(Config::default()).unwrap();
    for row in &rows[1..6] {
        for (how, output) in disguises(&row[3]) {
            let scan = scanner.scan_with(output.as_bytes(), &[&index]);
            assert_eq!(scan.verdict, Verdict::Blocked, "{how}: {output}");
            assert!(
                scan.report
                    .findings
                    .iter()
                    .any(|f| f.category == Category::RestrictedValue && f.rule == "dataset.value"),
                "{how}: {output}: {:?}",
                scan.report.findings
            );
        }
    }
}

#[test]
fn names_and_ids_are_blocked_too() {
    let rows = patients();
    let index = index(&rows);
    let scanner = Scanner::new(Config::default()).unwrap();
    let name = &rows[1][1];
    let id = &rows[1][0];
    for output in [
        format!(r#"{{"top": "{}"}}"#, name.to_uppercase().replace(' ', "_")),
        format!(r#"{{"who": "{}"}}"#, name.chars().rev().collect::<String>()),
        format!(r#"{{"ref": "{}"}}"#, &id[1..]),
        format!(
            r#"{{"first": "{}", "last": "{}"}}"#,
            name.split(' ').next().unwrap(),
            name.split(' ').nth(1).unwrap()
        ),
    ] {
        let scan = scanner.scan_with(output.as_bytes(), &[&index]);
        assert_eq!(scan.verdict, Verdict::Blocked, "{output}");
    }
}

#[test]
fn honest_aggregates_and_the_negatives_corpus_pass_the_index() {
    let rows = patients();
    let index = index(&rows);
    let scanner = Scanner::new(Config::default()).unwrap();
    let aggregate = r#"{"by_city": {"Riverton": {"patients": 21, "mean_age": 51.3, "mean_cost_usd": 1893.41}}, "rows": 200, "diagnosis": "hypertension"}"#;
    assert_eq!(
        scanner.scan_with(aggregate.as_bytes(), &[&index]).verdict,
        Verdict::Pass
    );
    let mut negatives: Vec<(String, String)> = load("negatives.jsonl")
        .into_iter()
        .map(|case| (case.id, case.input))
        .collect();
    // The independent evaluation corpus's honest outputs too.
    let eval = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/eval/cases.jsonl");
    for line in std::fs::read_to_string(eval).expect("eval corpus").lines() {
        let case: serde_json::Value = serde_json::from_str(line).expect("eval case");
        if case["label"] == "negative" {
            let text = |field: &str| case[field].as_str().expect("a string").to_owned();
            negatives.push((text("id"), text("input")));
        }
    }
    let blocked_by_values: Vec<&str> = negatives
        .iter()
        .filter(|(_, input)| {
            scanner
                .scan_with(input.as_bytes(), &[&index])
                .report
                .findings
                .iter()
                .any(|f| f.category == Category::RestrictedValue)
        })
        .map(|(id, _)| id.as_str())
        .collect();
    assert!(negatives.len() >= 1000, "{}", negatives.len());
    assert_eq!(blocked_by_values, Vec::<&str>::new());
}
