//! Parquet datasets: columns and row counts from each file's footer; the guest reads the files.

use std::{fs, path::Path, sync::Arc};

use nmp_egress::ValueIndexBuilder;
use parquet::{
    basic::{ConvertedType, Type as Physical},
    file::reader::{FileReader, SerializedFileReader},
    record::Field,
    schema::types::{ColumnDescriptor, Type},
};

use crate::{
    ColumnType, Error, Kind,
    table::{Column, Table},
};

/// Describes the `.parquet` files directly inside `dir` (sorted by name): the first file's
/// leaf columns (a nested one as `a.b`), and the rows every footer states. The values of the
/// top-level scalar columns `indexed` accepts are read and added to `values`.
///
/// A file whose footer, schema or (for indexed columns) pages cannot be decoded fails with
/// [`Error::Parquet`]. Reads only each footer, plus the indexed columns' pages.
pub(crate) fn read(
    dir: &Path,
    indexed: &dyn Fn(&str) -> bool,
    values: &mut ValueIndexBuilder,
) -> Result<Table, Error> {
    let mut table = Table::default();
    for (i, path) in Kind::Parquet
        .files(dir)
        .map_err(Error::io(dir))?
        .iter()
        .enumerate()
    {
        let failed = |source: parquet::errors::ParquetError| Error::Parquet {
            path: path.clone(),
            source: source.into(),
        };
        let file = fs::File::open(path).map_err(Error::io(path))?;
        let reader = SerializedFileReader::new(file).map_err(failed)?;
        let meta = reader.metadata().file_metadata();
        table.rows += u64::try_from(meta.num_rows()).unwrap_or(0);
        let schema = meta.schema_descr();
        if i == 0 {
            table.columns = schema.columns().iter().map(|c| column(c)).collect();
        }
        let wanted: Vec<Arc<Type>> = schema
            .root_schema()
            .get_fields()
            .iter()
            .filter(|f| f.is_primitive() && indexed(f.name()))
            .cloned()
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let projection = Type::group_type_builder(schema.root_schema().name())
            .with_fields(wanted)
            .build()
            .map_err(failed)?;
        for row in reader.get_row_iter(Some(projection)).map_err(failed)? {
            for (_, field) in row.map_err(failed)?.get_column_iter() {
                match field {
                    Field::Null | Field::Bytes(_) => {}
                    Field::Str(text) => values.add(text)?,
                    other => values.add(&other.to_string())?,
                }
            }
        }
    }
    Ok(table)
}

fn column(descriptor: &ColumnDescriptor) -> Column {
    Column {
        table: None,
        name: descriptor.path().string(),
        ty: leaf_type(descriptor.physical_type(), descriptor.converted_type()),
    }
}

/// The published type of a leaf column: dates and decimals by their annotation, other numbers
/// by their physical type; timestamps, times and byte arrays are text.
fn leaf_type(physical: Physical, converted: ConvertedType) -> ColumnType {
    match (physical, converted) {
        (_, ConvertedType::DATE) => ColumnType::Date,
        (_, ConvertedType::DECIMAL) => ColumnType::Float,
        (
            _,
            ConvertedType::TIMESTAMP_MILLIS
            | ConvertedType::TIMESTAMP_MICROS
            | ConvertedType::TIME_MILLIS
            | ConvertedType::TIME_MICROS
            | ConvertedType::INTERVAL,
        ) => ColumnType::String,
        (Physical::BOOLEAN, _) => ColumnType::Boolean,
        (Physical::INT32 | Physical::INT64, _) => ColumnType::Integer,
        (Physical::FLOAT | Physical::DOUBLE, _) => ColumnType::Float,
        _ => ColumnType::String,
    }
}

#[cfg(test)]
mod tests {
    use nmp_egress::ValueIndex;

    use super::*;
    use crate::{ColumnType as T, generate};

    fn read_dir(dir: &Path, indexed: &dyn Fn(&str) -> bool) -> Result<(Table, ValueIndex), Error> {
        let mut values = ValueIndex::builder();
        let table = read(dir, indexed, &mut values)?;
        let rows = table.rows;
        Ok((table, values.build(rows)))
    }

    #[test]
    fn footer_schema_row_count_and_indexed_values() {
        let dir = tempfile::tempdir().unwrap();
        generate::parquet(&dir.path().join("a.parquet"), 0, 300).unwrap();
        generate::parquet(&dir.path().join("b.parquet"), 300, 50).unwrap();
        let (table, index) = read_dir(dir.path(), &|c| c == "ssn").unwrap();
        assert_eq!(table.rows, 350);
        let names: Vec<_> = table
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ty))
            .collect();
        assert_eq!(names, generate::COLUMNS.map(|(n, t)| (n, t)));
        assert_eq!(index.len(), 350);
        let _ = T::String;
    }

    #[test]
    fn a_corrupt_footer_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.parquet");
        generate::parquet(&path, 0, 10).unwrap();
        let mut bytes = fs::read(&path).unwrap();
        let n = bytes.len();
        // The footer length, just before the closing magic.
        bytes[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        let err = read_dir(dir.path(), &|_| false).unwrap_err();
        assert!(matches!(err, Error::Parquet { .. }), "{err:?}");
        fs::write(&path, b"PAR1 not parquet").unwrap();
        assert!(matches!(
            read_dir(dir.path(), &|_| false),
            Err(Error::Parquet { .. })
        ));
    }
}
