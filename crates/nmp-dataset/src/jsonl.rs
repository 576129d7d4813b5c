//! JSON Lines datasets: one JSON object per line. The top-level keys of the first file's
//! sampled objects are the columns; every non-blank line is a row.

use std::{
    collections::HashMap,
    fs,
    io::{self, BufRead, BufReader, Read},
    path::Path,
};

use nmp_egress::ValueIndexBuilder;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value as Json;

use crate::{
    ColumnType, Error, Kind,
    table::{Column, Sampler, Table, Value},
};

/// Longest line read: 1 MiB. A longer line fails the dataset with [`Error::LineTooLong`], so at
/// most this much (plus the reader's 64 KiB buffer and the parsed object) is held at once.
pub const MAX_JSONL_LINE_BYTES: usize = 1024 * 1024;

/// Describes the `.jsonl`/`.ndjson` files directly inside `dir` (sorted by name) and adds the
/// scalar values under the top-level keys `indexed` accepts (nested ones included) to
/// `values`. A line that is not a JSON object fails the dataset. One pass over every file.
pub(crate) fn read(
    dir: &Path,
    indexed: &dyn Fn(&str) -> bool,
    values: &mut ValueIndexBuilder,
) -> Result<Table, Error> {
    let mut table = Table::default();
    let mut indexed_keys: HashMap<String, bool> = HashMap::new();
    for (i, path) in Kind::Jsonl
        .files(dir)
        .map_err(Error::io(dir))?
        .iter()
        .enumerate()
    {
        let file = fs::File::open(path).map_err(Error::io(path))?;
        let mut reader = BufReader::with_capacity(64 * 1024, file);
        let mut schema = (i == 0).then(Schema::default);
        let mut line = Vec::new();
        let mut number = 0u64;
        while next_line(&mut reader, &mut line).map_err(Error::io(path))? {
            number += 1;
            if line.len() > MAX_JSONL_LINE_BYTES {
                return Err(Error::LineTooLong {
                    path: path.clone(),
                    line: number,
                });
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let object = match serde_json::from_slice::<Line>(&line) {
                Ok(Line::Object(object)) => object,
                Ok(Line::Other(_)) => return Err(not_an_object(path, number, None)),
                Err(e) => return Err(not_an_object(path, number, Some(e))),
            };
            table.rows += 1;
            if let Some(schema) = schema.as_mut() {
                schema.sample(&object);
            }
            for (key, value) in &object.0 {
                let on = match indexed_keys.get(key) {
                    Some(on) => *on,
                    None => *indexed_keys.entry(key.clone()).or_insert(indexed(key)),
                };
                if on {
                    add_leaves(value, values)?;
                }
            }
        }
        if let Some(schema) = schema {
            table.columns = schema.columns();
        }
    }
    Ok(table)
}

/// Reads the next line (without its `\n`) into `line`, at most one byte past
/// [`MAX_JSONL_LINE_BYTES`]; `false` at the end of the file.
fn next_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    let limit = MAX_JSONL_LINE_BYTES as u64 + 1;
    let n = reader.by_ref().take(limit).read_until(b'\n', line)?;
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() > MAX_JSONL_LINE_BYTES {
        return Ok(true);
    }
    Ok(n > 0)
}

fn not_an_object(path: &Path, line: u64, source: Option<serde_json::Error>) -> Error {
    Error::Json {
        path: path.to_owned(),
        line,
        source,
    }
}

/// Every string, number and boolean inside `value`, as text, into the index.
fn add_leaves(value: &Json, values: &mut ValueIndexBuilder) -> Result<(), Error> {
    match value {
        Json::Null => {}
        Json::String(s) => values.add(s)?,
        Json::Bool(b) => values.add(if *b { "true" } else { "false" })?,
        Json::Number(n) => values.add(&n.to_string())?,
        Json::Array(items) => items.iter().try_for_each(|v| add_leaves(v, values))?,
        Json::Object(map) => map.values().try_for_each(|v| add_leaves(v, values))?,
    }
    Ok(())
}

/// One line: an object with its members in the order written (`serde_json`'s own map sorts
/// them unless a feature this workspace does not turn on is set), or any other JSON value.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Line {
    Object(Members),
    Other(serde::de::IgnoredAny),
}

