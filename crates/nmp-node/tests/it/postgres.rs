//! PostgreSQL datasets on a running node, against a real server the test starts
//! ([`LocalServer`]: Debian's `postgresql` binaries, which `scripts/setup.sh` installs): the node
//! serves a committed CSV snapshot of a table, the guest reads it, a refresh after the table
//! changes gives a new commitment, and an unreachable server or a failing query is a reason in
//! the capability document while the other datasets are still served and nothing is
//! half-written.

use std::time::Duration;

use nmp_crypto::capability;
use nmp_dataset::{LOCAL_PORT, LOCAL_USER, LocalServer};
use nmp_node::{Node, config::File};
use nmp_wire::pb;

use crate::{
    agent::{Agent, CAPABILITY, node_identity, result},
    example,
    mesh::{DEADLINE, collect, mesh_with_node, now_ms},
};

/// A `patients` table of `rows` rows shaped like `nmp_dataset::generate`'s.
fn create(rows: u64) -> String {
    format!(
        "DROP TABLE IF EXISTS patients; CREATE TABLE patients AS SELECT i AS id, \
         format('%s-%s-%s', 100 + i / 900000 % 800, 10 + i / 10000 % 90, lpad((i % 10000)::text, 4, '0')) AS ssn, \
         (ARRAY['Riverton','Lakeside','Hillview','Brookfield','Fairmont','Oakdale','Westport','Sunnyvale'])[1 + i % 8] AS city, \
         18 + i % 80 AS age, 40 + (i % 800) / 10.0 AS weight, DATE '2020-01-01' + (i % 1826)::int AS visit \
         FROM generate_series(0, {}) i",
        rows - 1
    )
}

/// The node file's datasets: the snapshot under the tests' capability (taken every
/// `refresh_secs`, or only at start and on demand), the bundled CSV under another, and a
/// snapshot whose query fails.
fn datasets(server: &LocalServer, dir: &std::path::Path, refresh_secs: Option<u64>) -> File {
    let host = server.socket_dir().display();
    let port = LOCAL_PORT;
    let refresh = refresh_secs.map_or(String::new(), |s| format!("refresh_secs = {s}"));
    File::parse(&format!(
        r#"
identity = "node.key"

[[datasets]]
name = "patients"
path = "{}"
capability = "demo.hospital/csv"

[[datasets]]
name = "snapshot"
path = "{}"
format = "postgres"
capability = "{CAPABILITY}"
[datasets.postgres]
host = "{host}"
port = {port}
user = "{LOCAL_USER}"
dbname = "postgres"
table = "patients"
{refresh}
timeout_secs = 10

[[datasets]]
name = "broken"
path = "{}"
format = "postgres"
capability = "demo.hospital/broken"
[datasets.postgres]
host = "{host}"
port = {port}
user = "{LOCAL_USER}"
dbname = "postgres"
query = "SELECT no_such_column FROM patients"
timeout_secs = 10
"#,
        example("data").display(),
        dir.join("snapshot").display(),
        dir.join("broken").display(),
    ))
    .expect("valid configuration")
}

async fn document(agent: &nmp_net::Mesh, node: &Node) -> pb::CapabilityDocument {
    let signed = agent
        .describe(node.peer_id())
        .await
        .expect("node describes");
    capability::verify(&signed, Some(&node_identity().peer_id()), now_ms()).expect("verifies")
}

