//! Checking an audit log: every line signed by the node, numbered in order and chained to the
//! line before it.

use std::io::BufRead;

use nmp_crypto::{PeerId, identity::Domain};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};

use super::{Entry, MAX_LINE_BYTES};

/// What a valid log holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Entries checked.
    pub entries: u64,
    /// The node that signed them (base58), when the log is not empty.
    pub node: Option<String>,
}

/// Why an audit log is not valid, with the 1-based line where it breaks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The log could not be read.
    #[error("reading the log")]
    Io(#[from] std::io::Error),
    /// A line is longer than [`MAX_LINE_BYTES`] or does not end in a newline.
    #[error("line {line}: longer than {MAX_LINE_BYTES} bytes or not terminated")]
    Torn {
        /// The line.
        line: u64,
    },
    /// A line is not `{"entry":{…},"sig":"<128 hex digits>"}` with a valid entry.
    #[error("line {line}: malformed: {reason}")]
    Malformed {
        /// The line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// The entry names another node than the expected one (or than the first line's).
    #[error("line {line}: written by another node ({node})")]
    WrongNode {
        /// The line.
        line: u64,
        /// The node the entry names.
        node: String,
    },
    /// The signature does not verify under the node the entry names.
    #[error("line {line}: bad signature")]
    BadSignature {
        /// The line.
        line: u64,
    },
    /// The sequence number is not the previous one plus one (a line removed or reordered).
    #[error("line {line}: sequence {actual}, expected {expected}")]
    Sequence {
        /// The line.
        line: u64,
        /// The expected number.
        expected: u64,
        /// The number found.
        actual: u64,
    },
    /// `prev` is not the SHA-256 of the line before (a line edited, removed or inserted).
    #[error("line {line}: chain broken (prev does not match the line before)")]
    Chain {
        /// The line.
        line: u64,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    #[serde(borrow)]
    entry: &'a RawValue,
    sig: &'a str,
}

/// Why one line is not a signed entry.
enum LineError {
    Malformed(String),
    BadSignature,
}

impl LineError {
    fn at(self, line: u64) -> VerifyError {
        match self {
            Self::Malformed(reason) => VerifyError::Malformed { line, reason },
            Self::BadSignature => VerifyError::BadSignature { line },
        }
    }
}

/// Checks one line's form and signature, and that `node` signed it; returns its entry.
pub(super) fn line(bytes: &[u8], node: &PeerId) -> Result<Entry, VerifyError> {
    let (entry, signer) = signed(bytes).map_err(|e| e.at(1))?;
    if signer != *node {
        return Err(VerifyError::WrongNode {
            line: 1,
            node: entry.node,
        });
    }
    Ok(entry)
}

/// Parses a line, checks the signature under the node its entry names and returns both.
fn signed(bytes: &[u8]) -> Result<(Entry, PeerId), LineError> {
    let malformed = |reason: String| LineError::Malformed(reason);
    let line: Line<'_> = serde_json::from_slice(bytes).map_err(|e| malformed(e.to_string()))?;
    let entry: Entry =
        serde_json::from_str(line.entry.get()).map_err(|e| malformed(e.to_string()))?;
    let node: PeerId = entry
        .node
        .parse()
        .map_err(|_| malformed("`node` is not a PeerId".to_owned()))?;
    let sig = hex::decode(line.sig).map_err(|_| malformed("`sig` is not hex".to_owned()))?;
    nmp_crypto::identity::verify(&node, Domain::Audit, line.entry.get().as_bytes(), &sig)
        .map_err(|_| LineError::BadSignature)?;
    Ok((entry, node))
}

/// Checks a whole log read from `reader`: every line terminated and at most
/// [`MAX_LINE_BYTES`], well-formed, signed by one node (`node` when given), numbered from 0
/// without gaps and chained by `prev`. Stops at the first broken line.
pub fn verify(reader: impl BufRead, node: Option<&PeerId>) -> Result<Summary, VerifyError> {
    let mut reader = reader.take(u64::MAX);
    let mut expected_node = node.copied();
    let mut prev = [0u8; 32];
    let mut entries = 0u64;
    let mut buf = Vec::new();
    loop {
        let number = entries + 1;
        buf.clear();
        reader.set_limit(MAX_LINE_BYTES as u64 + 1);
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let Some(bytes) = buf.strip_suffix(b"\n") else {
            return Err(VerifyError::Torn { line: number });
        };
        let (entry, signer) = signed(bytes).map_err(|e| e.at(number))?;
        if *expected_node.get_or_insert(signer) != signer {
            return Err(VerifyError::WrongNode {
                line: number,
                node: entry.node,
            });
        }
        if entry.seq != entries {
            return Err(VerifyError::Sequence {
                line: number,
                expected: entries,
                actual: entry.seq,
            });
        }
        if entry.prev != hex::encode(prev) {
            return Err(VerifyError::Chain { line: number });
        }
        prev = Sha256::digest(bytes).into();
        entries += 1;
    }
    Ok(Summary {
        entries,
        node: expected_node.map(|n| n.to_base58()),
    })
}
