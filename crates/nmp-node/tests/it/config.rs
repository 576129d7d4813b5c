//! The node's TOML configuration: the committed example parses and starts a service; typos
//! are refused.

use std::{num::NonZeroU32, path::Path, time::Duration};

use nmp_node::config::{
    File, FileError, MAX_DATASET_RESCAN_SECS, MAX_DOCUMENT_TTL_SECS, MIN_DOCUMENT_TTL_SECS,
};

fn examples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"))
}

#[test]
fn the_example_file_parses_and_describes_a_service() {
    let file = File::load(&examples().join("node.toml")).expect("example parses");
    assert_eq!(file.grpc, Some("127.0.0.1:7700".parse().unwrap()));
    assert!(file.listen.quic.as_deref().unwrap().ends_with("/quic-v1"));
    let config = file.service_config(examples()).expect("example is usable");
    assert_eq!(config.datasets[0].capability, "demo.hospital/patients");
    assert_eq!(config.rate_limit_per_minute, NonZeroU32::new(60));
    assert_eq!(config.document_ttl_ms, 3_600_000);
    assert_eq!(
        file.dataset_rescan().unwrap(),
        Some(std::time::Duration::from_secs(30))
    );
    assert!(config.max_concurrent_jobs >= 1);
    let keys = &config.node.egress.restricted_keys;
    assert!(keys.iter().any(|k| k == "ssn") && keys.iter().any(|k| k == "patientId"));
    assert_eq!(
        config.node.sandbox.limits.timeout,
        std::time::Duration::from_millis(5000)
    );
}

#[test]
fn unknown_fields_and_bad_agents_are_refused() {
    let typo = "identity = \"k\"\n[policy]\nopen = true\nrate_limit = 5\n";
    assert!(matches!(File::parse(typo), Err(FileError::Parse(_))));
    let closed = "identity = \"k\"\n[policy]\nopen = false\nallowed_agents = [\"nope\"]\n";
    let file = File::parse(closed).unwrap();
    assert!(matches!(
        file.service_config(examples()),
        Err(FileError::InvalidAgent(_))
    ));
}

#[test]
fn document_ttl_is_read_and_bounded() {
    let with_ttl = |secs: u64| {
        File::parse(&format!(
            "identity = \"k\"\n[policy]\ndocument_ttl_secs = {secs}\n"
        ))
        .expect("parses")
        .service_config(examples())
    };
    assert_eq!(with_ttl(600).unwrap().document_ttl_ms, 600_000);
    for secs in [0, MIN_DOCUMENT_TTL_SECS - 1, MAX_DOCUMENT_TTL_SECS + 1] {
        assert!(
            matches!(with_ttl(secs), Err(FileError::DocumentTtl(s)) if s == secs),
            "{secs}"
        );
    }
}

#[test]
fn dataset_rescan_is_off_or_between_one_and_its_maximum() {
    let rescan = |value: &str| {
        File::parse(&format!(
            "identity = \"k\"\ndataset_rescan_secs = {value}\n"
        ))
        .map(|file| file.dataset_rescan())
    };
    assert_eq!(rescan("\"off\"").unwrap().unwrap(), None);
    assert!(
        matches!(rescan("0"), Err(FileError::Parse(_))),
        "0 is no longer off"
    );
    assert_eq!(rescan("1").unwrap().unwrap(), Some(Duration::from_secs(1)));
    let max = MAX_DATASET_RESCAN_SECS;
    assert_eq!(
        rescan(&max.to_string()).unwrap().unwrap(),
        Some(Duration::from_secs(max))
    );
    assert!(matches!(
        rescan(&(max + 1).to_string()).unwrap(),
        Err(FileError::DatasetRescan(_))
    ));
}

/// The service configuration of a file whose `[policy]` holds `policy`, or the parse error.
fn with_policy(policy: &str) -> Result<nmp_node::service::Config, FileError> {
    File::parse(&format!("identity = \"k\"\n[policy]\n{policy}\n"))?.service_config(examples())
}

