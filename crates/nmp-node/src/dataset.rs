//! Datasets a node serves: where they live, the commitment receipts bind, and the index of
//! the values the egress filter must never let out ([`Dataset::indexed`]).

mod values;

use std::{
    fmt, fs,
    io::{self, Read},
    path::{Path, PathBuf},
    sync::Arc,
    time::SystemTime,
};

use nmp_dataset::Kind;
use nmp_egress::ValueIndex;

use nmp_zk_core::CommitmentHasher;
use sha2::{Digest, Sha256};

/// Most files one dataset may hold; a directory with more is refused. Default 100,000.
pub const MAX_FILES: usize = 100_000;

/// Deepest directory nesting walked inside a dataset. Default 16.
pub const MAX_DEPTH: usize = 16;

/// Every regular file of a dataset, sorted by relative path, with its [`Stamp`]: what changes
/// when the data does.
pub(crate) type Listing = Vec<(String, Stamp)>;

/// What a file's metadata says about its contents without reading them: its size, its
/// modification time (when the platform reports one) and, on Unix, its device, inode and
/// status-change time, which every write, rename over it and `utimes` call updates and no call
/// sets back. A write lands unseen only when it keeps the size and falls within the file
/// system's timestamp granularity of the previous change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    size: u64,
    modified: Option<SystemTime>,
    changed: (u64, u64, i64, i64),
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        let changed = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let changed = (0, 0, 0, 0);
        Self {
            size: meta.len(),
            modified: meta.modified().ok(),
            changed,
        }
    }
}

/// A read-only directory of data of one [`Kind`], mounted for the guest at `/data/<name>`,
/// with the columns whose values the egress filter blocks and, once
/// [indexed](Dataset::indexed), their index.
///
/// Two datasets are equal when their name, directory, kind and value columns are; the index
/// is derived from those and the files, and is not compared.
#[derive(Debug, Clone)]
pub struct Dataset {
    name: String,
    path: PathBuf,
    kind: Kind,
    value_columns: Vec<String>,
    values: Option<Arc<ValueIndex>>,
}

impl PartialEq for Dataset {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, &self.path, self.kind, &self.value_columns)
            == (&other.name, &other.path, other.kind, &other.value_columns)
    }
}

impl Eq for Dataset {}

/// Why a dataset cannot be served.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// The name is empty, too long, or has characters other than `[A-Za-z0-9._-]`
    /// (or is `.`/`..`); the guest path `/data/<name>` must be unambiguous.
    #[error("invalid dataset name `{0}`: use 1-64 characters from [A-Za-z0-9._-]")]
    InvalidName(String),
    /// The path is not a readable directory.
    #[error("dataset `{name}`: {path} is not a readable directory")]
    NotADirectory {
        /// The dataset's name.
        name: String,
        /// The path that was given.
        path: PathBuf,
    },
    /// The dataset has more files, or deeper directories, than the node walks.
    #[error("dataset `{name}` exceeds {what}")]
    TooLarge {
        /// The dataset's name.
        name: String,
        /// Which bound: [`MAX_FILES`] or [`MAX_DEPTH`].
        what: &'static str,
    },
    /// Reading a file or directory failed while computing the commitment.
    #[error("dataset `{name}`: reading {path}")]
    Io {
        /// The dataset's name.
        name: String,
        /// The file or directory that failed.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// The dataset's files cannot be described: a file of its kind cannot be read or decoded
    /// (a corrupt Parquet footer, a locked or corrupt SQLite database, a malformed JSON line).
    #[error("dataset `{name}`: cannot describe its files")]
    Describe {
        /// The dataset's name.
        name: String,
        /// Which file, and what is wrong with it.
        #[source]
        source: nmp_dataset::Error,
    },
    /// The dataset's indexed columns hold too many values to index.
    #[error("dataset `{name}`: cannot index its restricted values")]
    Values {
        /// The dataset's name.
        name: String,
        /// Which limit was reached.
        #[source]
        source: nmp_egress::ValuesError,
    },
}

/// A commitment to the exact bytes of a dataset at one moment.
///
/// SHA-256 over `"nmp/v1/dataset\0"` followed, for every regular file sorted by its relative
/// path (`/`-separated), by the path length (u32 big-endian), the path, the file size (u64
/// big-endian) and the SHA-256 of its content. Symbolic links are not followed and not
/// committed (the sandbox refuses to follow links out of a mount as well).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Commitment {
    /// The digest.
    pub sha256: [u8; 32],
    /// Regular files committed.
    pub files: u64,
    /// Total bytes of those files.
    pub bytes: u64,
}