/// An object's members in the order written.
struct Members(Vec<(String, Json)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

/// The keys seen in sampled objects, in order of first appearance, and their types.
#[derive(Default)]
struct Schema {
    keys: Vec<String>,
    positions: HashMap<String, usize>,
    sampler: Sampler,
}

impl Schema {
    fn sample(&mut self, object: &Members) {
        if !self.sampler.wants_more() {
            return;
        }
        for (key, _) in &object.0 {
            if !self.positions.contains_key(key) {
                self.positions.insert(key.clone(), self.keys.len());
                self.keys.push(key.clone());
            }
        }
        let mut row: Vec<Option<Value<'_>>> = vec![None; self.keys.len()];
        for (key, value) in &object.0 {
            row[self.positions[key]] = typed(value);
        }
        self.sampler.row(row);
    }

    fn columns(self) -> Vec<Column> {
        let types = self.sampler.types(self.keys.len());
        self.keys
            .into_iter()
            .zip(types)
            .map(|(name, ty)| Column {
                table: None,
                name,
                ty,
            })
            .collect()
    }
}

/// The type a JSON value states; `null` says nothing; arrays and objects are text.
fn typed(value: &Json) -> Option<Value<'_>> {
    Some(match value {
        Json::Null => return None,
        Json::Bool(_) => Value::Typed(ColumnType::Boolean, None),
        Json::Number(n) if n.is_i64() || n.is_u64() => Value::Typed(ColumnType::Integer, None),
        Json::Number(_) => Value::Typed(ColumnType::Float, None),
        Json::String(s) => Value::Typed(ColumnType::String, Some(s)),
        Json::Array(_) | Json::Object(_) => Value::Typed(ColumnType::String, None),
    })
}

#[cfg(test)]
mod tests {
    use nmp_egress::ValueIndex;

    use super::*;
    use crate::ColumnType as T;

    fn read_dir(dir: &Path, indexed: &dyn Fn(&str) -> bool) -> Result<(Table, ValueIndex), Error> {
        let mut values = ValueIndex::builder();
        let table = read(dir, indexed, &mut values)?;
        let rows = table.rows;
        Ok((table, values.build(rows)))
    }

    #[test]
    fn keys_in_order_of_appearance_with_types_and_every_line_a_row() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.jsonl"),
            "{\"id\":1,\"name\":\"Ann\",\"born\":\"1980-01-02\"}\n\n{\"id\":2,\"cost\":1.5,\"ok\":true,\"name\":null}\r\n{\"id\":3,\"tags\":[1]}",
        )
        .unwrap();
        fs::write(dir.path().join("b.ndjson"), "{\"other\":1}\n").unwrap();
        let (table, _) = read_dir(dir.path(), &|_| false).unwrap();
        assert_eq!(table.rows, 4);
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
                ("born", T::Date),
                ("cost", T::Float),
                ("ok", T::Boolean),
                ("tags", T::String),
            ]
        );
    }

    #[test]
    fn indexes_nested_values_under_indexed_keys_only() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.jsonl"),
            "{\"ssn\":\"100-20-3000\",\"n\":\"100-20-4000\"}\n{\"ssn\":{\"v\":[\"100-20-3001\"]}}\n",
        )
        .unwrap();
        let (_, index) = read_dir(dir.path(), &|c| c == "ssn").unwrap();
        assert_eq!(index.len(), 2);
        assert!(index.find(b"100-20-3001").is_some());
        assert!(index.find(b"100-20-4000").is_none());
    }

    #[test]
    fn a_line_that_is_not_an_object_or_too_long_fails_with_its_number() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.jsonl"), "{\"a\":1}\n[1]\n").unwrap();
        let err = read_dir(dir.path(), &|_| false).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Json {
                    line: 2,
                    source: None,
                    ..
                }
            ),
            "{err:?}"
        );
        fs::write(dir.path().join("a.jsonl"), "{\"a\":1}\n{\"a\":\n").unwrap();
        let err = read_dir(dir.path(), &|_| false).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Json {
                    line: 2,
                    source: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
        let long = format!("{{\"a\":\"{}\"}}\n", "x".repeat(MAX_JSONL_LINE_BYTES));
        fs::write(dir.path().join("a.jsonl"), long).unwrap();
        let err = read_dir(dir.path(), &|_| false).unwrap_err();
        assert!(matches!(err, Error::LineTooLong { line: 1, .. }), "{err:?}");
        // At the limit: read.
        let at = format!("{{\"a\":\"{}\"}}\n", "x".repeat(MAX_JSONL_LINE_BYTES - 8));
        assert_eq!(at.len(), MAX_JSONL_LINE_BYTES + 1);
        fs::write(dir.path().join("a.jsonl"), at).unwrap();
        assert_eq!(read_dir(dir.path(), &|_| false).unwrap().0.rows, 1);
    }
}
