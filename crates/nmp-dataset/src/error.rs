//! Why a dataset's files cannot be described or snapshotted.

use std::{io, path::PathBuf};

/// A failure of one library, kept as the source of an [`Error`] without exposing its type.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why a dataset cannot be described (schema, row count, value index) or snapshotted. The
/// message names the file and what is wrong with it, never a value from it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("reading {path}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The failure.
        #[source]
        source: io::Error,
    },
    /// A JSON Lines line is not one JSON object.
    #[error("{path}: line {line} is not a JSON object")]
    Json {
        /// The file.
        path: PathBuf,
        /// The line, counting from 1.
        line: u64,
        /// What the parser found, if it failed (none when the line held another JSON value).
        #[source]
        source: Option<serde_json::Error>,
    },
    /// A JSON Lines line is longer than [`crate::MAX_JSONL_LINE_BYTES`].
    #[error("{path}: line {line} is longer than {max} bytes", max = crate::MAX_JSONL_LINE_BYTES)]
    LineTooLong {
        /// The file.
        path: PathBuf,
        /// The line, counting from 1.
        line: u64,
    },
    /// A Parquet file's footer, schema or pages cannot be decoded.
    #[error("{path}: not a readable Parquet file")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The decoder's error.
        #[source]
        source: Cause,
    },
    /// A SQLite database cannot be opened or read: not a database, corrupt, or locked by a
    /// writer (the node does not wait for locks).
    #[error("{path}: not a readable SQLite database")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: Cause,
    },
    /// The PostgreSQL server could not be reached, refused the login, or the snapshot query
    /// failed. The previous snapshot, if any, is left as it was.
    #[error("PostgreSQL snapshot: {what}")]
    Postgres {
        /// Which step failed (connecting, the query, the copy).
        what: &'static str,
        /// The client's error.
        #[source]
        source: Cause,
    },
    /// The PostgreSQL snapshot grew past its size limit; nothing was kept.
    #[error("PostgreSQL snapshot larger than {limit} bytes")]
    SnapshotTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The configured password variable is not set (or not Unicode) in the node's environment.
    #[error("environment variable `{0}` (the PostgreSQL password) is not set")]
    Password(String),
    /// The indexed columns hold more values than the value index takes.
    #[error("cannot index the restricted values")]
    Values(#[from] nmp_egress::ValuesError),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}

impl Error {
    /// A one-line reason fit to publish (in a capability document): the step or the file's
    /// name and what is wrong, without the host's directories and without the underlying
    /// library's message, which may quote data (a PostgreSQL error can quote a row).
    pub fn summary(&self) -> String {
        let file = |path: &PathBuf| {
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        };
        match self {
            Self::Io { path, source } => format!("cannot read {}: {}", file(path), source.kind()),
            Self::Json { path, line, .. } => {
                format!("{}: line {line} is not a JSON object", file(path))
            }
            Self::LineTooLong { path, line } => format!(
                "{}: line {line} is longer than {} bytes",
                file(path),
                crate::MAX_JSONL_LINE_BYTES
            ),
            Self::Parquet { path, .. } => format!("{}: not a readable Parquet file", file(path)),
            Self::Sqlite { path, .. } => {
                format!(
                    "{}: not a readable SQLite database (corrupt or locked)",
                    file(path)
                )
            }
            other => other.to_string(),
        }
    }
}