impl fmt::Debug for Commitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Commitment")
            .field("sha256", &hex::encode(self.sha256))
            .field("files", &self.files)
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Dataset {
    /// A [`Kind::Csv`] dataset named `name` served from the directory `path`.
    ///
    /// Fails when the name cannot be a single path component under `/data`, or when `path` is
    /// not a directory. Costs one `stat`.
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>) -> Result<Self, DatasetError> {
        let name = name.into();
        let path = path.into();
        if !is_valid_name(&name) {
            return Err(DatasetError::InvalidName(name));
        }
        if !path.is_dir() {
            return Err(DatasetError::NotADirectory { name, path });
        }
        Ok(Self {
            name,
            path,
            kind: Kind::Csv,
            value_columns: Vec::new(),
            values: None,
        })
    }

    /// The name the guest sees under `/data`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The host directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The same dataset holding files of `kind`. Defaults to [`Kind::Csv`].
    pub fn with_kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// What the directory holds.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Hashes every file of the dataset. Reads all of it: linear in the dataset's size.
    pub fn commitment(&self) -> Result<Commitment, DatasetError> {
        let mut files = Vec::new();
        self.walk(&self.path, String::new(), 0, &mut files)?;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        // One definition of the commitment, shared with the zero-knowledge guest.
        let mut outer = CommitmentHasher::new();
        let mut total = 0u64;
        let mut buf = vec![0u8; 1 << 20];
        for (relative, path) in &files {
            let (size, digest) = self.hash_file(path, &mut buf)?;
            outer.add(relative, size, &digest);
            total += size;
        }
        Ok(Commitment {
            sha256: outer.finish(),
            files: files.len() as u64,
            bytes: total,
        })
    }

    /// The dataset's files with their [`Stamp`]s, without reading them: one `stat` per file.
    /// Bounded like [`Dataset::commitment`].
    pub(crate) fn listing(&self) -> Result<Listing, DatasetError> {
        let mut files = Vec::new();
        self.walk(&self.path, String::new(), 0, &mut files)?;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
            .into_iter()
            .map(|(relative, path)| {
                let meta = fs::metadata(&path).map_err(|e| self.io(&path, e))?;
                Ok((relative, Stamp::of(&meta)))
            })
            .collect()
    }

    fn walk(
        &self,
        dir: &Path,
        prefix: String,
        depth: usize,
        out: &mut Vec<(String, PathBuf)>,
    ) -> Result<(), DatasetError> {
        if depth > MAX_DEPTH {
            return Err(self.too_large("MAX_DEPTH"));
        }
        let entries = fs::read_dir(dir).map_err(|e| self.io(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| self.io(dir, e))?;
            let kind = entry.file_type().map_err(|e| self.io(&entry.path(), e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if kind.is_dir() {
                self.walk(&entry.path(), relative, depth + 1, out)?;
            } else if kind.is_file() {
                if out.len() == MAX_FILES {
                    return Err(self.too_large("MAX_FILES"));
                }
                out.push((relative, entry.path()));
            }
        }
        Ok(())
    }

    fn hash_file(&self, path: &Path, buf: &mut [u8]) -> Result<(u64, [u8; 32]), DatasetError> {
        let mut file = fs::File::open(path).map_err(|e| self.io(path, e))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            let n = file.read(buf).map_err(|e| self.io(path, e))?;
            if n == 0 {
                return Ok((size, hasher.finalize().into()));
            }
            hasher.update(&buf[..n]);
            size += n as u64;
        }
    }

    fn io(&self, path: &Path, source: io::Error) -> DatasetError {
        DatasetError::Io {
            name: self.name.clone(),
            path: path.to_owned(),
            source,
        }
    }

    fn too_large(&self, what: &'static str) -> DatasetError {
        DatasetError::TooLarge {
            name: self.name.clone(),
            what,
        }
    }
}

fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Dataset) {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, content).unwrap();
        }
        let ds = Dataset::new("patients", dir.path()).unwrap();
        (dir, ds)
    }

    #[test]
    fn commitment_is_stable_and_counts_files() {
        let (_d1, a) = dataset(&[("a.csv", b"x,y\n1,2\n"), ("sub/b.csv", b"z\n")]);
        let (_d2, b) = dataset(&[("sub/b.csv", b"z\n"), ("a.csv", b"x,y\n1,2\n")]);
        let ca = a.commitment().unwrap();
        assert_eq!(ca, b.commitment().unwrap());
        assert_eq!((ca.files, ca.bytes), (2, 10));
    }

    #[test]
    fn commitment_changes_with_any_byte_or_name() {
        let (_d1, base) = dataset(&[("a.csv", b"1,2\n")]);
        let (_d2, content) = dataset(&[("a.csv", b"1,3\n")]);
        let (_d3, renamed) = dataset(&[("b.csv", b"1,2\n")]);
        let c = base.commitment().unwrap();
        assert_ne!(c, content.commitment().unwrap());
        assert_ne!(c, renamed.commitment().unwrap());
    }

    #[test]
    fn rejects_bad_names_and_missing_dirs() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["", ".", "..", "a/b", "a b", &"x".repeat(65)] {
            assert!(matches!(
                Dataset::new(bad, dir.path()),
                Err(DatasetError::InvalidName(_))
            ));
        }
        let missing = dir.path().join("missing");
        assert!(matches!(
            Dataset::new("ok", missing),
            Err(DatasetError::NotADirectory { .. })
        ));
    }
}
