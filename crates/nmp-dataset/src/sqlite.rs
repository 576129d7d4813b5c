//! SQLite datasets: database files mounted read-only. The catalogue names the tables and their
//! columns (published as `table.column`); rows are summed over the tables.

use std::path::Path;

use nmp_egress::ValueIndexBuilder;
use rusqlite::{Connection, OpenFlags, types::ValueRef};

use crate::{
    ColumnType, Error, Kind,
    table::{Column, Table},
};

/// Describes every table of the SQLite databases directly inside `dir` (sorted by name) and
/// adds the text and integer values of the columns `indexed` accepts (by column name) to
/// `values`.
///
/// Each database is opened read-only and never waits for a lock: a database a writer holds
/// locked, a file that is not a database, or a corrupt page fails with [`Error::Sqlite`].
/// Counting rows reads every table's b-tree; indexing reads the indexed columns.
pub(crate) fn read(
    dir: &Path,
    indexed: &dyn Fn(&str) -> bool,
    values: &mut ValueIndexBuilder,
) -> Result<Table, Error> {
    let mut table = Table::default();
    for path in Kind::Sqlite.files(dir).map_err(Error::io(dir))? {
        let failed = |source: rusqlite::Error| Error::Sqlite {
            path: path.clone(),
            source: source.into(),
        };
        let db = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(failed)?;
        for name in tables(&db).map_err(failed)? {
            let columns = columns(&db, &name).map_err(failed)?;
            table.rows += rows(&db, &name).map_err(failed)?;
            let wanted: Vec<&str> = columns
                .iter()
                .map(|c| c.name.as_str())
                .filter(|c| indexed(c))
                .collect();
            index(&db, &name, &wanted, values).map_err(|e| match e {
                Indexing::Sqlite(e) => failed(e),
                Indexing::Values(e) => Error::Values(e),
            })?;
            table.columns.extend(columns);
        }
    }
    Ok(table)
}

/// The database's own tables (not SQLite's internal ones), sorted by name.
fn tables(db: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = db.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    statement.query_map([], |row| row.get(0))?.collect()
}

/// The columns of `table` with the type their declaration states (SQLite's affinity rules,
/// plus `BOOL` and `DATE`).
fn columns(db: &Connection, table: &str) -> rusqlite::Result<Vec<Column>> {
    let mut statement = db.prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")?;
    statement
        .query_map([table], |row| {
            let declared: String = row.get(1)?;
            Ok(Column {
                table: Some(table.to_owned()),
                name: row.get(0)?,
                ty: declared_type(&declared),
            })
        })?
        .collect()
}

fn rows(db: &Connection, table: &str) -> rusqlite::Result<u64> {
    let sql = format!("SELECT count(*) FROM {}", quoted(table));
    db.query_row(&sql, [], |row| row.get::<_, i64>(0))
        .map(|n| u64::try_from(n).unwrap_or(0))
}

enum Indexing {
    Sqlite(rusqlite::Error),
    Values(nmp_egress::ValuesError),
}

/// Adds the values of `columns` of `table` to the index: text as it is, integers and reals in
/// SQLite's own spelling; blobs and nulls are left out.
fn index(
    db: &Connection,
    table: &str,
    columns: &[&str],
    values: &mut ValueIndexBuilder,
) -> Result<(), Indexing> {
    if columns.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
    let sql = format!("SELECT {} FROM {}", list.join(", "), quoted(table));
    let mut statement = db.prepare(&sql).map_err(Indexing::Sqlite)?;
    let mut rows = statement.query([]).map_err(Indexing::Sqlite)?;
    while let Some(row) = rows.next().map_err(Indexing::Sqlite)? {
        for i in 0..columns.len() {
            let text = match row.get_ref(i).map_err(Indexing::Sqlite)? {
                ValueRef::Text(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(x) => x.to_string(),
                ValueRef::Null | ValueRef::Blob(_) => continue,
            };
            values.add(&text).map_err(Indexing::Values)?;
        }
    }
    Ok(())
}

/// An SQL identifier in double quotes, inner quotes doubled.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The published type of a declared column type, by SQLite's affinity rules (section 3.1 of
/// its datatype documentation), with `BOOL…` and `DATE…` told apart from numbers.
fn declared_type(declared: &str) -> ColumnType {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        ColumnType::Integer
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        ColumnType::String
    } else if upper.starts_with("BOOL") {
        ColumnType::Boolean
    } else if upper.starts_with("DATE") {
        ColumnType::Date
    } else if ["REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL"]
        .iter()
        .any(|t| upper.contains(t))
    {
        ColumnType::Float
    } else {
        ColumnType::String
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use nmp_egress::ValueIndex;

    use super::*;
    use crate::ColumnType as T;

    fn read_dir(dir: &Path, indexed: &dyn Fn(&str) -> bool) -> Result<(Table, ValueIndex), Error> {
        let mut values = ValueIndex::builder();
        let table = read(dir, indexed, &mut values)?;
        let rows = table.rows;
        Ok((table, values.build(rows)))
    }

    fn database(path: &Path) -> Connection {
        let db = Connection::open(path).unwrap();
        db.execute_batch(
            "CREATE TABLE patients (id INTEGER PRIMARY KEY, ssn TEXT, weight REAL, born DATE, ok BOOLEAN, raw BLOB);
             INSERT INTO patients (ssn, weight, born, ok) VALUES ('100-20-3000', 70.5, '1980-01-01', 1), ('100-20-3001', NULL, NULL, 0);
             CREATE TABLE \"we\"\"ird\" (n NUMERIC);
             INSERT INTO \"we\"\"ird\" VALUES (1), (2), (3);",
        )
        .unwrap();
        db
    }

    #[test]
    fn tables_columns_and_rows_from_the_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        drop(database(&dir.path().join("h.db")));
        let (table, index) = read_dir(dir.path(), &|c| c == "ssn").unwrap();
        assert_eq!(table.rows, 5);
        let names: Vec<_> = table
            .columns
            .iter()
            .map(|c| (c.qualified_name(), c.ty))
            .collect();
        assert_eq!(
            names,
            [
                ("patients.id".to_owned(), T::Integer),
                ("patients.ssn".to_owned(), T::String),
                ("patients.weight".to_owned(), T::Float),
                ("patients.born".to_owned(), T::Date),
                ("patients.ok".to_owned(), T::Boolean),
                ("patients.raw".to_owned(), T::String),
                ("we\"ird.n".to_owned(), T::Float),
            ]
        );
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn a_file_that_is_not_a_database_fails() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x.sqlite"), vec![7u8; 8192]).unwrap();
        let err = read_dir(dir.path(), &|_| false).unwrap_err();
        assert!(matches!(err, Error::Sqlite { .. }), "{err:?}");
    }

    #[test]
    fn a_database_a_writer_holds_locked_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let writer = database(&dir.path().join("h.db"));
        writer
            .execute_batch("BEGIN EXCLUSIVE; INSERT INTO patients (ssn) VALUES ('x');")
            .unwrap();
        let err = read_dir(dir.path(), &|_| false).unwrap_err();
        assert!(matches!(err, Error::Sqlite { .. }), "{err:?}");
        writer.execute_batch("COMMIT").unwrap();
        assert_eq!(read_dir(dir.path(), &|_| false).unwrap().0.rows, 6);
    }
}