fn dataset<'d>(document: &'d pb::CapabilityDocument, name: &str) -> &'d pb::DatasetInfo {
    document
        .datasets
        .iter()
        .find(|d| d.name == name)
        .expect("published")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_postgres_snapshot_is_served_refreshed_and_its_failures_published() {
    let server = LocalServer::start().expect("a local PostgreSQL server starts");
    server.psql(&create(2_000)).expect("psql");
    let dir = tempfile::tempdir().unwrap();
    let configured = datasets(&server, dir.path(), Some(1));
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, _) = mesh_with_node(dir.path(), |file| {
            file.datasets = configured.datasets.clone();
        })
        .await;
        let first = document(&agent, &node).await;
        let snapshot = dataset(&first, "snapshot");
        assert_eq!(
            (snapshot.format.as_str(), snapshot.row_count),
            ("csv", 2_000)
        );
        assert!(snapshot.error.is_empty(), "{}", snapshot.error);
        assert_eq!(snapshot.commitment.len(), 32);
        let taken = snapshot
            .snapshot
            .as_ref()
            .expect("the snapshot is published");
        assert_eq!(taken.query, r#"SELECT * FROM "patients""#);
        let names: Vec<_> = snapshot
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.restricted))
            .collect();
        assert_eq!(names[..2], [("id", false), ("ssn", true)]);
        // The failing query: not served, why, and nothing left in or beside its directory.
        let broken = dataset(&first, "broken");
        assert!(broken.commitment.is_empty());
        assert_eq!(broken.error, "PostgreSQL snapshot: the query failed");
        assert_eq!(
            std::fs::read_dir(dir.path().join("broken"))
                .unwrap()
                .count(),
            0
        );
        assert!(!dir.path().join(".broken.snapshot.tmp").exists());
        // The other dataset is served.
        assert_eq!(dataset(&first, "patients").commitment.len(), 32);

        // The guest reads the snapshot; the receipt binds its commitment.
        let signed = agent.describe(node.peer_id()).await.unwrap();
        let mut sealer = Agent::at(7, &signed, now_ms());
        let (request, key, _) =
            sealer.seal("c/aggregate.wasm", br#"{"group_by":"city","metric":"age"}"#);
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        let answer = result(&responses, &key);
        assert_eq!(answer.outcome, pb::Outcome::Completed as i32);
        let output = String::from_utf8(answer.stdout.clone()).unwrap();
        assert!(
            output.contains("Riverton") && output.contains("\"count\":250"),
            "{output}"
        );
        let receipt = answer.receipt.as_ref().expect("receipt");
        let body = nmp_crypto::receipt::verify(receipt, &nmp_crypto::receipt::Expected::default())
            .expect("receipt verifies");
        assert_eq!(body.datasets[0].sha256, snapshot.commitment);
        assert_eq!(body.datasets[0].snapshot, snapshot.snapshot);

        // The table changes: the next scheduled snapshot is a new commitment.
        server.psql(&create(2_500)).expect("psql");
        let changed = loop {
            let now = document(&agent, &node).await;
            let info = dataset(&now, "snapshot").clone();
            if info.commitment != snapshot.commitment {
                break info;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(changed.row_count, 2_500);

        // The server goes away: the last snapshot is still served, and the document says why
        // the refresh failed (a snapshot under way as it stops fails in its transaction; the
        // next one cannot connect).
        server.stop().expect("the server stops");
        let failed = loop {
            let now = document(&agent, &node).await;
            let info = dataset(&now, "snapshot").clone();
            if info.error == "PostgreSQL snapshot: cannot connect" {
                break info;
            }
            assert!(info.error.is_empty() || info.error.starts_with("PostgreSQL snapshot: "));
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(failed.commitment, changed.commitment);
        assert_eq!(
            std::fs::read_dir(dir.path().join("snapshot"))
                .unwrap()
                .count(),
            1
        );
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_refresh_takes_the_snapshot_at_once_and_receipts_name_it() {
    let server = LocalServer::start().expect("a local PostgreSQL server starts");
    server.psql(&create(1_000)).expect("psql");
    let dir = tempfile::tempdir().unwrap();
    let configured = datasets(&server, dir.path(), None);
    tokio::time::timeout(DEADLINE, async {
        let (_bootstrap, node, agent, _) = mesh_with_node(dir.path(), |file| {
            file.datasets = configured.datasets.clone();
        })
        .await;
        let first = dataset(&document(&agent, &node).await, "snapshot").clone();
        assert_eq!(first.row_count, 1_000);

        // Nothing changes without a schedule until the owner asks.
        server.psql(&create(1_500)).expect("psql");
        let unchanged = node.refresh().await;
        assert_eq!(unchanged.recommitted, 0);
        // The failing query is tried again and fails; the table's snapshot is taken.
        assert_eq!(unchanged.snapshots, 1);
        let now = dataset(&document(&agent, &node).await, "snapshot").clone();
        assert_eq!(now.row_count, 1_500);
        assert_ne!(now.commitment, first.commitment);
        let (old, new) = (first.snapshot.unwrap(), now.snapshot.clone().unwrap());
        assert!(new.taken_at_ms >= old.taken_at_ms);

        // A request accepted after the refresh names the new snapshot in its receipt.
        let signed = agent.describe(node.peer_id()).await.unwrap();
        let mut sealer = Agent::at(8, &signed, now_ms());
        let (request, key, _) =
            sealer.seal("c/aggregate.wasm", br#"{"group_by":"city","metric":"age"}"#);
        let responses = collect(agent.open_logic(node.peer_id(), &request).await.unwrap()).await;
        let answer = result(&responses, &key);
        let receipt = answer.receipt.as_ref().expect("receipt");
        let body = nmp_crypto::receipt::verify(receipt, &nmp_crypto::receipt::Expected::default())
            .expect("receipt verifies");
        assert_eq!(body.datasets[0].sha256, now.commitment);
        assert_eq!(body.datasets[0].snapshot, Some(new));
        node.shutdown().await;
    })
    .await
    .expect("within the deadline");
}
