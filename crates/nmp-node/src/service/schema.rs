//! Inferred CSV schemas for the capability document: column names and types, row counts —
//! never a value.

use std::{
    fs,
    io::{self, BufRead, BufReader, Read as _},
    path::Path,
};

use nmp_wire::pb;

/// Data rows sampled per file to infer column types. Default 100.
pub const SCHEMA_SAMPLE_ROWS: usize = 100;

/// Longest CSV line read while inferring a schema or counting rows: 1 MiB. A longer line stops
/// the count there and the dataset is described with what was read.
pub const MAX_CSV_LINE_BYTES: usize = 1024 * 1024;

/// The columns and row count of the `.csv` files directly inside `dir` (sorted by name): the
/// columns come from the first file's header and sample; rows are summed over all files.
/// `restricted` tells whether a column name is one of the owner's restricted keys.
pub(crate) fn infer(
    dir: &Path,
    restricted: impl Fn(&str) -> bool,
) -> io::Result<(Vec<pb::Column>, u64)> {
    let mut files: Vec<_> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
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

/// Header names, inferred types and the number of non-empty data rows of one file.
fn scan(file: &Path) -> io::Result<(Vec<String>, Vec<pb::ColumnType>, u64)> {
    let mut reader = BufReader::new(fs::File::open(file)?);
    let mut line = Vec::new();
    if !next_line(&mut reader, &mut line)? {
        return Ok((Vec::new(), Vec::new(), 0));
    }
    let names: Vec<String> = fields(&String::from_utf8_lossy(&line));
    let mut types: Vec<Option<pb::ColumnType>> = vec![None; names.len()];
    let mut rows = 0u64;
    while next_line(&mut reader, &mut line)? {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if rows < SCHEMA_SAMPLE_ROWS as u64 {
            let values = fields(&String::from_utf8_lossy(&line));
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

/// Reads the next line into `line` (without its `\n`), never buffering more than
/// [`MAX_CSV_LINE_BYTES`]; `false` at the end of the file or at an over-long line.
pub(crate) fn next_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    let limit = MAX_CSV_LINE_BYTES as u64 + 1;
    let read = reader.by_ref().take(limit).read_until(b'\n', line)?;
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(true);
    }
    // No newline: the end of the file (a last line without one), or a line over the limit.
    Ok(read > 0 && line.len() <= MAX_CSV_LINE_BYTES)
}

/// Splits one CSV line (RFC 4180 quoting) into trimmed fields.
pub(crate) fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field).trim().to_owned()),
            _ => field.push(c),
        }
    }
    out.push(field.trim().to_owned());
    out
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
    use super::*;

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
    fn an_over_long_line_ends_the_count_without_buffering_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = b"a\n1\n".to_vec();
        text.extend(std::iter::repeat_n(b'9', MAX_CSV_LINE_BYTES + 10));
        text.extend(b"\n2\n");
        fs::write(dir.path().join("a.csv"), text).unwrap();
        let (columns, rows) = infer(dir.path(), |_| false).unwrap();
        assert_eq!((columns.len(), rows), (1, 1));
    }
}
