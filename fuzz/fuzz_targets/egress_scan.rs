//! `egress_scan`: any bytes scan without panicking, and redacting twice changes nothing (the
//! redacted output passes a second scan unchanged).
//!
//! `cargo +nightly fuzz run egress_scan`
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nmp_egress::{Config, Mode, Scanner, Verdict};

fn redactor() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        let config = Config { mode: Mode::Redact, restricted_keys: vec!["patientId".into(), "mrn".into()], ..Config::default() };
        Scanner::new(config).expect("fuzz config is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let scanner = redactor();
    let first = scanner.scan(data);
    if let Some(once) = first.output {
        let second = scanner.scan(&once);
        assert_eq!(second.verdict, Verdict::Pass, "redacted output has findings: {:?}", second.report.findings);
        assert_eq!(second.output.as_deref(), Some(&once[..]), "redacting twice changed the output");
    }
    for f in &first.report.findings {
        if let Some(span) = f.span {
            assert!(span.start <= span.end && span.end <= data.len(), "span out of bounds");
        }
    }
});
