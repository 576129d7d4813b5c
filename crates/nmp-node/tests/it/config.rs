//! The node's TOML configuration: the committed example parses and starts a service; typos
//! are refused.

use std::path::Path;

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
    assert_eq!(config.rate_limit_per_minute, 60);
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
fn dataset_rescan_is_bounded_and_zero_turns_it_off() {
    let rescan = |secs: u64| {
        File::parse(&format!("identity = \"k\"\ndataset_rescan_secs = {secs}\n"))
            .expect("parses")
            .dataset_rescan()
    };
    assert_eq!(rescan(0).unwrap(), None);
    assert!(matches!(
        rescan(MAX_DATASET_RESCAN_SECS + 1),
        Err(FileError::DatasetRescan(_))
    ));
}
