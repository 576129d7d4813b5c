//! The kinds of dataset a node serves, as named in the node file's `format` key.

use std::{fs, io, path::Path, path::PathBuf};

use serde::{Deserialize, Serialize};

/// What a dataset's directory holds, and so how its schema, row count and restricted values
/// are read. The guest always reads the files themselves, read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Kind {
    /// `.csv` files (RFC 4180, a header line first): columns from the first file's header,
    /// types from a sample, rows summed over the files.
    #[default]
    Csv,
    /// `.jsonl` or `.ndjson` files, one JSON object per line (also written `ndjson`): columns
    /// are the top-level keys of the sampled objects, in order of first appearance.
    #[serde(alias = "ndjson")]
    Jsonl,
    /// `.parquet` files: columns and row count from each file's footer.
    Parquet,
    /// SQLite databases (`.sqlite`, `.sqlite3`, `.db`): columns from the catalogue as
    /// `table.column`, rows summed over the tables.
    Sqlite,
    /// A PostgreSQL query or table the node materialises into a CSV snapshot
    /// (`<dir>/snapshot.csv`) and serves like a `csv` dataset.
    Postgres,
    /// Files of any format: committed and mounted, with no schema and no row count.
    Raw,
}

impl Kind {
    /// The lowercase name the node file uses.
    pub fn label(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Jsonl => "jsonl",
            Self::Parquet => "parquet",
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::Raw => "raw",
        }
    }

    /// The format of the files the guest reads, as the capability document publishes it: the
    /// label, except `csv` for a PostgreSQL snapshot.
    pub fn file_format(self) -> &'static str {
        match self {
            Self::Postgres => "csv",
            other => other.label(),
        }
    }

    /// The file name extensions (lowercase, without the dot) whose files are described; none
    /// for [`Kind::Raw`].
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Csv | Self::Postgres => &["csv"],
            Self::Jsonl => &["jsonl", "ndjson"],
            Self::Parquet => &["parquet"],
            Self::Sqlite => &["sqlite", "sqlite3", "db"],
            Self::Raw => &[],
        }
    }

    /// The regular files directly inside `dir` with one of this kind's
    /// [extensions](Kind::extensions) (matched ASCII case-insensitively), sorted by name.
    pub fn files(self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let extensions = self.extensions();
        let mut files: Vec<_> = fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
            })
            .collect();
        files.sort();
        Ok(files)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Entry {
        format: Kind,
    }

    fn parse(text: &str) -> Result<Kind, serde_json::Error> {
        serde_json::from_str::<Entry>(text).map(|e| e.format)
    }

    #[test]
    fn names_and_the_ndjson_alias_parse_and_others_are_refused() {
        assert_eq!(parse(r#"{"format":"ndjson"}"#).unwrap(), Kind::Jsonl);
        for kind in [
            Kind::Csv,
            Kind::Jsonl,
            Kind::Parquet,
            Kind::Sqlite,
            Kind::Postgres,
            Kind::Raw,
        ] {
            let text = format!(r#"{{"format":"{kind}"}}"#);
            assert_eq!(parse(&text).unwrap(), kind);
        }
        assert!(parse(r#"{"format":"CSV"}"#).is_err());
        assert!(parse(r#"{"format":"json"}"#).is_err());
    }

    #[test]
    fn only_files_of_the_kind_directly_inside_count_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.jsonl", "a.NDJSON", "c.csv"] {
            fs::write(dir.path().join(name), "{}\n").unwrap();
        }
        fs::create_dir(dir.path().join("d.jsonl")).unwrap();
        let names: Vec<_> = Kind::Jsonl
            .files(dir.path())
            .unwrap()
            .into_iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.NDJSON", "b.jsonl"]);
        assert!(Kind::Raw.files(dir.path()).unwrap().is_empty());
    }
}
