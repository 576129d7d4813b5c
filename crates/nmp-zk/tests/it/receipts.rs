//! The committed receipts (`tests/receipts/`, made by `scripts/zk-receipts.sh`) verify, and
//! every expectation that differs is refused with its own error.

use nmp_zk::{
    DatasetCommitment, IMAGE_ID, Job, Journal, Outcome, VerifyError, load_dataset, run,
    verify_zk_receipt,
};

use super::{read, repo};

/// The request id `scripts/zk-receipts.sh` proves under.
const REQUEST_ID: [u8; 16] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
];

/// `hello.wasm` over `params-mean.json` with `tests/receipts/data` at `/data/data`: its
/// receipt, and the journal an agent expects, computed here on the host.
fn hello() -> (Vec<u8>, Journal) {
    let mut job = Job::new(
        REQUEST_ID,
        read("examples/logic/wat/hello.wasm"),
        read("examples/logic/inputs/params-mean.json"),
    );
    let data = repo().join("crates/nmp-zk/tests/receipts/data");
    job.datasets
        .push(load_dataset("data", &data).expect("fixture data"));
    let host = run(job).expect("hello runs on wasmi");
    assert_eq!(host.stdout, b"{\"hello\":39}\n");
    (
        read("crates/nmp-zk/tests/receipts/hello.receipt"),
        host.journal,
    )
}

#[test]
fn committed_receipt_verifies_against_what_the_agent_knows() {
    let (receipt, expected) = hello();
    let journal = verify_zk_receipt(&receipt, &IMAGE_ID, &expected).expect("verifies");
    assert_eq!(journal, expected);
    assert_eq!(journal.outcome, Outcome::Completed);
}

#[test]
fn each_differing_expectation_has_its_own_error() {
    let (receipt, expected) = hello();
    let refuse = |change: &dyn Fn(&mut Journal)| {
        let mut other = expected.clone();
        change(&mut other);
        verify_zk_receipt(&receipt, &IMAGE_ID, &other).expect_err("must be refused")
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
        refuse(&|j| j.datasets.push(DatasetCommitment {
            name: "more".into(),
            sha256: [0; 32],
        })),
        VerifyError::Datasets
    ));
    assert!(matches!(
        refuse(&|j| j.stdout_sha256[9] ^= 1),
        VerifyError::Output
    ));
    assert!(matches!(
        refuse(&|j| j.outcome = Outcome::ExitedNonzero),
        VerifyError::Outcome { .. }
    ));
}

#[test]
fn wrong_image_id_is_refused_before_the_proof_is_checked() {
    let (receipt, expected) = hello();
    let mut other = IMAGE_ID;
    other[0] ^= 1;
    let err = verify_zk_receipt(&receipt, &other, &expected).expect_err("other image");
    assert!(matches!(err, VerifyError::ImageId { .. }), "{err:?}");
}

#[test]
fn damaged_or_oversized_receipts_are_refused() {
    let (receipt, expected) = hello();
    for cut in [0, 1, receipt.len() / 2, receipt.len() - 1] {
        let err = verify_zk_receipt(&receipt[..cut], &IMAGE_ID, &expected).expect_err("cut");
        assert!(
            matches!(err, VerifyError::Decode(_)),
            "cut at {cut}: {err:?}"
        );
    }
    let mut longer = receipt.clone();
    longer.push(0);
    let err = verify_zk_receipt(&longer, &IMAGE_ID, &expected).expect_err("trailing byte");
    assert!(matches!(err, VerifyError::Decode(_)), "{err:?}");
    let huge = vec![0; nmp_zk::MAX_RECEIPT_BYTES + 1];
    let err = verify_zk_receipt(&huge, &IMAGE_ID, &expected).expect_err("too large");
    assert!(matches!(err, VerifyError::TooLarge { .. }), "{err:?}");
}
