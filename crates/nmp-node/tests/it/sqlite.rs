//! The SQLite-in-wasm example guest (`examples/logic/sqlite/query.wasm`, SQLite's amalgamation
//! compiled into the module) answers a `GROUP BY` over a mounted SQLite dataset exactly as the
//! `sqlite3` CLI answers it on the same file.

use std::process::Command;

use nmp_node::{Dataset, Job, Kind, Outcome, Pipeline, PipelineConfig};
use serde_json::value::RawValue;

use super::example;

const SQL: &str = "SELECT city, COUNT(*) AS n, SUM(age) AS ages, ROUND(AVG(weight), 2) AS weight, \
                   MIN(visit) AS first FROM patients GROUP BY city ORDER BY city";

/// The answer as the CLI prints it in list mode: one line per row, values joined by `|`.
fn lines(rows: &[Vec<&RawValue>]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|v| match serde_json::from_str::<String>(v.get()) {
                    Ok(text) => text,
                    Err(_) => v.get().to_owned(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// The node configuration the engine needs: SQLite recurses (its parser and tree walkers),
/// which the Guardian's defaults refuse; every other default holds.
fn sqlite_config() -> PipelineConfig {
    let mut config = PipelineConfig::default();
    config.guardian.recursion = nmp_guardian::RecursionPolicy::Allow;
    // A 1.1 MB module compiled by a debug build of the host on a shared machine.
    config.sandbox.compile_timeout = std::time::Duration::from_secs(300);
    config.sandbox.limits.timeout = std::time::Duration::from_secs(60);
    config
}

#[test]
fn the_sqlite_guest_answers_a_group_by_as_the_sqlite3_cli_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("patients.db");
    nmp_dataset::generate::sqlite(&db, 0, 20_000).unwrap();
    let cli = Command::new("sqlite3")
        .arg("-readonly")
        .arg(&db)
        .arg(SQL)
        .output()
        .expect("the sqlite3 CLI runs (scripts/setup.sh installs it)");
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let expected: Vec<String> = String::from_utf8(cli.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(expected.len(), nmp_dataset::generate::CITIES.len());

    let pipeline = Pipeline::new(&sqlite_config()).unwrap();
    let dataset = Dataset::new("hospital", dir.path())
        .unwrap()
        .with_kind(Kind::Sqlite)
        .indexed(|column| pipeline.egress().is_restricted_key(column))
        .unwrap();
    let wasm = std::fs::read(example("sqlite/query.wasm")).expect("the committed build");
    let run = |sql: &str| {
        let input = format!("/data/hospital/patients.db\n{sql}");
        pipeline
            .execute(Job {
                wasm: &wasm,
                input: input.as_bytes(),
                datasets: std::slice::from_ref(&dataset),
                limits: None,
            })
            .unwrap()
    };
    let execution = run(SQL);
    assert_eq!(
        execution.outcome(),
        Outcome::Completed,
        "{:?}",
        execution
            .run
            .as_ref()
            .map(|r| String::from_utf8_lossy(r.outcome.stdout()).into_owned())
    );
    #[derive(serde::Deserialize)]
    struct Answer<'a> {
        #[serde(borrow)]
        rows: Vec<Vec<&'a RawValue>>,
    }
    let stdout = execution.stdout().expect("the answer leaves");
    let answer: Answer<'_> = serde_json::from_slice(stdout).unwrap();
    assert_eq!(lines(&answer.rows), expected);

    // The same engine asked for a column of SSNs: the egress filter blocks the answer.
    let leak = run("SELECT ssn FROM patients LIMIT 3");
    assert_eq!(leak.outcome(), Outcome::EgressBlocked);
}
