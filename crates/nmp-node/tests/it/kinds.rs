//! Every dataset kind on one service: schema, row count and commitment from each kind's own
//! reader, restricted columns flagged from each kind's schema, and files that cannot be read (a
//! corrupt Parquet footer, a corrupt SQLite database, a malformed JSON line) published as
//! reasons while the other datasets are served, until they are fixed.

use std::{fs, path::Path};

use nmp_crypto::capability;
use nmp_dataset::generate;
use nmp_node::{Dataset, Kind, service::Served};
use nmp_wire::pb;

use crate::agent::{Agent, CAPABILITY, NOW_MS, collect, error_code, node_identity, service};

const ROWS: u64 = 1_000;

fn served(root: &Path, name: &str, kind: Kind, capability: &str) -> Served {
    let dir = root.join(name);
    fs::create_dir_all(&dir).expect("dataset directory");
    Served {
        capability: capability.to_owned(),
        dataset: Dataset::new(name, dir)
            .expect("a valid dataset")
            .with_kind(kind),
        postgres: None,
        response_quantum: None,
    }
}

fn document(node: &nmp_node::Service) -> pb::CapabilityDocument {
    capability::verify(
        &node.describe(NOW_MS),
        Some(&node_identity().peer_id()),
        NOW_MS,
    )
    .expect("the document verifies")
}

fn info<'d>(document: &'d pb::CapabilityDocument, name: &str) -> &'d pb::DatasetInfo {
    document
        .datasets
        .iter()
        .find(|d| d.name == name)
        .expect("published")
}

#[tokio::test]
async fn every_kind_is_described_and_a_file_that_cannot_be_read_is_a_published_reason() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let good = [
        ("csv", Kind::Csv, "patients.csv"),
        ("jsonl", Kind::Jsonl, "patients.jsonl"),
        ("parquet", Kind::Parquet, "patients.parquet"),
        ("sqlite", Kind::Sqlite, "patients.db"),
    ];
    let mut datasets = Vec::new();
    for (name, kind, file) in good {
        datasets.push(served(root, name, kind, &format!("demo/{name}")));
        let path = root.join(name).join(file);
        match kind {
            Kind::Csv => generate::csv(&path, 0, ROWS).unwrap(),
            Kind::Jsonl => generate::jsonl(&path, 0, ROWS).unwrap(),
            Kind::Parquet => generate::parquet(&path, 0, ROWS).unwrap(),
            _ => generate::sqlite(&path, 0, ROWS).unwrap(),
        }
    }
    let bad = [
        (
            "bad-parquet",
            Kind::Parquet,
            "patients.parquet",
            &b"PAR1 not a footer PAR1"[..],
        ),
        ("bad-sqlite", Kind::Sqlite, "patients.db", &[7u8; 4096][..]),
        (
            "bad-jsonl",
            Kind::Jsonl,
            "patients.jsonl",
            &b"{\"a\":1}\nnot json\n"[..],
        ),
    ];
    for (name, kind, file, bytes) in bad {
        // The broken SQLite database shares the tests' capability, so a request can name it.
        let capability = if kind == Kind::Sqlite {
            CAPABILITY.to_owned()
        } else {
            format!("demo/{name}")
        };
        datasets.push(served(root, name, kind, &capability));
        fs::write(root.join(name).join(file), bytes).unwrap();
    }
    let mut config = crate::agent::config();
    config.datasets = datasets;
    config.node.egress.restricted_keys.push("ssn".to_owned());
    let node = service(config);
    let published = document(&node);

    for (name, kind, _) in good {
        let dataset = info(&published, name);
        assert_eq!(dataset.format, kind.file_format());
        assert_eq!(
            (dataset.row_count, dataset.commitment.len()),
            (ROWS, 32),
            "{name}"
        );
        assert!(dataset.error.is_empty(), "{name}: {}", dataset.error);
        let prefix = if kind == Kind::Sqlite {
            "patients."
        } else {
            ""
        };
        let flags: Vec<_> = dataset
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.restricted))
            .collect();
        assert_eq!(flags.len(), generate::COLUMNS.len(), "{name}");
        assert_eq!(flags[1], (format!("{prefix}ssn").as_str(), true), "{name}");
        assert!(!flags[0].1 && !flags[2].1, "{name}");
        assert_eq!(
            dataset.columns[5].r#type,
            pb::ColumnType::Date as i32,
            "{name}"
        );
    }
    let reasons = [
        (
            "bad-parquet",
            "patients.parquet: not a readable Parquet file",
        ),
        (
            "bad-sqlite",
            "patients.db: not a readable SQLite database (corrupt or locked)",
        ),
        ("bad-jsonl", "patients.jsonl: line 2 is not a JSON object"),
    ];
    for (name, reason) in reasons {
        let dataset = info(&published, name);
        assert_eq!(dataset.error, reason);
        assert!(dataset.commitment.is_empty() && dataset.columns.is_empty());
    }

    // A request for the broken database's capability is refused before anything runs.
    let mut agent = Agent::new(1, &node.describe(NOW_MS));
    let (request, _, _) = agent.seal("wat/hello.wasm", b"");
    let responses = collect(node.execute(request, crate::service::LOCAL, NOW_MS)).await;
    assert_eq!(error_code(&responses), pb::ErrorCode::UnknownCapability);

    // Fixed on disk, it is committed at the next check and served.
    let fixed = root.join("bad-sqlite/patients.db");
    fs::remove_file(&fixed).unwrap();
    generate::sqlite(&fixed, 0, 10).unwrap();
    assert_eq!(node.refresh_datasets(), 1);
    let dataset = info(&document(&node), "bad-sqlite").clone();
    assert_eq!((dataset.row_count, dataset.error.as_str()), (10, ""));
    assert_eq!(dataset.commitment.len(), 32);
}
