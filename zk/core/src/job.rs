//! The guest's private input: the module, the input and every mounted dataset's files.
//!
//! Layout (all integers big-endian): `"nmp/v1/zk-job\0"`, the 16-byte request id, the stdout
//! and stderr caps (u32 each), the module and the input (each a u32 length and the bytes), the
//! dataset count (u8), and for each dataset, sorted by name: its name (u8 length, bytes) and
//! its file count (u32), then for each file its path (u16 length, bytes) and content (u32
//! length, bytes). Nothing else may follow.

use crate::bytes::{Reader, Truncated};

/// Domain-separation prefix of an encoded [`Job`].
const JOB_DOMAIN: &[u8] = b"nmp/v1/zk-job\0";

/// Most datasets one job mounts: the sandbox's mount limit.
pub const MAX_DATASETS: usize = 64;
/// Longest dataset name, in bytes: the sandbox's mount-name limit.
pub const MAX_NAME_BYTES: usize = 64;
/// Most files one dataset may hold: the node's limit.
pub const MAX_FILES: usize = 100_000;
/// Longest relative file path, in bytes.
pub const MAX_PATH_BYTES: usize = 4096;

/// Default stdout cap: the sandbox's default, 1 MiB.
const DEFAULT_STDOUT_BYTES: u32 = 1 << 20;
/// Default stderr cap: the sandbox's default, 64 KiB.
const DEFAULT_STDERR_BYTES: u32 = 64 << 10;

/// One run to prove: what the guest reads privately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The request this run answers; committed in the journal.
    pub request_id: [u8; 16],
    /// Most bytes the module may write to stdout; one more stops it with
    /// [`Outcome::LimitExceeded`](crate::Outcome::LimitExceeded). Defaults to 1 MiB.
    pub stdout_bytes: u32,
    /// Most bytes the module may write to stderr, enforced like `stdout_bytes`. Defaults to
    /// 64 KiB.
    pub stderr_bytes: u32,
    /// The WebAssembly module.
    pub module: Vec<u8>,
    /// The module's stdin.
    pub input: Vec<u8>,
    /// The datasets mounted at `/data/<name>`, sorted by name, names distinct.
    pub datasets: Vec<Dataset>,
}

/// A dataset held in memory, mounted read-only at `/data/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// 1 to [`MAX_NAME_BYTES`] bytes of `[A-Za-z0-9._-]`, not `.`, without `..`.
    pub name: String,
    /// Its regular files, paths distinct.
    pub files: Vec<File>,
}

/// One regular file of a [`Dataset`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Relative `/`-separated path: non-empty components other than `.` and `..`, at most
    /// [`MAX_PATH_BYTES`] bytes.
    pub path: String,
    /// The file's bytes.
    pub content: Vec<u8>,
}

/// Why bytes are not an encoded [`Job`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes end inside a field.
    #[error("job truncated")]
    Truncated,
    /// The bytes do not start with the job's domain prefix.
    #[error("not an nmp zk job")]
    Domain,
    /// Bytes follow the last dataset.
    #[error("trailing bytes after the job")]
    Trailing,
    /// More than [`MAX_DATASETS`] datasets, or more than [`MAX_FILES`] files in one.
    #[error("too many datasets or files")]
    TooMany,
    /// A dataset name is not a valid mount name, is out of order or repeats.
    #[error("invalid, unsorted or repeated dataset name")]
    Name,
    /// A file path is not a valid relative path, or repeats within its dataset.
    #[error("invalid or repeated file path")]
    Path,
}

impl From<Truncated> for DecodeError {
    fn from(_: Truncated) -> Self {
        Self::Truncated
    }
}

impl Job {
    /// A job with no datasets and the default output caps.
    pub fn new(request_id: [u8; 16], module: Vec<u8>, input: Vec<u8>) -> Self {
        Self {
            request_id,
            stdout_bytes: DEFAULT_STDOUT_BYTES,
            stderr_bytes: DEFAULT_STDERR_BYTES,
            module,
            input,
            datasets: Vec::new(),
        }
    }

    /// Checks the invariants [`Job::from_bytes`] enforces, so an encoded job decodes.
    pub fn validate(&self) -> Result<(), DecodeError> {
        if self.datasets.len() > MAX_DATASETS {
            return Err(DecodeError::TooMany);
        }
        for (i, dataset) in self.datasets.iter().enumerate() {
            let sorted = i == 0 || self.datasets[i - 1].name < dataset.name;
            if !sorted || !is_valid_name(&dataset.name) {
                return Err(DecodeError::Name);
            }
            if dataset.files.len() > MAX_FILES {
                return Err(DecodeError::TooMany);
            }
            let mut paths: Vec<&str> = dataset.files.iter().map(|f| f.path.as_str()).collect();
            paths.sort_unstable();
            let repeated = paths.windows(2).any(|w| w[0] == w[1]);
            if repeated || !paths.iter().all(|p| is_valid_path(p)) {
                return Err(DecodeError::Path);
            }
        }
        Ok(())
    }

