//! The owner's audit log: one signed, hash-chained JSON line per request that reached an
//! outcome, holding the exact figures an agent is not told.
//!
//! An agent learns a coarse outcome, the egress verdict and categories, and the filtered output
//! (docs/threat-model.md, "What an agent learns"). Everything else a run produced — the guest's
//! exit code, trap or limit, fuel, peak memory, output sizes, wall and compile time, and where
//! the egress filter matched — is written by the guest as much as the output is, so it stays
//! here, on the node, for its owner.
//!
//! Each line is `{"entry":{…},"sig":"<hex>"}`: the entry's exact bytes are signed by the node's
//! identity key under the domain `"nmp/v1/audit\0"`, and each entry names the SHA-256 of the
//! line before it (`prev`; 64 zeros for the first) and its own sequence number, so a removed,
//! reordered, edited or inserted line breaks the chain at that point. [`verify`] checks a whole
//! file; `nmp audit verify FILE` runs it. The log is appended with one `write` per line and
//! flushed to the operating system per entry, not fsynced: a host crash can lose the last
//! entries, never reorder them. A write that fails part-way (a full disk, a file-size limit)
//! is cut off again, so the file always ends in a whole entry and the request is refused.

mod entry;
mod verify;

use std::{
    fs::{File, OpenOptions},
    io::{Read as _, Seek as _, SeekFrom, Write as _},
    path::{Path, PathBuf},
    sync::Mutex,
};

use nmp_crypto::{Identity, identity::Domain};
use sha2::{Digest as _, Sha256};

pub use self::{
    entry::{Entry, Finding, MAX_FINDINGS, MAX_PATH_BYTES, Run},
    verify::{Summary, VerifyError, verify},
};

/// Longest line the log writes or reads back: 64 KiB. Entries stay far below it (at most
/// [`MAX_FINDINGS`] findings with paths of at most [`MAX_PATH_BYTES`]).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why the audit log cannot be opened or appended to.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened, read or written.
    #[error("audit log {path}")]
    Io {
        /// The log file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The file does not end in a complete, signed entry of this node (a torn last line, or
    /// another node's log): the owner must look at it before the node appends to it.
    #[error("audit log {path} does not end in a complete entry of this node: {reason}")]
    BadTail {
        /// The log file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// An open audit log, appended to by every request the node finishes. Share it in the service.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    identity: Identity,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    file: File,
    next_seq: u64,
    prev: [u8; 32],
}

impl AuditLog {
    /// Opens (or creates, mode 0600) the log at `path` and continues its chain: the last line
    /// must be a complete entry signed by `identity`, or the node refuses to start
    /// ([`Error::BadTail`]).
    pub fn open(path: &Path, identity: Identity) -> Result<Self, Error> {
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(io)?;
        let bad = |reason: String| Error::BadTail {
            path: path.to_owned(),
            reason,
        };
        let (next_seq, prev) = match last_line(&mut file).map_err(io)? {
            None => (0, [0; 32]),
            Some((_, false)) => return Err(bad("the last line is not terminated".to_owned())),
            Some((line, true)) => {
                let entry = verify::line(&line, &identity.peer_id())
                    .map_err(|e| bad(format!("the last line: {e}")))?;
                (entry.seq.saturating_add(1), Sha256::digest(&line).into())
            }
        };
        Ok(Self {
            path: path.to_owned(),
            identity,
            state: Mutex::new(State {
                file,
                next_seq,
                prev,
            }),
        })
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry: fills in its sequence number, chain link and node, signs it and
    /// writes the line.
    pub fn append(&self, mut entry: Entry) -> Result<(), Error> {
        entry.clamp();
        entry.node = self.identity.peer_id().to_base58();
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entry.seq = state.next_seq;
        entry.prev = hex::encode(state.prev);
        let body = serde_json::to_string(&entry).expect("an entry always serialises");
        let sig = self.identity.sign(Domain::Audit, body.as_bytes());
        let line = format!(r#"{{"entry":{body},"sig":"{}"}}"#, hex::encode(sig));
        let mut bytes = line.clone().into_bytes();
        bytes.push(b'\n');
        let io = |source| Error::Io {
            path: self.path.clone(),
            source,
        };
        let before = state.file.metadata().map_err(io)?.len();
        if let Err(source) = state.file.write_all(&bytes) {
            // A full disk (or a file-size limit) may have taken part of the line: cut it off,
            // so the log still ends in a whole entry and the next one follows it.
            let _ = state.file.set_len(before);
            return Err(io(source));
        }
        state.prev = Sha256::digest(line.as_bytes()).into();
        state.next_seq += 1;
        Ok(())
    }
}

/// The file's last line (without its newline) and whether a newline ended it, if the file is
/// not empty. Reads at most [`MAX_LINE_BYTES`] + 1 bytes from the end.
fn last_line(file: &mut File) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(None);
    }
    let window = len.min(MAX_LINE_BYTES as u64 + 1);
    file.seek(SeekFrom::Start(len - window))?;
    let mut tail = Vec::with_capacity(usize::try_from(window).unwrap_or(MAX_LINE_BYTES));
    file.take(window).read_to_end(&mut tail)?;
    let Some(body) = tail.strip_suffix(b"\n") else {
        return Ok(Some((tail, false)));
    };
    let start = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Ok(Some((body[start..].to_vec(), true)))
}

#[cfg(test)]
mod tests;
