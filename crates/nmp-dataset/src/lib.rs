//! The kinds of dataset an NMP Data Node serves, and what the node publishes about each: its
//! columns with their types, its row count, and the index of the values the egress filter must
//! never let out. Values themselves are never published.
//!
//! A dataset is a directory the guest sees read-only at `/data/<name>`; its [`Kind`] says which
//! files in it are described and how: CSV and JSON Lines are parsed, Parquet footers are read
//! with the `parquet` crate, SQLite catalogues with `rusqlite`. A [`Kind::Postgres`] dataset is
//! a CSV snapshot of a query the node takes itself ([`snapshot`]) with `tokio-postgres`.
//!
//! ```
//! use nmp_dataset::{Kind, describe};
//! use nmp_egress::ValueIndex;
//!
//! let dir = tempfile::tempdir()?;
//! nmp_dataset::generate::csv(&dir.path().join("p.csv"), 0, 100)?;
//! let mut values = ValueIndex::builder();
//! let table = describe(Kind::Csv, dir.path(), &|column| column == "ssn", &mut values)?;
//! assert_eq!((table.columns.len(), table.rows), (6, 100));
//! assert_eq!(values.build(table.rows).len(), 100);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```
//!
//! # Concepts
//!
//! - [`Kind`]: what a dataset's directory holds, as the node file's `format` names it.
//! - [`Table`]: the columns ([`Column`], [`ColumnType`]) and rows of a dataset, computed at each
//!   commitment.
//! - [`Source`]: where a PostgreSQL snapshot comes from; [`Snapshot`]: one taken;
//!   [`LocalServer`]: a throwaway PostgreSQL server for the demo and the tests.
//! - [`generate`]: deterministic synthetic data in every kind, for tests and scale runs.

mod csv;
mod error;
pub mod generate;
mod import;
mod jsonl;
mod kind;
mod parquet;
mod postgres;
mod read;
mod sqlite;
mod table;

#[cfg(unix)]
pub use self::postgres::server::{LOCAL_PORT, LOCAL_USER, LocalServer, ServerError};
pub use self::{
    csv::MAX_CSV_RECORD_BYTES,
    error::{Cause, Error},
    import::csv_into_sqlite,
    jsonl::MAX_JSONL_LINE_BYTES,
    kind::Kind,
    postgres::{DEFAULT_MAX_SNAPSHOT_BYTES, SNAPSHOT_FILE, Snapshot, Source, snapshot},
    read::describe,
    table::{Column, ColumnType, SCHEMA_SAMPLE_ROWS, Table},
};
