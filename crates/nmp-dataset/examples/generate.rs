//! Writes a deterministic synthetic patients dataset of about the given size in one kind, for
//! the scale runs (the README's dataset rows): the same arguments always give the same bytes.
//!
//! `cargo run --release -p nmp-dataset --example generate -- <csv|jsonl|parquet|sqlite> <MiB> <dir>`
//!
//! Writes `<dir>/patients.<ext>`; the row count is chosen from a 10,000-row sample of the same
//! kind so that the file comes out within a few percent of the size asked. Then describes it as
//! a node does (schema, row count, and the value index of its `ssn` column) and prints how long
//! each step took. For a PostgreSQL table of the same rows, load the CSV
//! (`COPY patients FROM '<file>' WITH (FORMAT csv, HEADER)`).

use std::{fs, path::Path, time::Instant};

use anyhow::{Context as _, bail};
use nmp_dataset::{Kind, describe, generate};
use nmp_egress::ValueIndex;

const SAMPLE_ROWS: u64 = 10_000;

fn write(kind: &str, path: &Path, rows: u64) -> anyhow::Result<()> {
    match kind {
        "csv" => generate::csv(path, 0, rows)?,
        "jsonl" => generate::jsonl(path, 0, rows)?,
        "parquet" => generate::parquet(path, 0, rows)?,
        "sqlite" => {
            let _ = fs::remove_file(path);
            generate::sqlite(path, 0, rows)?;
        }
        other => bail!("unknown kind `{other}`: csv, jsonl, parquet or sqlite"),
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, mib, dir] = args.as_slice() else {
        bail!("usage: generate <csv|jsonl|parquet|sqlite> <MiB> <dir>");
    };
    let target: u64 = mib.parse::<u64>().context("MiB is a number")? << 20;
    let dir = Path::new(dir);
    fs::create_dir_all(dir)?;
    let path = dir.join(format!("patients.{kind}"));
    write(kind, &path, SAMPLE_ROWS)?;
    let per_row = fs::metadata(&path)?.len() as f64 / SAMPLE_ROWS as f64;
    let rows = ((target as f64 / per_row) as u64).max(1);
    let started = Instant::now();
    write(kind, &path, rows)?;
    let bytes = fs::metadata(&path)?.len();
    println!(
        "{}: {rows} rows, {bytes} bytes, written in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    let kind = match kind.as_str() {
        "csv" => Kind::Csv,
        "jsonl" => Kind::Jsonl,
        "parquet" => Kind::Parquet,
        _ => Kind::Sqlite,
    };
    for (what, indexed) in [
        ("schema and rows", false),
        ("and the ssn value index", true),
    ] {
        let started = Instant::now();
        let mut values = ValueIndex::builder();
        let table = describe(kind, dir, &|c| indexed && c == "ssn", &mut values)?;
        let index = values.build(table.rows);
        println!(
            "describe ({what}): {} rows, {} columns, {} indexed forms, {:.2} s",
            table.rows,
            table.columns.len(),
            index.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
