//! Deterministic synthetic data in every file kind, for tests, examples and the 1 GiB scale
//! runs: the same `start` and `rows` always give the same bytes.
//!
//! One table of patients: `id` (integer, the row number), `ssn` (a unique SSN-shaped text, the
//! column to restrict), `city` (one of eight), `age` (18-97), `weight` (40.0-119.9) and
//! `visit` (a date in 2020-2024).

use std::{
    fs,
    io::{self, BufWriter, Write},
    path::Path,
    sync::Arc,
};

use parquet::{
    basic::Compression,
    data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type},
    file::{properties::WriterProperties, writer::SerializedFileWriter},
};

use crate::ColumnType;

/// The columns every generator writes, with the type each kind's schema reports.
pub const COLUMNS: [(&str, ColumnType); 6] = [
    ("id", ColumnType::Integer),
    ("ssn", ColumnType::String),
    ("city", ColumnType::String),
    ("age", ColumnType::Integer),
    ("weight", ColumnType::Float),
    ("visit", ColumnType::Date),
];

/// The cities rows are spread over.
pub const CITIES: [&str; 8] = [
    "Riverton",
    "Lakeside",
    "Hillview",
    "Brookfield",
    "Fairmont",
    "Oakdale",
    "Westport",
    "Sunnyvale",
];

/// Rows per Parquet row group and per SQLite transaction.
const BATCH: usize = 1 << 20;

/// One generated row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row number.
    pub id: i64,
    /// `AAA-GG-SSSS`, unique for the first 720 million rows.
    pub ssn: String,
    /// One of [`CITIES`].
    pub city: &'static str,
    /// 18..=97.
    pub age: i64,
    /// 40.0..=119.9, one decimal.
    pub weight: f64,
    /// Days since 1970-01-01, in 2020-2024.
    pub visit_days: i32,
}

impl Row {
    /// Row number `id`.
    pub fn new(id: u64) -> Self {
        let h = splitmix(id);
        Self {
            id: i64::try_from(id).unwrap_or(i64::MAX),
            ssn: format!(
                "{:03}-{:02}-{:04}",
                100 + (id / 900_000) % 800,
                10 + (id / 10_000) % 90,
                id % 10_000
            ),
            city: CITIES[(h % 8) as usize],
            age: 18 + ((h >> 8) % 80) as i64,
            weight: 40.0 + ((h >> 16) % 800) as f64 / 10.0,
            visit_days: 18_262 + ((h >> 32) % 1_826) as i32,
        }
    }

    /// The visit as `YYYY-MM-DD`.
    pub fn visit(&self) -> String {
        let (y, m, d) = civil(self.visit_days);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// Rows `start..start + rows`.
pub fn rows(start: u64, rows: u64) -> impl Iterator<Item = Row> {
    (start..start + rows).map(Row::new)
}

/// Writes rows `start..start + rows` as CSV with a header line.
pub fn csv_to(out: &mut impl Write, start: u64, rows: u64) -> io::Result<()> {
    writeln!(out, "id,ssn,city,age,weight,visit")?;
    for r in self::rows(start, rows) {
        writeln!(
            out,
            "{},{},{},{},{:.1},{}",
            r.id,
            r.ssn,
            r.city,
            r.age,
            r.weight,
            r.visit()
        )?;
    }
    Ok(())
}

/// Writes rows `start..start + rows` to a CSV file at `path`.
pub fn csv(path: &Path, start: u64, rows: u64) -> io::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    csv_to(&mut out, start, rows)?;
    out.flush()
}

/// Writes rows `start..start + rows` to a JSON Lines file at `path`.
pub fn jsonl(path: &Path, start: u64, rows: u64) -> io::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    for r in self::rows(start, rows) {
        writeln!(
            out,
            r#"{{"id":{},"ssn":"{}","city":"{}","age":{},"weight":{:.1},"visit":"{}"}}"#,
            r.id,
            r.ssn,
            r.city,
            r.age,
            r.weight,
            r.visit()
        )?;
    }
    out.flush()
}

