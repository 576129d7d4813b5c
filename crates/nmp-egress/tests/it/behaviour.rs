//! Behaviour examples: what is found, where, and what redaction writes.

use nmp_egress::{
    Category, Config, ConfigError, Decoding, ExtraPattern, Format, Limits, Mode, Scanner, Verdict,
};

fn scanner(mode: Mode) -> Scanner {
    Scanner::new(Config {
        mode,
        restricted_keys: vec!["patientId".into()],
        ..Config::default()
    })
    .expect("valid config")
}

#[test]
fn clean_output_passes_and_redact_is_byte_identical() {
    let input = br#"{"ward":"ICU","patientCount":42,"mean_age":61.5}"#;
    assert_eq!(scanner(Mode::Block).scan(input).verdict, Verdict::Pass);
    let scan = scanner(Mode::Redact).scan(input);
    assert_eq!(scan.verdict, Verdict::Pass);
    assert_eq!(scan.output.as_deref(), Some(&input[..]));
}

#[test]
fn report_names_path_and_span_but_never_the_value() {
    let input = br#"{"rows":[{"note":"call +1 415-555-0132"}]}"#;
    let scan = scanner(Mode::Block).scan(input);
    assert_eq!(scan.verdict, Verdict::Blocked);
    let f = &scan.report.findings[0];
    assert_eq!(
        (f.category, f.rule.as_str(), f.path.as_deref()),
        (Category::Pii, "pii.phone", Some("$.rows[0].note"))
    );
    let span = f.span.unwrap();
    assert_eq!(&input[span.start..span.end], b"+1 415-555-0132");
    let json = serde_json::to_string(&scan.report).unwrap();
    assert!(!json.contains("415"), "{json}");
}

