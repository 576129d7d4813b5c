//! Describing a dataset of any kind: one entry point over the kinds' readers.

use std::path::Path;

use nmp_egress::ValueIndexBuilder;

use crate::{Error, Kind, Table, csv, jsonl, parquet, sqlite};

/// The schema and row count of the dataset of `kind` in the directory `dir`; the values of the
/// columns `indexed` accepts (matched by column name, without a table prefix) are added to
/// `values` on the way. Only the files directly inside `dir` with the kind's
/// [extensions](Kind::extensions) are read; a [`Kind::Postgres`] directory holds a CSV
/// snapshot; [`Kind::Raw`] has no schema.
///
/// Fails on the first file that cannot be read or decoded, naming it. Cost: one pass over the
/// text kinds' files; footers and indexed columns for Parquet; the tables' b-trees for SQLite.
pub fn describe(
    kind: Kind,
    dir: &Path,
    indexed: &dyn Fn(&str) -> bool,
    values: &mut ValueIndexBuilder,
) -> Result<Table, Error> {
    match kind {
        Kind::Csv | Kind::Postgres => csv::read(dir, indexed, values),
        Kind::Jsonl => jsonl::read(dir, indexed, values),
        Kind::Parquet => parquet::read(dir, indexed, values),
        Kind::Sqlite => sqlite::read(dir, indexed, values),
        Kind::Raw => Ok(Table::default()),
    }
}
