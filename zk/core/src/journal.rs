//! The journal: the public, fixed-layout bytes a proof commits.
//!
//! Layout (integers big-endian), 132 bytes plus 33 and the name per dataset:
//!
//! | bytes | field |
//! |---|---|
//! | 18 | `"nmp/v1/zk-journal\0"` |
//! | 16 | request id |
//! | 32 | SHA-256 of the module |
//! | 32 | SHA-256 of the input (stdin) |
//! | 1 | dataset count `n` (at most [`MAX_DATASETS`]) |
//! | `n` × (1 + len + 32) | per dataset, sorted by name: name length, name, commitment |
//! | 32 | SHA-256 of stdout |
//! | 1 | [`Outcome`] (the wire's `Outcome` numbers) |
//!
//! The exit code itself is not committed: a guest chooses it, so it would carry data past the
//! egress filter, exactly as the signed receipt's coarse outcome avoids.

use crate::bytes::{Reader, Truncated};
use crate::job::{MAX_DATASETS, is_valid_name};

/// Domain-separation prefix of a journal.
pub const JOURNAL_DOMAIN: &[u8] = b"nmp/v1/zk-journal\0";

/// How the run ended, coarsely, numbered as `nmp.v1.Outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// `_start` returned, or the module called `proc_exit(0)`.
    Completed = 1,
    /// The module called `proc_exit` with a non-zero status.
    ExitedNonzero = 2,
    /// The module trapped, or a WASI call failed in a way that stops it.
    Trapped = 3,
    /// The module wrote more than the job's stdout or stderr cap.
    LimitExceeded = 4,
}

impl Outcome {
    fn from_u8(value: u8) -> Option<Self> {
        Some(match value {
            1 => Self::Completed,
            2 => Self::ExitedNonzero,
            3 => Self::Trapped,
            4 => Self::LimitExceeded,
            _ => return None,
        })
    }
}

/// One mounted dataset as the journal names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetCommitment {
    /// The name the module saw it under, `/data/<name>`.
    pub name: String,
    /// Its commitment, computed inside the proof from the bytes the module read.
    pub sha256: [u8; 32],
}

/// What a proof commits: this module, over this input and data with these commitments,
/// produced this stdout and ended this way, for this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The request the run answered.
    pub request_id: [u8; 16],
    /// SHA-256 of the module bytes.
    pub module_sha256: [u8; 32],
    /// SHA-256 of the input bytes.
    pub input_sha256: [u8; 32],
    /// Each mounted dataset, sorted by name, names distinct.
    pub datasets: Vec<DatasetCommitment>,
    /// SHA-256 of everything the module wrote to stdout, before any egress filtering.
    pub stdout_sha256: [u8; 32],
    /// How the run ended.
    pub outcome: Outcome,
}

/// Why bytes are not a journal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The bytes end inside a field.
    #[error("journal truncated")]
    Truncated,
    /// The bytes do not start with the journal's domain prefix.
    #[error("not an nmp zk journal")]
    Domain,
    /// Bytes follow the outcome.
    #[error("trailing bytes after the journal")]
    Trailing,
    /// More than [`MAX_DATASETS`] datasets.
    #[error("too many datasets")]
    TooManyDatasets,
    /// A dataset name is invalid, out of order or repeated.
    #[error("invalid, unsorted or repeated dataset name")]
    DatasetName,
    /// The outcome byte is not one this version knows.
    #[error("unknown outcome {0}")]
    Outcome(u8),
}

impl From<Truncated> for JournalError {
    fn from(_: Truncated) -> Self {
        Self::Truncated
    }
}

impl Journal {
    /// The journal's bytes. Fails when the datasets break the rules [`Journal::from_bytes`]
    /// checks.
    pub fn to_bytes(&self) -> Result<Vec<u8>, JournalError> {
        check_datasets(&self.datasets)?;
        let mut out = Vec::with_capacity(149 + self.datasets.len() * (33 + 64));
        out.extend_from_slice(JOURNAL_DOMAIN);
        out.extend_from_slice(&self.request_id);
        out.extend_from_slice(&self.module_sha256);
        out.extend_from_slice(&self.input_sha256);
        out.push(self.datasets.len() as u8);
        for dataset in &self.datasets {
            out.push(dataset.name.len() as u8);
            out.extend_from_slice(dataset.name.as_bytes());
            out.extend_from_slice(&dataset.sha256);
        }
        out.extend_from_slice(&self.stdout_sha256);
        out.push(self.outcome as u8);
        Ok(out)
    }