#[test]
fn rate_limits_are_off_or_at_least_one() {
    for key in [
        "rate_limit_per_minute",
        "budget_per_day",
        "origin_rate_limit_per_minute",
    ] {
        let limits = |c: nmp_node::service::Config| {
            [
                c.rate_limit_per_minute,
                c.budget_per_day,
                c.origin_rate_limit_per_minute,
            ]
        };
        let off = limits(with_policy(&format!("{key} = \"off\"")).unwrap());
        let one = limits(with_policy(&format!("{key} = 1")).unwrap());
        let defaults = limits(with_policy("").unwrap());
        assert_eq!(
            defaults,
            [
                NonZeroU32::new(60),
                NonZeroU32::new(10_000),
                NonZeroU32::new(600)
            ]
        );
        assert_eq!(off.iter().filter(|l| l.is_none()).count(), 1, "{key} off");
        assert_eq!(
            one.iter().filter(|l| **l == NonZeroU32::new(1)).count(),
            1,
            "{key} = 1"
        );
        for refused in ["0", "-1", "4294967296", "\"unlimited\""] {
            assert!(
                matches!(
                    with_policy(&format!("{key} = {refused}")),
                    Err(FileError::Parse(_))
                ),
                "{key} = {refused}"
            );
        }
    }
}

#[test]
fn concurrent_jobs_default_to_the_cores_and_zero_is_refused() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(with_policy("").unwrap().max_concurrent_jobs, cores);
    assert_eq!(
        with_policy("max_concurrent_jobs = 1")
            .unwrap()
            .max_concurrent_jobs,
        1
    );
    assert!(matches!(
        with_policy("max_concurrent_jobs = 0"),
        Err(FileError::Parse(_))
    ));
}

#[test]
fn fuel_is_the_sandbox_default_off_or_at_least_one() {
    let fuel = |value: &str| {
        with_policy(&format!("[policy.sandbox]\n{value}")).map(|c| c.node.sandbox.limits.fuel)
    };
    let default = nmp_sandbox::Config::default().limits.fuel;
    assert_eq!(fuel("").unwrap(), default);
    assert_eq!(fuel("fuel = \"off\"").unwrap(), None);
    assert_eq!(fuel("fuel = 1").unwrap(), Some(1));
    assert!(matches!(fuel("fuel = 0"), Err(FileError::Parse(_))));
}

#[test]
fn a_response_quantum_is_absent_or_at_least_one_millisecond() {
    let quantum = |line: &str| {
        File::parse(&format!(
            "identity = \"k\"\n[[datasets]]\nname = \"patients\"\npath = \"logic/data\"\n\
             capability = \"c\"\n{line}\n"
        ))?
        .service_config(examples())
        .map(|c| c.datasets[0].response_quantum)
    };
    assert_eq!(quantum("").unwrap(), None);
    assert_eq!(
        quantum("response_quantum_ms = 1").unwrap(),
        Some(Duration::from_millis(1))
    );
    assert!(matches!(
        quantum("response_quantum_ms = 0"),
        Err(FileError::Parse(_))
    ));
}

/// A dataset entry followed by `privacy` (the body of its `[datasets.privacy]` table).
fn with_privacy(privacy: &str) -> String {
    format!(
        "identity = \"k\"\n[[datasets]]\nname = \"d\"\npath = \"logic/data\"\n\
         capability = \"c\"\n[datasets.privacy]\n{privacy}\n"
    )
}

#[test]
fn privacy_settings_are_read_and_checked() {
    let ok = with_privacy(
        "min_group_size = 5\n[[datasets.privacy.noise]]\npointer = \"/n\"\nlower = 0.0\n\
         upper = 10.0\nepsilon = 0.5\n[datasets.privacy.budget]\nwindow_secs = 60\nepsilon = 1.0",
    );
    let file = File::parse(&ok).expect("privacy parses");
    assert_eq!(file.privacy_ledger, Path::new("privacy.redb"));
    let config = file.service_config(examples()).expect("privacy is usable");
    let policy = &config.privacy["d"];
    assert_eq!(policy.settings().min_group_size, Some(5));
    assert_eq!(config.privacy_ledger, Some(examples().join("privacy.redb")));

    // Noise without an ε budget, k = 0, a missing schema: refused at start-up.
    for bad in [
        "[[datasets.privacy.noise]]\npointer = \"/n\"\nlower = 0.0\nupper = 1.0\nepsilon = 1.0",
        "min_group_size = 0",
        "schema = \"no-such.json\"",
    ] {
        let file = File::parse(&with_privacy(bad)).expect("parses");
        let err = file.service_config(examples()).unwrap_err();
        assert!(matches!(err, FileError::Privacy { .. }), "{bad}: {err:?}");
    }
    assert!(matches!(
        File::parse(&with_privacy("k = 5")),
        Err(FileError::Parse(_))
    ));
}
