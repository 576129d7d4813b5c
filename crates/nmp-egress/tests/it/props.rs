//! Properties: no input panics the scanner, and redaction is idempotent.

use std::sync::OnceLock;

use nmp_egress::{Config, Mode, Scanner, Verdict};
use proptest::prelude::*;

/// Built once: compiling the rule set per case would dominate the run time.
fn redactor() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        Scanner::new(Config {
            mode: Mode::Redact,
            restricted_keys: vec!["patientId".into()],
            ..Config::default()
        })
        .expect("valid config")
    })
}

/// JSON-ish or text-ish inputs salted with contraband fragments.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop::sample::select(vec![
        "jane.doe@example.org",
        "4111 1111 1111 1111",
        "123-45-6789",
        "\"patientId\":",
        "AKIAIOSFODNN7EXAMPLE",
        "am9obkBleGFtcGxlLmNvbQ==",
        "%40",
        "\\u0040",
        "{",
        "}",
        "[",
        "]",
        ",",
        "\"",
        ":",
        " ",
        "\n",
        "password=",
        "Tr0ub4dor#3x",
        "[REDACTED:email]",
        "203.0.113.9",
        "+1 415 555 0132",
        "GB82 WEST 1234 5698 7654 32",
    ]);
    prop_oneof![
        prop::collection::vec(fragment, 0..24).prop_map(|v| v.concat().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..256),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn redaction_is_idempotent(input in payload()) {
        let scanner = redactor();
        let first = scanner.scan(&input);
        if let Some(once) = first.output {
            let second = scanner.scan(&once);
            prop_assert_eq!(second.verdict, Verdict::Pass, "redacted output rescanned: {:?}", second.report.findings);
            prop_assert_eq!(second.output.as_deref(), Some(&once[..]));
        }
    }

    #[test]
    fn report_spans_are_in_bounds(input in payload()) {
        let scan = redactor().scan(&input);
        for f in &scan.report.findings {
            if let Some(span) = f.span {
                prop_assert!(span.start <= span.end && span.end <= input.len());
            }
        }
    }
}