    /// Decodes a journal, refusing anything [`Journal::to_bytes`] would not produce.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, JournalError> {
        let mut r = Reader::new(bytes);
        if r.take(JOURNAL_DOMAIN.len())? != JOURNAL_DOMAIN {
            return Err(JournalError::Domain);
        }
        let request_id = r.array()?;
        let module_sha256 = r.array()?;
        let input_sha256 = r.array()?;
        let count = usize::from(r.u8()?);
        if count > MAX_DATASETS {
            return Err(JournalError::TooManyDatasets);
        }
        let mut datasets = Vec::with_capacity(count);
        for _ in 0..count {
            let len = usize::from(r.u8()?);
            let name =
                String::from_utf8(r.take(len)?.to_vec()).map_err(|_| JournalError::DatasetName)?;
            datasets.push(DatasetCommitment {
                name,
                sha256: r.array()?,
            });
        }
        check_datasets(&datasets)?;
        let stdout_sha256 = r.array()?;
        let byte = r.u8()?;
        let outcome = Outcome::from_u8(byte).ok_or(JournalError::Outcome(byte))?;
        if !r.is_empty() {
            return Err(JournalError::Trailing);
        }
        Ok(Self {
            request_id,
            module_sha256,
            input_sha256,
            datasets,
            stdout_sha256,
            outcome,
        })
    }
}

fn check_datasets(datasets: &[DatasetCommitment]) -> Result<(), JournalError> {
    if datasets.len() > MAX_DATASETS {
        return Err(JournalError::TooManyDatasets);
    }
    let names_ok = datasets
        .iter()
        .enumerate()
        .all(|(i, d)| is_valid_name(&d.name) && (i == 0 || datasets[i - 1].name < d.name));
    if !names_ok {
        return Err(JournalError::DatasetName);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Journal {
        Journal {
            request_id: [1; 16],
            module_sha256: [2; 32],
            input_sha256: [3; 32],
            datasets: vec![
                DatasetCommitment {
                    name: "data".into(),
                    sha256: [4; 32],
                },
                DatasetCommitment {
                    name: "more".into(),
                    sha256: [5; 32],
                },
            ],
            stdout_sha256: [6; 32],
            outcome: Outcome::ExitedNonzero,
        }
    }

    #[test]
    fn round_trips_with_the_documented_length() {
        let journal = sample();
        let bytes = journal.to_bytes().expect("valid");
        assert_eq!(bytes.len(), 132 + 2 * 33 + 4 + 4);
        assert_eq!(Journal::from_bytes(&bytes), Ok(journal));
    }

    #[test]
    fn refuses_every_truncation_and_extra_bytes() {
        let bytes = sample().to_bytes().expect("valid");
        for cut in 0..bytes.len() {
            assert_eq!(
                Journal::from_bytes(&bytes[..cut]),
                Err(JournalError::Truncated),
                "cut at {cut}"
            );
        }
        let mut longer = bytes;
        longer.push(0);
        assert_eq!(Journal::from_bytes(&longer), Err(JournalError::Trailing));
    }

    #[test]
    fn refuses_unknown_outcomes_and_unsorted_names() {
        let mut bytes = sample().to_bytes().expect("valid");
        *bytes.last_mut().expect("non-empty") = 9;
        assert_eq!(Journal::from_bytes(&bytes), Err(JournalError::Outcome(9)));
        let mut journal = sample();
        journal.datasets.swap(0, 1);
        assert_eq!(journal.to_bytes(), Err(JournalError::DatasetName));
        let mut bytes = sample().to_bytes().expect("valid");
        bytes[0] = b'x';
        assert_eq!(Journal::from_bytes(&bytes), Err(JournalError::Domain));
    }
}
