//! The records of one CSV file, bounded in size. RFC 4180 parsing is the `csv` crate's (quoted
//! commas, quotes and newlines inside a field); this module adds the record-size bound.

use std::{cell::Cell, fs, io, path::Path, rc::Rc};

/// Largest CSV record (one row, quoted newlines included) read while inferring a schema,
/// counting rows or indexing values: 1 MiB. A longer record ends its file there, and the
/// dataset is described with what was read; at most this much plus the reader's 64 KiB buffer
/// is held for one record.
pub const MAX_CSV_RECORD_BYTES: usize = 1024 * 1024;

/// The parser's read buffer.
const BUFFER_BYTES: usize = 64 * 1024;

/// The records of one CSV file, the header first, fields trimmed; blank records are skipped.
pub(crate) struct Records {
    reader: csv::Reader<Bounded>,
    record: csv::ByteRecord,
    /// Where the record being read starts, in bytes from the start of the file.
    start: Rc<Cell<u64>>,
}

impl Records {
    /// Opens `path` for reading.
    pub(crate) fn open(path: &Path) -> io::Result<Self> {
        let start = Rc::new(Cell::new(0));
        let inner = Bounded {
            file: fs::File::open(path)?,
            read: 0,
            start: Rc::clone(&start),
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .buffer_capacity(BUFFER_BYTES)
            .from_reader(inner);
        Ok(Self {
            reader,
            record: csv::ByteRecord::new(),
            start,
        })
    }

    /// The next non-blank record's fields (invalid UTF-8 replaced), or `None` at the end of the
    /// file or at a record over [`MAX_CSV_RECORD_BYTES`]. Fails only when the file cannot be
    /// read.
    pub(crate) fn next_record(&mut self) -> io::Result<Option<Vec<String>>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => {
                    return match e.into_kind() {
                        csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::FileTooLarge => {
                            Ok(None)
                        }
                        csv::ErrorKind::Io(io) => Err(io),
                        // Only UTF-8 and header errors exist besides I/O, and byte records
                        // without headers raise neither.
                        other => Err(io::Error::other(format!("{other:?}"))),
                    };
                }
            }
            self.start.set(self.reader.position().byte());
            if self.record.as_slice().len() > MAX_CSV_RECORD_BYTES {
                return Ok(None);
            }
            if self.record.iter().all(<[u8]>::is_empty) {
                continue;
            }
            let fields = self
                .record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            return Ok(Some(fields));
        }
    }
}

/// The file, refusing to read further once the record being parsed has taken more than
/// [`MAX_CSV_RECORD_BYTES`] (plus one buffer) without ending: the parser never holds more.
struct Bounded {
    file: fs::File,
    read: u64,
    start: Rc<Cell<u64>>,
}

impl io::Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let held = self.read.saturating_sub(self.start.get());
        if held > (MAX_CSV_RECORD_BYTES + BUFFER_BYTES) as u64 {
            return Err(io::ErrorKind::FileTooLarge.into());
        }
        let n = self.file.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8]) -> Vec<Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        fs::write(&path, text).unwrap();
        let mut records = Records::open(&path).unwrap();
        let mut out = Vec::new();
        while let Some(r) = records.next_record().unwrap() {
            out.push(r);
        }
        out
    }

    #[test]
    fn quoted_commas_quotes_and_newlines_stay_in_their_field() {
        let got = records(b"id,note\n1,\"a, \"\"b\"\"\nc\"\n\n  \n2 , x\r\n");
        assert_eq!(
            got,
            [vec!["id", "note"], vec!["1", "a, \"b\"\nc"], vec!["2", "x"],]
        );
    }

    #[test]
    fn a_record_over_the_limit_ends_the_file_and_one_at_it_is_read() {
        let field = |n: usize| "9".repeat(n);
        // One record of exactly the limit (its field, with no separator), then more rows.
        let at = format!("a\n{}\n2\n", field(MAX_CSV_RECORD_BYTES));
        assert_eq!(records(at.as_bytes()).len(), 3);
        let past = format!("a\n1\n{}\n2\n", field(MAX_CSV_RECORD_BYTES + 1));
        assert_eq!(records(past.as_bytes()), [vec!["a"], vec!["1"]]);
        // An unterminated quote swallowing the rest of a large file stops at the bound too.
        let mut open = b"a\n\"".to_vec();
        open.extend(std::iter::repeat_n(b'x', 3 * MAX_CSV_RECORD_BYTES));
        assert_eq!(records(&open), [vec!["a"]]);
    }
}
