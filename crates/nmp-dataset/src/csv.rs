//! CSV datasets: the header of each file names its columns, the first file's header and sample
//! give the published schema, and every non-blank record is a row.

mod records;

use std::path::Path;

use nmp_egress::ValueIndexBuilder;

pub use self::records::MAX_CSV_RECORD_BYTES;
pub(crate) use self::records::Records;
use crate::{
    Error, Kind,
    table::{Column, Sampler, Table, Value},
};

/// Describes the `.csv` files directly inside `dir` (sorted by name) and adds the values of
/// each file's columns that `indexed` accepts to `values`. A record longer than
/// [`MAX_CSV_RECORD_BYTES`] ends its file. One pass over every file.
pub(crate) fn read(
    dir: &Path,
    indexed: &dyn Fn(&str) -> bool,
    values: &mut ValueIndexBuilder,
) -> Result<Table, Error> {
    let mut table = Table::default();
    for (i, file) in Kind::Csv
        .files(dir)
        .map_err(Error::io(dir))?
        .iter()
        .enumerate()
    {
        let mut records = Records::open(file).map_err(Error::io(file))?;
        let Some(header) = records.next_record().map_err(Error::io(file))? else {
            continue;
        };
        let index: Vec<bool> = header.iter().map(|name| indexed(name)).collect();
        let mut sampler = (i == 0).then(Sampler::default);
        while let Some(cells) = records.next_record().map_err(Error::io(file))? {
            table.rows += 1;
            if let Some(sampler) = sampler.as_mut().filter(|s| s.wants_more()) {
                sampler.row(
                    cells
                        .iter()
                        .map(|c| (!c.is_empty()).then(|| Value::Text(c))),
                );
            }
            for (cell, _) in cells.iter().zip(&index).filter(|(_, on)| **on) {
                values.add(cell)?;
            }
        }
        if let Some(sampler) = sampler {
            let types = sampler.types(header.len());
            table.columns = header
                .into_iter()
                .zip(types)
                .map(|(name, ty)| Column {
                    table: None,
                    name,
                    ty,
                })
                .collect();
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use nmp_egress::ValueIndex;

    use super::*;
    use crate::ColumnType as T;

    fn read_dir(dir: &Path, indexed: &dyn Fn(&str) -> bool) -> (Table, ValueIndex) {
        let mut values = ValueIndex::builder();
        let table = read(dir, indexed, &mut values).unwrap();
        let rows = table.rows;
        (table, values.build(rows))
    }

    #[test]
    fn schema_from_the_first_file_rows_from_all_and_quoted_newlines_inside_a_row() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.csv"),
            "id,name,age,cost,ok,born\n1,\"Doe, J\",40,1.5,true,1980-01-02\n2,\"Bo\nX\",,2,false,1990-12-31\n\n",
        )
        .unwrap();
        fs::write(dir.path().join("b.csv"), "id,other\n3,x\n").unwrap();
        let (table, _) = read_dir(dir.path(), &|_| false);
        assert_eq!(table.rows, 3);
        let types: Vec<_> = table
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ty))
            .collect();
        assert_eq!(
            types,
            [
                ("id", T::Integer),
                ("name", T::String),
                ("age", T::Integer),
                ("cost", T::Float),
                ("ok", T::Boolean),
                ("born", T::Date),
            ]
        );
    }

    #[test]
    fn an_over_long_record_ends_the_count_of_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = b"a,b\n3,w\n".to_vec();
        text.extend(std::iter::repeat_n(b'9', MAX_CSV_RECORD_BYTES + 10));
        text.extend(b"\n4,v\n");
        fs::write(dir.path().join("b.csv"), text).unwrap();
        let (table, _) = read_dir(dir.path(), &|_| false);
        assert_eq!((table.columns.len(), table.rows), (2, 1));
    }

    #[test]
    fn indexes_the_values_of_indexed_columns_of_every_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "ssn,n\n100-20-3000,1\n").unwrap();
        fs::write(dir.path().join("b.csv"), "n,ssn\n2,100-20-3001\n").unwrap();
        let (_, index) = read_dir(dir.path(), &|c| c == "ssn");
        assert_eq!(index.len(), 2);
        assert!(index.find(b"x 100-20-3001 y").is_some());
    }
}