#[test]
fn nested_encodings_are_followed_and_named() {
    let inner = r#"{"ssn":"123-45-6789"}"#;
    let blob = base64_std(inner);
    let input = format!(r#"{{"blob":"{blob}"}}"#);
    let scan = scanner(Mode::Block).scan(input.as_bytes());
    let f = scan
        .report
        .findings
        .iter()
        .find(|f| f.rule == "pii.ssn")
        .unwrap();
    assert_eq!(f.decoded_via, [Decoding::Base64, Decoding::Json]);
    assert_eq!(f.path.as_deref(), Some("$.blob>$.ssn"));
    let redacted = scanner(Mode::Redact).scan(input.as_bytes()).output.unwrap();
    assert_eq!(
        String::from_utf8(redacted).unwrap(),
        r#"{"blob":"[REDACTED:restricted_key]"}"#
    );
}

#[test]
fn split_contraband_is_joined() {
    let input = br#"{"parts":["ok","4111 1111","1111 1111","done"]}"#;
    let scan = scanner(Mode::Redact).scan(input);
    assert_eq!(scan.verdict, Verdict::Redacted);
    assert!(
        scan.report
            .findings
            .iter()
            .any(|f| f.rule == "pii.card" && f.decoded_via == [Decoding::Joined])
    );
    assert_eq!(
        scan.output.unwrap(),
        br#"{"parts":["ok","[REDACTED:card]","[REDACTED:card]","done"]}"#
    );
}

#[test]
fn identity_values_split_under_their_keys() {
    let block = scanner(Mode::Block);
    let rules = |input: &[u8]| -> Vec<String> {
        block
            .scan(input)
            .report
            .findings
            .into_iter()
            .map(|f| f.rule)
            .collect()
    };
    // Across the elements of an array under the key, in numbered pieces (also glued), and a
    // statistic's array passes.
    for input in [
        br#"{"bsn": ["378", "246", "598"]}"#.as_slice(),
        br#"{"bsn_1": "378", "bsn_2": "246", "bsn_3": "598"}"#,
        br#"{"citizen_id0": "39", "citizen_id1": "12"}"#,
    ] {
        assert!(rules(input).contains(&"pii.national_id".to_owned()));
    }
    assert!(
        rules(br#"{"mobile_part1": "020", "mobile_part2": "7946"}"#)
            .contains(&"pii.phone".to_owned())
    );
    assert!(rules(br#"{"dob": ["1942", "03", "14"]}"#).contains(&"pii.dob".to_owned()));
    assert!(rules(br#"{"bsn_null_counts": [3, 4, 5]}"#).is_empty());
    assert!(rules(br#"{"values": ["378", "246", "598"]}"#).is_empty());
    // A person named by their part in a record, in JSON, a log pair and a CSV column.
    assert!(rules(br#"{"approved_by": "Martin French"}"#).contains(&"pii.name".to_owned()));
    assert!(rules(b"ts=1 assignee=\"Martin Small\" rows=3\n").contains(&"pii.name".to_owned()));
    assert!(
        rules(b"ticket,reviewer,minutes\n512,Martin French,35\n").contains(&"pii.name".to_owned())
    );
    assert!(rules(b"partner,contracts\nSherwin Williams,3\n").is_empty());
}

#[test]
fn text_mode_and_csv_headers() {
    let log = b"2026-11-22 INFO user jane.doe@example.org logged in from 203.0.113.9\n";
    let scan = scanner(Mode::Redact).scan(log);
    assert_eq!(scan.report.format, Format::Text);
    assert_eq!(
        scan.output.unwrap(),
        b"2026-11-22 INFO user [REDACTED:email] logged in from [REDACTED:ip]\n"
    );
    let csv = b"patient_id,ward\n1001,ICU\n";
    let scan = scanner(Mode::Redact).scan(csv);
    assert_eq!(
        scan.verdict,
        Verdict::Blocked,
        "a restricted column cannot be redacted cell by cell"
    );
}

#[test]
fn budgets_block_with_undecidable_findings() {
    let mut layered = "jane.doe@example.org".to_owned();
    for _ in 0..10 {
        layered = base64_std(&layered);
    }
    let scan = scanner(Mode::Redact).scan(format!(r#"{{"x":"{layered}"}}"#).as_bytes());
    assert_eq!(scan.verdict, Verdict::Blocked);
    assert!(
        scan.report
            .findings
            .iter()
            .any(|f| f.category == Category::Undecidable && f.rule == "limit.decode_depth")
    );

    let deep = "[".repeat(200) + &"]".repeat(200);
    let scan = scanner(Mode::Block).scan(deep.as_bytes());
    assert_eq!(scan.report.findings[0].rule, "limit.json_depth");

    let tight = Config {
        limits: Limits {
            max_expansion_ratio: 1,
            ..Limits::default()
        },
        ..Config::default()
    };
    let many: Vec<String> = (0..20_000)
        .map(|i| format!("\"{}\"", base64_std(&base64_std(&format!("row {i} fine")))))
        .collect();
    let scan = Scanner::new(tight)
        .unwrap()
        .scan(format!("[{}]", many.join(",")).as_bytes());
    assert!(
        scan.report
            .findings
            .iter()
            .any(|f| f.rule == "limit.expansion")
    );
}

#[test]
fn configuration_extends_and_trims_the_rules() {
    let config = Config {
        extra_patterns: vec![ExtraPattern {
            id: "ward_code".into(),
            pattern: r"\bWRD-[0-9]{4}\b".into(),
        }],
        allowlist: vec!["test@example.com".into()],
        disabled_rules: vec!["pii.ipv4".into()],
        ..Config::default()
    };
    let scanner = Scanner::new(config).unwrap();
    let scan = scanner.scan(br#"{"a":"WRD-1234","b":"test@example.com","c":"203.0.113.9"}"#);
    let rules: Vec<&str> = scan
        .report
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(rules, ["custom.ward_code"]);
    let bad = Config {
        extra_patterns: vec![ExtraPattern {
            id: "Bad Id".into(),
            pattern: "x".into(),
        }],
        ..Config::default()
    };
    assert!(matches!(
        Scanner::new(bad),
        Err(ConfigError::InvalidPatternId { .. })
    ));
}

#[test]
fn config_round_trips_through_json() {
    let config = Config {
        mode: Mode::Redact,
        restricted_keys: vec!["mrn".into()],
        ..Config::default()
    };
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), config);
}

pub(crate) fn base64_std(s: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn deepest_allowed_nesting_fits_a_small_thread_stack() {
    let config = Config {
        limits: Limits {
            max_json_depth: 512,
            ..Limits::default()
        },
        ..Config::default()
    };
    let scanner = Scanner::new(config).expect("valid config");
    let inner = format!(r#"{{"ssn":"{}"}}"#, "123-45-6789");
    let deep = "[".repeat(500) + &inner + &"]".repeat(500);
    let blob = base64_std(&deep);
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            (
                scanner.scan(deep.as_bytes()).verdict,
                scanner.scan(format!("[\"{blob}\"]").as_bytes()).verdict,
            )
        })
        .expect("thread starts");
    assert_eq!(
        handle.join().expect("no stack overflow"),
        (Verdict::Blocked, Verdict::Blocked)
    );
}

#[test]
fn restricted_key_flags_follow_the_filter() {
    let scanner = Scanner::new(Config {
        restricted_keys: vec!["patientId".into(), "memberNumber".into()],
        ..Config::default()
    })
    .unwrap();
    for column in [
        "patient_id",
        "PatientIDs",
        "MEMBER-NUMBER",
        "ssn",
        "visit_mrn",
        "mrn_max",
    ] {
        assert!(scanner.is_restricted_key(column), "{column}");
        let csv = format!("ward,{column}\nICU,x\n");
        assert_eq!(
            scanner.scan(csv.as_bytes()).verdict,
            Verdict::Blocked,
            "{column}"
        );
    }
    for column in ["patient_count", "mrn_null_fraction", "ward", "member"] {
        assert!(!scanner.is_restricted_key(column), "{column}");
        let csv = format!("ward,{column}\nICU,3\n");
        assert_eq!(
            scanner.scan(csv.as_bytes()).verdict,
            Verdict::Pass,
            "{column}"
        );
    }
}

#[test]
fn restricted_key_in_double_encoded_json_blocks() {
    // The seeds' example: a restricted key hidden inside JSON encoded twice.
    let scanner = Scanner::new(Config {
        restricted_keys: vec!["patientId".into()],
        ..Config::default()
    })
    .unwrap();
    let inner = serde_json::to_string(&serde_json::json!({"patientId": "P-0042"})).unwrap();
    let twice = serde_json::to_string(&serde_json::to_string(&inner).unwrap()).unwrap();
    let output = format!(r#"{{"ward": "ICU", "result": {twice}}}"#);
    let scan = scanner.scan(output.as_bytes());
    assert_eq!(scan.verdict, Verdict::Blocked);
    let finding = &scan.report.findings[0];
    assert_eq!(finding.category, Category::RestrictedKey);
    assert_eq!(finding.decoded_via, [Decoding::Json, Decoding::Json]);
}

#[test]
fn csv_columns_judged_cell_by_cell() {
    let scanner = scanner(Mode::Block);
    let verdict = |text: &str| scanner.scan(text.as_bytes()).verdict;
    // A password column: its cells decide, so masks pass and a password blocks.
    assert_eq!(
        verdict("user,password,role\nana,********,admin\nbo,[REDACTED],viewer\n"),
        Verdict::Pass
    );
    assert_eq!(
        verdict("user,password,role\nana,Summer2026@,admin\n"),
        Verdict::Blocked
    );
    // A bare holder word: member ids block, member names' counts pass.
    assert_eq!(
        verdict("member,claims\nZGP1430777583,19\n"),
        Verdict::Blocked
    );
    assert_eq!(verdict("member,claims\nGold,19\n"), Verdict::Pass);
    // An organisation column: a company named after people is no person.
    assert_eq!(
        verdict("payer,claims\n\"Morgan Stanley\",8625\n"),
        Verdict::Pass
    );
    assert_eq!(
        verdict("patient,claims\n\"Carl Mason\",3\n"),
        Verdict::Blocked
    );
}

#[test]
fn json_lines_paths_name_their_document() {
    let paths = |input: &str| -> Vec<String> {
        let scan = scanner(Mode::Block).scan(input.as_bytes());
        assert_eq!(scan.report.format, Format::Json);
        scan.report
            .findings
            .into_iter()
            .filter_map(|f| f.path)
            .collect()
    };
    assert_eq!(paths(r#"{"e": "ann@example.org"}"#), ["$.e"]);
    assert_eq!(
        paths("{\"e\": \"ann@example.org\"}\n{\"n\": 1}\n{\"e\": \"bob@example.org\"}\n"),
        ["#0$.e", "#2$.e"]
    );
}

#[test]
fn json_that_breaks_late_is_read_as_text_alone() {
    // The walk meets the email before the syntax error; the scan is then the text scan's.
    let broken = br#"{"e": "ann@example.org", "n": 1,}"#;
    let scan = scanner(Mode::Block).scan(broken);
    assert_eq!(scan.report.format, Format::Text);
    assert!(scan.report.findings.iter().all(|f| f.path.is_none()));
    assert_eq!(scan.report.findings.len(), 1, "{:?}", scan.report.findings);
    // Too deep after a finding: only the limit, as for any input nested too deep.
    let config = Config {
        limits: Limits {
            max_json_depth: 3,
            ..Limits::default()
        },
        ..Config::default()
    };
    let deep = br#"{"e": "ann@example.org", "d": [[[[1]]]]}"#;
    let scan = Scanner::new(config).unwrap().scan(deep);
    assert_eq!(scan.report.format, Format::Json);
    let rules: Vec<&str> = scan
        .report
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(rules, ["limit.json_depth"]);
}