/// Writes rows `start..start + rows` to a Snappy-compressed Parquet file at `path`, in row
/// groups of about a million rows (`visit` is an `INT32 (DATE)`).
pub fn parquet(path: &Path, start: u64, rows: u64) -> parquet::errors::Result<()> {
    let schema = Arc::new(parquet::schema::parser::parse_message_type(
        "message patients {
            REQUIRED INT64 id; REQUIRED BYTE_ARRAY ssn (UTF8); REQUIRED BYTE_ARRAY city (UTF8);
            REQUIRED INT64 age; REQUIRED DOUBLE weight; REQUIRED INT32 visit (DATE);
        }",
    )?);
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let file = fs::File::create(path)?;
    let mut writer = SerializedFileWriter::new(file, schema, Arc::new(props))?;
    let mut next = start;
    while next < start + rows {
        let batch: Vec<Row> = self::rows(next, (start + rows - next).min(BATCH as u64)).collect();
        next += batch.len() as u64;
        let mut group = writer.next_row_group()?;
        let mut column = 0;
        while let Some(mut writer) = group.next_column()? {
            let text = |f: fn(&Row) -> &str| -> Vec<ByteArray> {
                batch.iter().map(|r| ByteArray::from(f(r))).collect()
            };
            match column {
                0 => {
                    let ids: Vec<i64> = batch.iter().map(|r| r.id).collect();
                    writer.typed::<Int64Type>().write_batch(&ids, None, None)?;
                }
                1 => {
                    let ssn = text(|r| &r.ssn);
                    writer
                        .typed::<ByteArrayType>()
                        .write_batch(&ssn, None, None)?;
                }
                2 => {
                    let city = text(|r| r.city);
                    writer
                        .typed::<ByteArrayType>()
                        .write_batch(&city, None, None)?;
                }
                3 => {
                    let ages: Vec<i64> = batch.iter().map(|r| r.age).collect();
                    writer.typed::<Int64Type>().write_batch(&ages, None, None)?;
                }
                4 => {
                    let weights: Vec<f64> = batch.iter().map(|r| r.weight).collect();
                    writer
                        .typed::<DoubleType>()
                        .write_batch(&weights, None, None)?;
                }
                _ => {
                    let days: Vec<i32> = batch.iter().map(|r| r.visit_days).collect();
                    writer.typed::<Int32Type>().write_batch(&days, None, None)?;
                }
            }
            writer.close()?;
            column += 1;
        }
        group.close()?;
    }
    writer.close()?;
    Ok(())
}

/// Writes rows `start..start + rows` to a new SQLite database at `path`, as the table
/// `patients` (`visit` as `DATE` text).
pub fn sqlite(path: &Path, start: u64, rows: u64) -> rusqlite::Result<()> {
    let mut db = rusqlite::Connection::open(path)?;
    db.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE TABLE patients (id INTEGER PRIMARY KEY, ssn TEXT NOT NULL, city TEXT NOT NULL,
                                age INTEGER NOT NULL, weight REAL NOT NULL, visit DATE NOT NULL);",
    )?;
    let mut next = start;
    while next < start + rows {
        let count = (start + rows - next).min(BATCH as u64);
        let tx = db.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO patients VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
            for r in self::rows(next, count) {
                insert.execute(rusqlite::params![
                    r.id,
                    r.ssn,
                    r.city,
                    r.age,
                    r.weight,
                    r.visit()
                ])?;
            }
        }
        tx.commit()?;
        next += count;
    }
    db.execute_batch("PRAGMA journal_mode = DELETE;")
}

/// SplitMix64: a fixed, well-mixed function of the row number.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_rows_are_fixed() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(18_262), (2020, 1, 1));
        assert_eq!(civil(19_782), (2024, 2, 29));
        assert_eq!(Row::new(7), Row::new(7));
        assert_eq!(Row::new(1_234_567).ssn, "101-43-4567");
        let all: Vec<_> = rows(0, 1000).collect();
        assert!(all.iter().all(|r| (18..=97).contains(&r.age)));
        assert!(all.iter().all(|r| r.visit().starts_with("202")));
    }

    #[test]
    fn csv_text_is_deterministic() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        csv_to(&mut a, 5, 3).unwrap();
        csv_to(&mut b, 5, 3).unwrap();
        assert_eq!(a, b);
        assert_eq!(String::from_utf8(a).unwrap().lines().count(), 4);
    }
}
