use serde_json::{Value, json};

use super::*;
use crate::{Budget, Noise, SmallGroups};

fn schema() -> Value {
    json!({
        "type": "object",
        "required": ["groups"],
        "additionalProperties": false,
        "properties": {
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "count"],
                    "additionalProperties": false,
                    "properties": {
                        "key": {"type": "string", "maxLength": 32},
                        "count": {"type": "integer", "minimum": 0}
                    }
                }
            }
        }
    })
}

fn rewritten(shaped: Shaped) -> Value {
    let Shaped::Rewritten(bytes) = shaped else {
        panic!("expected a rewritten output, got {shaped:?}");
    };
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn schema_blocks_anything_off_shape() {
    let settings = Settings {
        schema: Some("s.json".into()),
        ..Settings::default()
    };
    let policy = Policy::new(settings, Some(schema())).unwrap();
    let ok = br#"{"groups":[{"key":"flu","count":7}]}"#;
    assert_eq!(
        rewritten(policy.apply(ok).unwrap())["groups"][0]["count"],
        7
    );
    for bad in [
        &br#"{"groups":[{"key":"flu","count":7,"name":"Ann"}]}"#[..],
        br#"{"groups":[],"note":"x"}"#,
        br#"{"groups":[{"key":"flu","count":"7"}]}"#,
        br#"[1,2,3]"#,
    ] {
        assert_eq!(policy.apply(bad).unwrap(), Shaped::Blocked(Blocked::Schema));
    }
    assert_eq!(
        policy.apply(b"not json").unwrap(),
        Shaped::Blocked(Blocked::NotJson)
    );
}

#[test]
fn a_schema_that_is_not_json_schema_is_refused() {
    let settings = Settings::default();
    let bad = json!({"type": "no-such-type"});
    assert!(matches!(
        Policy::new(settings, Some(bad)),
        Err(PolicyError::Schema(_))
    ));
}

#[test]
fn schema_is_loaded_relative_to_the_base_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.json"), schema().to_string()).unwrap();
    let settings = Settings {
        schema: Some("s.json".into()),
        ..Settings::default()
    };
    let policy = Policy::load(settings.clone(), dir.path()).unwrap();
    assert_eq!(policy.schema(), Some(&schema()));
    std::fs::write(
        dir.path().join("s.json"),
        vec![b' '; MAX_SCHEMA_BYTES as usize + 1],
    )
    .unwrap();
    assert!(matches!(
        Policy::load(settings, dir.path()),
        Err(PolicyError::SchemaFile { .. })
    ));
}

#[test]
fn digest_changes_with_settings_and_schema() {
    let a = Policy::new(Settings::default(), None).unwrap();
    let b = Policy::new(
        Settings {
            min_group_size: Some(3),
            ..Settings::default()
        },
        None,
    )
    .unwrap();
    let c = Policy::new(Settings::default(), Some(schema())).unwrap();
    assert_ne!(a.digest(), b.digest());
    assert_ne!(a.digest(), c.digest());
    assert_eq!(
        a.digest(),
        Policy::new(Settings::default(), None).unwrap().digest()
    );
}

#[test]
fn budgets_alone_leave_the_output_untouched() {
    let settings = Settings {
        budget: Some(Budget {
            window_secs: 60,
            queries: Some(1),
            bytes: None,
            epsilon: None,
        }),
        ..Settings::default()
    };
    let policy = Policy::new(settings, None).unwrap();
    assert_eq!(policy.apply(b"anything").unwrap(), Shaped::Unchanged);
}

#[test]
fn order_statistics_of_refused_columns_block() {
    let settings = Settings {
        order_statistics_refused: vec!["age".into()],
        ..Settings::default()
    };
    let policy = Policy::new(settings, None).unwrap();
    let out = policy.apply(br#"{"max_age": 93}"#).unwrap();
    assert_eq!(out, Shaped::Blocked(Blocked::OrderStatistic));
    assert_eq!(
        rewritten(policy.apply(br#"{"mean_age": 41}"#).unwrap())["mean_age"],
        41
    );
}

fn noisy(epsilon: f64, sensitivity: Option<f64>) -> Settings {
    Settings {
        min_group_size: Some(5),
        small_groups: SmallGroups::Suppress,
        noise: vec![Noise {
            pointer: "/groups/*/count".into(),
            lower: 0.0,
            upper: 1000.0,
            sensitivity,
            epsilon,
            decimals: 6,
        }],
        budget: Some(Budget {
            window_secs: 60,
            queries: None,
            bytes: None,
            epsilon: Some(10.0),
        }),
        ..Settings::default()
    }
}

#[test]
fn suppression_happens_before_noise() {
    let policy = Policy::new(noisy(1.0, Some(1.0)), None).unwrap();
    let out =
        br#"{"groups":[{"key":"a","count":40},{"key":"b","count":2},{"key":"c","count":900}]}"#;
    let v = rewritten(policy.apply(out).unwrap());
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    // Two values share ε = 1: scale 2 each. 40 ± 200 scales would be absurd.
    let a = groups[0]["count"].as_f64().unwrap();
    assert!((a - 40.0).abs() < 400.0, "{a}");
    assert_ne!(groups[0]["count"], json!(40));
}

#[test]
fn noise_on_a_non_number_blocks() {
    let settings = Settings {
        min_group_size: None,
        ..noisy(1.0, None)
    };
    let policy = Policy::new(settings, None).unwrap();
    let out = br#"{"groups":[{"key":"a","count":40},{"key":"b","count":"9"}]}"#;
    assert_eq!(
        policy.apply(out).unwrap(),
        Shaped::Blocked(Blocked::NotNumeric)
    );
}