    /// The encoding the guest reads. Fails only when [`Job::validate`] does, or when the
    /// module, the input or a file is 4 GiB or more.
    pub fn to_bytes(&self) -> Result<Vec<u8>, DecodeError> {
        self.validate()?;
        let too_many = |_| DecodeError::TooMany;
        let mut out = Vec::with_capacity(64 + self.module.len() + self.input.len());
        out.extend_from_slice(JOB_DOMAIN);
        out.extend_from_slice(&self.request_id);
        out.extend_from_slice(&self.stdout_bytes.to_be_bytes());
        out.extend_from_slice(&self.stderr_bytes.to_be_bytes());
        for chunk in [&self.module, &self.input] {
            let len = u32::try_from(chunk.len()).map_err(too_many)?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(chunk);
        }
        out.push(self.datasets.len() as u8);
        for dataset in &self.datasets {
            out.push(dataset.name.len() as u8);
            out.extend_from_slice(dataset.name.as_bytes());
            out.extend_from_slice(&(dataset.files.len() as u32).to_be_bytes());
            for file in &dataset.files {
                out.extend_from_slice(&(file.path.len() as u16).to_be_bytes());
                out.extend_from_slice(file.path.as_bytes());
                let len = u32::try_from(file.content.len()).map_err(too_many)?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(&file.content);
            }
        }
        Ok(out)
    }

    /// Decodes and validates a job. Allocates at most the length of `bytes` in all.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        if r.take(JOB_DOMAIN.len())? != JOB_DOMAIN {
            return Err(DecodeError::Domain);
        }
        let request_id = r.array()?;
        let stdout_bytes = r.u32()?;
        let stderr_bytes = r.u32()?;
        let module = r.chunk()?.to_vec();
        let input = r.chunk()?.to_vec();
        let count = usize::from(r.u8()?);
        if count > MAX_DATASETS {
            return Err(DecodeError::TooMany);
        }
        let mut datasets = Vec::with_capacity(count);
        for _ in 0..count {
            let len = usize::from(r.u8()?);
            let name = utf8(r.take(len)?, DecodeError::Name)?;
            let files = r.u32()? as usize;
            if files > MAX_FILES {
                return Err(DecodeError::TooMany);
            }
            let mut list = Vec::new();
            for _ in 0..files {
                let len = usize::from(r.u16()?);
                let path = utf8(r.take(len)?, DecodeError::Path)?;
                let content = r.chunk()?.to_vec();
                list.push(File { path, content });
            }
            datasets.push(Dataset { name, files: list });
        }
        if !r.is_empty() {
            return Err(DecodeError::Trailing);
        }
        let job = Self {
            request_id,
            stdout_bytes,
            stderr_bytes,
            module,
            input,
            datasets,
        };
        job.validate()?;
        Ok(job)
    }
}

fn utf8(bytes: &[u8], error: DecodeError) -> Result<String, DecodeError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| error)
}

/// The sandbox's mount-name rule.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name.chars().all(allowed)
        && name != "."
        && !name.contains("..")
}

fn is_valid_path(path: &str) -> bool {
    path.len() <= MAX_PATH_BYTES
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Job {
        let mut job = Job::new([1; 16], b"\0asm".to_vec(), b"in".to_vec());
        job.datasets.push(Dataset {
            name: "a".into(),
            files: vec![File {
                path: "x/y.csv".into(),
                content: b"1,2".to_vec(),
            }],
        });
        job.datasets.push(Dataset {
            name: "b".into(),
            files: Vec::new(),
        });
        job
    }

    #[test]
    fn round_trips() {
        let job = sample();
        let bytes = job.to_bytes().expect("valid");
        assert_eq!(Job::from_bytes(&bytes), Ok(job));
    }

    #[test]
    fn refuses_truncation_trailing_bytes_and_other_domains() {
        let bytes = sample().to_bytes().expect("valid");
        for cut in 0..bytes.len() {
            assert!(Job::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Job::from_bytes(&longer), Err(DecodeError::Trailing));
        let mut other = bytes;
        other[0] ^= 1;
        assert_eq!(Job::from_bytes(&other), Err(DecodeError::Domain));
    }

    #[test]
    fn refuses_bad_names_and_paths() {
        let mut job = sample();
        job.datasets.swap(0, 1);
        assert_eq!(job.to_bytes(), Err(DecodeError::Name));
        for bad in ["", ".", "a..b", "a/b", &"n".repeat(MAX_NAME_BYTES + 1)] {
            let mut job = sample();
            job.datasets[0].name = bad.into();
            assert_eq!(job.validate(), Err(DecodeError::Name), "{bad:?}");
        }
        for bad in [
            "",
            "/x",
            "x/",
            "x/../y",
            "./x",
            &"p".repeat(MAX_PATH_BYTES + 1),
        ] {
            let mut job = sample();
            job.datasets[0].files[0].path = bad.into();
            assert_eq!(job.validate(), Err(DecodeError::Path), "{bad:?}");
        }
        let mut job = sample();
        let copy = job.datasets[0].files[0].clone();
        job.datasets[0].files.push(copy);
        assert_eq!(job.validate(), Err(DecodeError::Path));
    }
}
