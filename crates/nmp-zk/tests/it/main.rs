//! nmp-zk's integration tests: parity between the node's wasmtime sandbox and the guest's
//! wasmi run.

mod parity;

use std::path::{Path, PathBuf};

/// The repository's root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads a file under the repository's root.
fn read(relative: &str) -> Vec<u8> {
    let path = repo().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}
