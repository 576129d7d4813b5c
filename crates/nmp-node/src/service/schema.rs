//! Inferred CSV schemas for the capability document: column names and types, row counts —
//! never a value.

use std::{io, path::Path};

use nmp_wire::pb;

use crate::dataset::table::{Records, csv_files};

/// Data rows sampled per file to infer column types. Default 100.
pub const SCHEMA_SAMPLE_ROWS: usize = 100;

/// The columns and row count of the `.csv` files directly inside `dir` (sorted by name): the
/// columns come from the first file's header and sample; rows are summed over all files.
/// `restricted` tells whether a column name is one of the owner's restricted keys.
pub(crate) fn infer(
    dir: &Path,
    restricted: impl Fn(&str) -> bool,
) -> io::Result<(Vec<pb::Column>, u64)> {
    let files = csv_files(dir)?;
    let mut columns = Vec::new();
    let mut rows = 0u64;
    for (i, file) in files.iter().enumerate() {
        let (names, types, count) = scan(file)?;
        rows += count;
        if i == 0 {
            columns = names
                .into_iter()
                .zip(types)
                .map(|(name, ty)| pb::Column {
                    restricted: restricted(&name),
                    name,
                    r#type: ty as i32,
                })
                .collect();
        }
    }
    Ok((columns, rows))
}

/// Header names, inferred types and the number of non-blank data records of one file (a
/// quoted newline is inside its record, not a new row).
fn scan(file: &Path) -> io::Result<(Vec<String>, Vec<pb::ColumnType>, u64)> {
    let mut records = Records::open(file)?;
    let Some(names) = records.next_record()? else {
        return Ok((Vec::new(), Vec::new(), 0));
    };
    let mut types: Vec<Option<pb::ColumnType>> = vec![None; names.len()];
    let mut rows = 0u64;
    while let Some(values) = records.next_record()? {
        if rows < SCHEMA_SAMPLE_ROWS as u64 {
            for (slot, value) in types.iter_mut().zip(&values) {
                *slot = merge(*slot, value);
            }
        }
        rows += 1;
    }
    let types = types
        .into_iter()
        .map(|t| t.unwrap_or(pb::ColumnType::String))
        .collect();
    Ok((names, types, rows))
}

/// The narrowest type holding both what was seen and `value`; empty values say nothing.
fn merge(seen: Option<pb::ColumnType>, value: &str) -> Option<pb::ColumnType> {
    use pb::ColumnType::{Boolean, Date, Float, Integer, String};
    if value.is_empty() {
        return seen;
    }
    let this = if value.parse::<i64>().is_ok() {
        Integer
    } else if value.parse::<f64>().is_ok() {
        Float
    } else if matches!(value.to_ascii_lowercase().as_str(), "true" | "false") {
        Boolean
    } else if is_date(value) {
        Date
    } else {
        String
    };
    Some(match (seen, this) {
        (None, t) => t,
        (Some(a), b) if a == b => a,
        (Some(Integer), Float) | (Some(Float), Integer) => Float,
        _ => String,
    })
}

/// `YYYY-MM-DD`.
fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::dataset::table::MAX_CSV_RECORD_BYTES;

    #[test]
    fn infers_types_from_header_and_sample() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.csv"),
            "id,name,age,cost,ok,born\n1,\"Doe, J\",40,1.5,true,1980-01-02\n2,Bo,,2,false,1990-12-31\n\n",
        )
        .unwrap();
        let (columns, rows) = infer(dir.path(), |c| c == "name").unwrap();
        assert_eq!(rows, 2);
        let types: Vec<_> = columns
            .iter()
            .map(|c| (c.name.as_str(), c.r#type))
            .collect();
        use pb::ColumnType as T;
        assert_eq!(
            types,
            [
                ("id", T::Integer as i32),
                ("name", T::String as i32),
                ("age", T::Integer as i32),
                ("cost", T::Float as i32),
                ("ok", T::Boolean as i32),
                ("born", T::Date as i32),
            ]
        );
        assert!(columns[1].restricted && !columns[0].restricted);
    }

    #[test]
    fn a_quoted_newline_is_one_row_and_an_over_long_record_ends_the_count() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "a,b\n1,\"x\ny\"\n2,z\n").unwrap();
        let mut text = b"a,b\n3,w\n".to_vec();
        text.extend(std::iter::repeat_n(b'9', MAX_CSV_RECORD_BYTES + 10));
        text.extend(b"\n4,v\n");
        fs::write(dir.path().join("b.csv"), text).unwrap();
        let (columns, rows) = infer(dir.path(), |_| false).unwrap();
        assert_eq!((columns.len(), rows), (2, 3));
    }
}
