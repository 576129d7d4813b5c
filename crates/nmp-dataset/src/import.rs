//! Loading a CSV file into a new SQLite table: how `nmp demo --source sqlite` turns its
//! generated patients into a database a hospital might keep.

use std::path::Path;

use nmp_egress::ValueIndex;

use crate::{ColumnType, Error, Kind, csv::Records, describe};

/// Creates the table `table` in a new SQLite database at `db` from the CSV files of the
/// directory `dir` (as [`Kind::Csv`] describes them: the first file's header, types inferred
/// from sampled rows, declared as `INTEGER`, `REAL` or `TEXT` so that SQLite's affinity stores
/// numbers as numbers), in one transaction. Returns the rows loaded. Fails if `db` exists.
pub fn csv_into_sqlite(dir: &Path, db: &Path, table: &str) -> Result<u64, Error> {
    let mut unused = ValueIndex::builder();
    let schema = describe(Kind::Csv, dir, &|_| false, &mut unused)?;
    let sqlite = |source: rusqlite::Error| Error::Sqlite {
        path: db.to_owned(),
        source: source.into(),
    };
    if db.exists() {
        return Err(Error::Io {
            path: db.to_owned(),
            source: std::io::ErrorKind::AlreadyExists.into(),
        });
    }
    let mut connection = rusqlite::Connection::open(db).map_err(sqlite)?;
    let columns: Vec<String> = schema
        .columns
        .iter()
        .map(|c| format!("{} {}", quoted(&c.name), affinity(c.ty)))
        .collect();
    let placeholders = vec!["?"; columns.len()].join(", ");
    let transaction = connection.transaction().map_err(sqlite)?;
    transaction
        .execute(
            &format!("CREATE TABLE {} ({})", quoted(table), columns.join(", ")),
            [],
        )
        .map_err(sqlite)?;
    let mut rows = 0;
    {
        let mut insert = transaction
            .prepare(&format!(
                "INSERT INTO {} VALUES ({placeholders})",
                quoted(table)
            ))
            .map_err(sqlite)?;
        for file in Kind::Csv.files(dir).map_err(Error::io(dir))? {
            let mut records = Records::open(&file).map_err(Error::io(&file))?;
            // Each file's header; the table's columns are the first file's.
            if records.next_record().map_err(Error::io(&file))?.is_none() {
                continue;
            }
            while let Some(cells) = records.next_record().map_err(Error::io(&file))? {
                insert
                    .execute(rusqlite::params_from_iter(cells.iter()))
                    .map_err(sqlite)?;
                rows += 1;
            }
        }
    }
    transaction.commit().map_err(sqlite)?;
    Ok(rows)
}

/// An SQL identifier, double-quoted.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn affinity(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Integer | ColumnType::Boolean => "INTEGER",
        ColumnType::Float => "REAL",
        _ => "TEXT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_becomes_a_typed_table_with_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("csv");
        std::fs::create_dir(&data).unwrap();
        crate::generate::csv(&data.join("p.csv"), 0, 250).unwrap();
        let db = dir.path().join("p.db");
        assert_eq!(csv_into_sqlite(&data, &db, "patients").unwrap(), 250);
        let connection = rusqlite::Connection::open(&db).unwrap();
        let (count, ages): (i64, f64) = connection
            .query_row("SELECT count(*), sum(age) FROM patients", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(count, 250);
        assert!(ages > 0.0);
        let kind: String = connection
            .query_row("SELECT typeof(age) FROM patients LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kind, "integer");
        // Never over an existing database.
        assert!(csv_into_sqlite(&data, &db, "patients").is_err());
    }
}
