//! What a dataset's files say about themselves: columns with inferred types, and a row count.
//! Never a value.

/// Data rows sampled per table to infer the types of columns whose kind does not declare them
/// (CSV, JSON Lines). Default 100.
pub const SCHEMA_SAMPLE_ROWS: usize = 100;

/// The type of a column as published, the narrowest that holds every sampled value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// Text, or values of mixed types.
    String,
    /// Whole numbers that fit in 64 bits.
    Integer,
    /// Numbers with a fraction or exponent (and integers mixed with them).
    Float,
    /// `true` / `false` (ASCII case-insensitive in text formats).
    Boolean,
    /// Calendar dates (`YYYY-MM-DD` in text formats).
    Date,
}

/// One column of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The table it belongs to, for kinds with several (SQLite); `None` otherwise.
    pub table: Option<String>,
    /// Its name as the files spell it (a Parquet nested column as `a.b`).
    pub name: String,
    /// Its type.
    pub ty: ColumnType,
}

impl Column {
    /// The name the capability document publishes: `table.name` when the column belongs to a
    /// named table, else `name`.
    pub fn qualified_name(&self) -> String {
        match &self.table {
            Some(table) => format!("{table}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The schema and size of a dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The columns, in the order the files give them.
    pub columns: Vec<Column>,
    /// Data rows (records, lines, or table rows) over all the dataset's files.
    pub rows: u64,
}

/// Infers column types from text values (CSV cells, JSON scalars), one sampled row at a time.
#[derive(Debug, Default)]
pub(crate) struct Sampler {
    types: Vec<Option<ColumnType>>,
    sampled: usize,
}

impl Sampler {
    /// Whether more rows are wanted.
    pub(crate) fn wants_more(&self) -> bool {
        self.sampled < SCHEMA_SAMPLE_ROWS
    }

    /// Notes one row's values, the `i`th value belonging to the `i`th column (`None` for a
    /// missing or empty value, which says nothing).
    pub(crate) fn row<'v>(&mut self, values: impl IntoIterator<Item = Option<Value<'v>>>) {
        for (i, value) in values.into_iter().enumerate() {
            if i == self.types.len() {
                self.types.push(None);
            }
            if let Some(value) = value {
                self.types[i] = merge(self.types[i], value.ty());
            }
        }
        self.sampled += 1;
    }

    /// The inferred type of each of `columns` columns; a column with no value seen is text.
    pub(crate) fn types(&self, columns: usize) -> Vec<ColumnType> {
        (0..columns)
            .map(|i| {
                self.types
                    .get(i)
                    .copied()
                    .flatten()
                    .unwrap_or(ColumnType::String)
            })
            .collect()
    }
}

/// One sampled value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'v> {
    /// Text whose type is read from its spelling (a CSV cell).
    Text(&'v str),
    /// A value whose type the format states (a JSON number, boolean or string).
    Typed(ColumnType, Option<&'v str>),
}

impl Value<'_> {
    fn ty(self) -> ColumnType {
        match self {
            Self::Text(text) => spelled(text),
            // A JSON string spelled like a date is a date; any other string is text.
            Self::Typed(ColumnType::String, Some(text)) if is_date(text) => ColumnType::Date,
            Self::Typed(ty, _) => ty,
        }
    }
}

/// The type a text value spells.
fn spelled(value: &str) -> ColumnType {
    if value.parse::<i64>().is_ok() {
        ColumnType::Integer
    } else if value.parse::<f64>().is_ok() {
        ColumnType::Float
    } else if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
        ColumnType::Boolean
    } else if is_date(value) {
        ColumnType::Date
    } else {
        ColumnType::String
    }
}

/// The narrowest type holding both what was seen and `this`.
fn merge(seen: Option<ColumnType>, this: ColumnType) -> Option<ColumnType> {
    use ColumnType::{Float, Integer, String};
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
    fn text_values_narrow_and_widen() {
        let mut sampler = Sampler::default();
        let row =
            |cells: [&'static str; 6]| cells.map(|c| (!c.is_empty()).then_some(Value::Text(c)));
        sampler.row(row(["1", "Doe, J", "40", "1.5", "true", "1980-01-02"]));
        sampler.row(row(["2", "Bo", "", "2", "FALSE", "1990-12-31"]));
        use ColumnType as T;
        assert_eq!(
            sampler.types(7),
            [
                T::Integer,
                T::String,
                T::Integer,
                T::Float,
                T::Boolean,
                T::Date,
                T::String
            ]
        );
    }

    #[test]
    fn typed_values_keep_their_type_and_mixed_ones_become_text() {
        let mut sampler = Sampler::default();
        sampler.row([
            Some(Value::Typed(ColumnType::Integer, None)),
            Some(Value::Typed(ColumnType::String, Some("12"))),
            Some(Value::Typed(ColumnType::String, Some("2020-01-01"))),
        ]);
        sampler.row([Some(Value::Typed(ColumnType::Boolean, None)), None, None]);
        use ColumnType as T;
        assert_eq!(sampler.types(3), [T::String, T::String, T::Date]);
    }

    #[test]
    fn sampling_stops_at_the_bound() {
        let mut sampler = Sampler::default();
        for _ in 0..SCHEMA_SAMPLE_ROWS {
            assert!(sampler.wants_more());
            sampler.row([None::<Value<'_>>]);
        }
        assert!(!sampler.wants_more());
    }
}
