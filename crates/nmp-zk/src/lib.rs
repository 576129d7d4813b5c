//! Zero-knowledge receipts: a RISC Zero proof that *this module* ran over data with *these
//! commitments* on *this input* and produced *this output*, for *this request*.
//!
//! One fixed guest program (`zk/guest`, committed here as [`GUEST_ELF`] with its
//! [`IMAGE_ID`]) embeds the `wasmi` interpreter and a WASI preview 1 shim over in-memory files.
//! It reads a [`Job`] privately, recomputes each dataset's commitment exactly as the node
//! announces it, runs the module's `_start` under the node's deterministic WASI view, and
//! commits a fixed-layout [`Journal`]. An agent checks a receipt with [`verify_zk_receipt`]:
//! the proof against the image id, then every journal field against what it sent, what the
//! node's capability document announced and what it received. Dev-mode (fake) receipts are
//! always refused.
//!
//! Proving (`prove`, feature `zk-prove`, off by default) costs minutes of CPU and about 5 GB
//! of memory per proof; verifying costs milliseconds.
//!
//! # Concepts
//!
//! - [`Journal`]: the public statement a receipt proves (from `nmp-zk-core`).
//! - [`verify_zk_receipt`]: checks an encoded receipt against an image id and the journal the
//!   agent expects; each mismatch is its own [`VerifyError`] variant.
//! - [`GUEST_ELF`] / [`IMAGE_ID`]: the guest this version proves with, and its identity.
//!
//! ```
//! /// Whether `receipt` proves exactly the run the agent expects.
//! fn proved(receipt: &[u8], expected: &nmp_zk::Journal) -> bool {
//!     match nmp_zk::verify_zk_receipt(receipt, &nmp_zk::IMAGE_ID, expected) {
//!         Ok(journal) => journal.outcome == expected.outcome,
//!         Err(e) => {
//!             eprintln!("refused: {e}");
//!             false
//!         }
//!     }
//! }
//! ```

mod dataset;
mod guest;
#[cfg(feature = "zk-prove")]
mod prove;
mod receipt;
mod verify;

pub use dataset::{LoadError, load_dataset};
pub use guest::{GUEST_ELF, IMAGE_ID, ImageIdError, image_id};
pub use nmp_zk_core::{
    Dataset, DatasetCommitment, File, Job, Journal, JournalError, Outcome, Run, RunError,
    check_module, run,
};
#[cfg(feature = "zk-prove")]
pub use prove::{ProveError, Proved, prove};
pub use receipt::MAX_RECEIPT_BYTES;
pub use verify::{VerifyError, verify_zk_receipt};
