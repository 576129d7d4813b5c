//! Proving a job with the committed guest (feature `zk-prove`): minutes of CPU and about
//! 5 GB of memory per proof.

use nmp_zk_core::{DecodeError, Job, Journal, JournalError};
use risc0_binfmt::ProgramBinary;
use risc0_zkvm::{ExecutorEnv, LocalProver, Prover, ProverOpts, VerifierContext};

use crate::GUEST_ELF;
use crate::receipt::codec;
use bincode::Options;

/// A proof and what it took.
#[derive(Debug, Clone)]
pub struct Proved {
    /// The encoded receipt, as [`verify_zk_receipt`](crate::verify_zk_receipt) reads it.
    pub receipt: Vec<u8>,
    /// The journal it proves.
    pub journal: Journal,
    /// Cycles the guest ran, paging included.
    pub total_cycles: u64,
    /// Cycles of the guest's own instructions.
    pub user_cycles: u64,
    /// Segments the execution was split into (one seal each).
    pub segments: usize,
}

/// Why no proof was made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProveError {
    /// The job cannot be encoded (see [`Job::validate`]).
    #[error("invalid job")]
    Job(#[from] DecodeError),
    /// The executor or prover failed: the guest panicked (an unsupported module, say), or
    /// ran past `max_cycles`, or the host ran out of resources.
    #[error("proving failed: {0}")]
    Prover(String),
    /// The receipt's journal is not an NMP journal (a guest built from other source).
    #[error("the guest committed a malformed journal")]
    Journal(#[source] JournalError),
    /// The receipt could not be encoded.
    #[error("encoding the receipt")]
    Encode(#[source] bincode::Error),
}

/// Proves `job` with [`GUEST_ELF`]: a composite receipt (one seal per segment), never a
/// dev-mode one. Execution stops, unproved, past `max_cycles` cycles. Blocks the calling
/// thread for the whole proof.
pub fn prove(job: &Job, max_cycles: u64) -> Result<Proved, ProveError> {
    let bytes = job.to_bytes()?;
    let env = ExecutorEnv::builder()
        .stdin(bytes.as_slice())
        .session_limit(Some(max_cycles))
        .build()
        .map_err(prover_error)?;
    let binary = ProgramBinary::new(GUEST_ELF, risc0_zkos_v1compat::V1COMPAT_ELF).encode();
    let opts = ProverOpts::composite().with_dev_mode(false);
    let context = VerifierContext::default().with_dev_mode(false);
    let info = LocalProver::new("nmp-zk")
        .prove_with_ctx(env, &context, &binary, &opts)
        .map_err(prover_error)?;
    let journal = Journal::from_bytes(&info.receipt.journal.bytes).map_err(ProveError::Journal)?;
    let receipt = codec()
        .serialize(&info.receipt)
        .map_err(ProveError::Encode)?;
    Ok(Proved {
        receipt,
        journal,
        total_cycles: info.stats.total_cycles,
        user_cycles: info.stats.user_cycles,
        segments: info.stats.segments,
    })
}

/// The prover's errors are `anyhow` chains with no type to keep; their text is all there is.
fn prover_error(error: impl std::fmt::Display) -> ProveError {
    ProveError::Prover(format!("{error:#}"))
}
