//! What the NMP zero-knowledge guest computes, as a library shared by the guest and the host.
//!
//! The RISC Zero guest in `zk/guest` is a thin `main` over this crate: it reads a [`Job`] (the
//! module, the input and the files of every mounted dataset), recomputes each dataset's
//! commitment exactly as a node announces it, runs the module's `_start` on the `wasmi`
//! interpreter under the same WASI preview 1 view the node's sandbox gives (stdin = input,
//! read-only `/data/<name>`, `argv = ["logic"]`, no environment), and commits the
//! [`Journal`]'s fixed-layout bytes. The host runs the same code (the `run` feature) to check
//! that a node's wasmtime output is the guest's, and decodes journals with [`Journal::from_bytes`].
//!
//! # Concepts
//!
//! - [`Job`]: the guest's private input, built by the prover and encoded with
//!   [`Job::to_bytes`]; lives for one proof.
//! - [`Journal`]: the public output of a proof: digests of the module, input, datasets and
//!   stdout, the coarse [`Outcome`] and the request id.
//! - [`CommitmentHasher`]: the one definition of a dataset commitment (the node uses it too).
//! - [`run`] (feature `run`, on by default): executes a [`Job`] and returns its [`Journal`] and
//!   the stdout it produced.
//!
//! ```
//! # #[cfg(feature = "run")] {
//! use nmp_zk_core::{Job, Outcome};
//! // A module that writes nothing and returns: exit status 0.
//! let module = b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x03\x02\x01\0\x05\x03\x01\0\x01\x07\x13\x02\x06_start\0\0\x06memory\x02\0\x0a\x04\x01\x02\0\x0b";
//! let job = Job::new([7; 16], module.to_vec(), b"hi".to_vec());
//! let run = nmp_zk_core::run(job).expect("a well-formed module");
//! assert_eq!(run.journal.outcome, Outcome::Completed);
//! assert!(run.stdout.is_empty());
//! # }
//! ```

mod bytes;
mod commitment;
mod job;
mod journal;
#[cfg(feature = "run")]
mod run;
#[cfg(feature = "run")]
mod wasi;

pub use commitment::{COMMITMENT_DOMAIN, CommitmentHasher, commit_files};
pub use job::{
    Dataset, DecodeError, File, Job, MAX_DATASETS, MAX_FILES, MAX_NAME_BYTES, MAX_PATH_BYTES,
};
pub use journal::{DatasetCommitment, JOURNAL_DOMAIN, Journal, JournalError, Outcome};
#[cfg(feature = "run")]
pub use run::{ARGV0, Run, RunError, SUPPORTED_IMPORTS, check_module, run};
