//! The dataset commitment: the one definition the node announces and the guest recomputes.

use sha2::{Digest, Sha256};

use crate::File;

/// Domain-separation prefix of a dataset commitment.
pub const COMMITMENT_DOMAIN: &[u8] = b"nmp/v1/dataset\0";

/// Builds a dataset commitment: SHA-256 over [`COMMITMENT_DOMAIN`] followed, for every
/// regular file sorted by its `/`-separated relative path, by the path length (u32
/// big-endian), the path, the file size (u64 big-endian) and the SHA-256 of its content.
///
/// The caller adds files in ascending byte order of their paths; [`commit_files`] sorts for
/// you. Costs one SHA-256 block per file plus the path.
#[derive(Debug, Clone)]
pub struct CommitmentHasher {
    outer: Sha256,
}

impl Default for CommitmentHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl CommitmentHasher {
    /// An empty commitment (a dataset with no files), ready for [`CommitmentHasher::add`].
    pub fn new() -> Self {
        let mut outer = Sha256::new();
        outer.update(COMMITMENT_DOMAIN);
        Self { outer }
    }

    /// Adds one file: its relative path, its size in bytes and the SHA-256 of its content.
    pub fn add(&mut self, path: &str, size: u64, content_sha256: &[u8; 32]) {
        let len = u32::try_from(path.len()).expect("a path held in memory is under 4 GiB");
        self.outer.update(len.to_be_bytes());
        self.outer.update(path.as_bytes());
        self.outer.update(size.to_be_bytes());
        self.outer.update(content_sha256);
    }

    /// The commitment.
    pub fn finish(self) -> [u8; 32] {
        self.outer.finalize().into()
    }
}

/// The commitment of a dataset held in memory: hashes every file, in path order.
pub fn commit_files(files: &[File]) -> [u8; 32] {
    let mut sorted: Vec<&File> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = CommitmentHasher::new();
    for file in sorted {
        let digest: [u8; 32] = Sha256::digest(&file.content).into();
        hasher.add(&file.path, file.content.len() as u64, &digest);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, content: &[u8]) -> File {
        File {
            path: path.into(),
            content: content.to_vec(),
        }
    }

    #[test]
    fn order_of_files_does_not_matter_but_every_byte_does() {
        let a = commit_files(&[file("a.csv", b"1"), file("b/c.csv", b"2")]);
        assert_eq!(
            a,
            commit_files(&[file("b/c.csv", b"2"), file("a.csv", b"1")])
        );
        assert_ne!(
            a,
            commit_files(&[file("a.csv", b"1"), file("b/c.csv", b"3")])
        );
        assert_ne!(
            a,
            commit_files(&[file("a.csv", b"1"), file("b/d.csv", b"2")])
        );
    }

    #[test]
    fn known_answer_for_one_file() {
        // sha256("nmp/v1/dataset\0" || 00000001 || "x" || 0000000000000000 || sha256(""))
        let mut outer = Sha256::new();
        outer.update(b"nmp/v1/dataset\0\0\0\0\x01x\0\0\0\0\0\0\0\0");
        outer.update(Sha256::digest(b""));
        let expected: [u8; 32] = outer.finalize().into();
        assert_eq!(commit_files(&[file("x", b"")]), expected);
    }
}
