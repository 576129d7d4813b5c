//! Verifying a receipt: the proof, then every journal field against what the agent expects.

use bincode::Options;
use nmp_zk_core::{Journal, JournalError, Outcome};
use risc0_zkp::verify::VerificationError;
use risc0_zkvm::sha::Digestible;
use risc0_zkvm::{Digest, InnerReceipt, Receipt, VerifierContext};

use crate::receipt::{MAX_RECEIPT_BYTES, codec};

/// Why a zero-knowledge receipt was refused. Each variant names the one check that failed;
/// nothing of the receipt may be relied on after any of them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The encoded receipt is longer than [`MAX_RECEIPT_BYTES`]; it was not decoded.
    #[error("receipt of {len} bytes exceeds {MAX_RECEIPT_BYTES}")]
    TooLarge {
        /// Its length.
        len: usize,
    },
    /// The bytes are not an encoded RISC Zero receipt.
    #[error("malformed receipt")]
    Decode(#[source] bincode::Error),
    /// A dev-mode (fake) receipt: it proves nothing and is refused whatever the environment
    /// says.
    #[error("dev-mode receipt refused")]
    DevMode,
    /// The receipt is for another program than the image id given.
    #[error("receipt is for image {got}, not {expected}")]
    ImageId {
        /// The image id the caller trusts, hex.
        expected: String,
        /// The image id the receipt claims, hex.
        got: String,
    },
    /// The proof does not verify (a forged or damaged seal, a journal that is not the one
    /// proved, or a run that did not halt normally).
    #[error("proof does not verify")]
    Proof(#[source] VerificationError),
    /// The proved journal is not a well-formed NMP journal.
    #[error("malformed journal")]
    Journal(#[source] JournalError),
    /// The journal is for another request.
    #[error("receipt is for another request")]
    RequestId,
    /// The journal's module digest is not the module sent.
    #[error("receipt is for another module")]
    Module,
    /// The journal's input digest is not the input sent.
    #[error("receipt is for another input")]
    Input,
    /// The journal's datasets (names or commitments) are not the ones announced.
    #[error("receipt is for other data: the dataset commitments differ")]
    Datasets,
    /// The journal's stdout digest is not the output received.
    #[error("receipt is for another output")]
    Output,
    /// The journal's outcome is not the one reported.
    #[error("receipt proves outcome {got:?}, not {expected:?}")]
    Outcome {
        /// The outcome the agent was told.
        expected: Outcome,
        /// The outcome proved.
        got: Outcome,
    },
}

/// Verifies an encoded receipt (as `prove`, feature `zk-prove`, writes it) for `image_id` and
/// checks its journal against `expected`, field by field; returns the proved journal.
///
/// `expected` is what the agent knows: the request id and the digests of the module and
/// input it sent, the dataset commitments the node's signed capability document announced
/// (sorted by name), the digest of the stdout it received, and the outcome it was told.
/// Refuses dev-mode receipts always. Costs about 20 ms per segment of the proof; the input is
/// bounded by [`MAX_RECEIPT_BYTES`] before decoding.
pub fn verify_zk_receipt(
    receipt: &[u8],
    image_id: &[u8; 32],
    expected: &Journal,
) -> Result<Journal, VerifyError> {
    if receipt.len() > MAX_RECEIPT_BYTES {
        return Err(VerifyError::TooLarge { len: receipt.len() });
    }
    let receipt: Receipt = codec().deserialize(receipt).map_err(VerifyError::Decode)?;
    if matches!(receipt.inner, InnerReceipt::Fake(_)) {
        return Err(VerifyError::DevMode);
    }
    // The image id is the digest of the claim's pre-execution state; a pruned claim has none
    // to compare and is refused as an unverifiable proof.
    let claim = receipt.claim().map_err(VerifyError::Proof)?;
    let claimed = claim
        .as_value()
        .map_err(|_| VerifyError::Proof(VerificationError::ReceiptFormatError))?
        .pre
        .digest();
    let image = Digest::from(*image_id);
    if claimed != image {
        return Err(VerifyError::ImageId {
            expected: hex::encode(image_id),
            got: hex::encode(claimed.as_bytes()),
        });
    }
    let context = VerifierContext::default().with_dev_mode(false);
    receipt
        .verify_with_context(&context, image)
        .map_err(VerifyError::Proof)?;
    let journal = Journal::from_bytes(&receipt.journal.bytes).map_err(VerifyError::Journal)?;
    check_fields(&journal, expected)?;
    Ok(journal)
}

/// Compares a proved journal with the expected one, in the journal's order.
pub(crate) fn check_fields(got: &Journal, expected: &Journal) -> Result<(), VerifyError> {
    if got.request_id != expected.request_id {
        return Err(VerifyError::RequestId);
    }
    if got.module_sha256 != expected.module_sha256 {
        return Err(VerifyError::Module);
    }
    if got.input_sha256 != expected.input_sha256 {
        return Err(VerifyError::Input);
    }
    if got.datasets != expected.datasets {
        return Err(VerifyError::Datasets);
    }
    if got.stdout_sha256 != expected.stdout_sha256 {
        return Err(VerifyError::Output);
    }
    if got.outcome != expected.outcome {
        return Err(VerifyError::Outcome {
            expected: expected.outcome,
            got: got.outcome,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use nmp_zk_core::DatasetCommitment;
    use risc0_zkvm::{FakeReceipt, ReceiptClaim};

    use super::*;
    use crate::IMAGE_ID;

    fn journal() -> Journal {
        Journal {
            request_id: [1; 16],
            module_sha256: [2; 32],
            input_sha256: [3; 32],
            datasets: vec![DatasetCommitment {
                name: "data".into(),
                sha256: [4; 32],
            }],
            stdout_sha256: [5; 32],
            outcome: Outcome::Completed,
        }
    }

    #[test]
    fn dev_mode_receipt_with_a_matching_claim_is_refused() {
        let journal = journal();
        let bytes = journal.to_bytes().expect("valid");
        let claim = ReceiptClaim::ok(Digest::from(IMAGE_ID), bytes.clone());
        let fake = Receipt::new(InnerReceipt::Fake(FakeReceipt::new(claim)), bytes);
        let encoded = codec().serialize(&fake).expect("encodes");
        let err = verify_zk_receipt(&encoded, &IMAGE_ID, &journal).expect_err("fake");
        assert!(matches!(err, VerifyError::DevMode), "{err:?}");
    }

    #[test]
    fn garbage_and_oversized_receipts_are_refused_before_any_proof_check() {
        let err = verify_zk_receipt(b"\x01\x02", &IMAGE_ID, &journal()).expect_err("garbage");
        assert!(matches!(err, VerifyError::Decode(_)), "{err:?}");
        let huge = vec![0; MAX_RECEIPT_BYTES + 1];
        let err = verify_zk_receipt(&huge, &IMAGE_ID, &journal()).expect_err("too large");
        assert!(matches!(err, VerifyError::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn each_journal_field_that_differs_has_its_own_error() {
        let expected = journal();
        assert!(check_fields(&expected, &expected).is_ok());
        let refuse = |change: &dyn Fn(&mut Journal)| {
            let mut got = expected.clone();
            change(&mut got);
            check_fields(&got, &expected).expect_err("must differ")
        };
        assert!(matches!(
            refuse(&|j| j.request_id[0] ^= 1),
            VerifyError::RequestId
        ));
        assert!(matches!(
            refuse(&|j| j.module_sha256[31] ^= 1),
            VerifyError::Module
        ));
        assert!(matches!(
            refuse(&|j| j.input_sha256[5] ^= 1),
            VerifyError::Input
        ));
        assert!(matches!(
            refuse(&|j| j.datasets[0].sha256[0] ^= 1),
            VerifyError::Datasets
        ));
        assert!(matches!(
            refuse(&|j| j.datasets[0].name = "other".into()),
            VerifyError::Datasets
        ));
        assert!(matches!(
            refuse(&|j| j.datasets.clear()),
            VerifyError::Datasets
        ));
        assert!(matches!(
            refuse(&|j| j.stdout_sha256[9] ^= 1),
            VerifyError::Output
        ));
        assert!(matches!(
            refuse(&|j| j.outcome = Outcome::Trapped),
            VerifyError::Outcome { .. }
        ));
    }
}
