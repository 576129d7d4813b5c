//! Fresh evidence from a TEE's own device, for what configfs-tsm ([`super::tsm`]) does not
//! serve: an AWS Nitro Enclave's Nitro Secure Module (`/dev/nsm`), an SEV-SNP guest on a kernel
//! before 6.7 (`/dev/sev-guest`), and an SGX enclave run by Gramine (its `/dev/attestation`
//! pseudo-files, which ask the DCAP quoting enclave for a quote).
//!
//! UNTESTED ON HARDWARE: these machines run in no TEE. Nitro and SEV-SNP go through their
//! vendors' crates (`aws-nitro-enclaves-nsm-api`'s `nsm_process_request`, `sev`'s
//! `Firmware::get_ext_report`); the tests here drive them only as far as a file that is not the
//! device (a typed refusal, no evidence). Gramine's files are tested over a directory laid
//! out as Gramine lays them out.

use std::{fs, os::fd::AsRawFd as _, path::Path};

use aws_nitro_enclaves_nsm_api::{
    api::{Request, Response},
    driver::nsm_process_request,
};
use nmp_attest::{Binding, Kind, MAX_COLLATERAL_BYTES, MAX_DOCUMENT_BYTES};
use nmp_wire::pb;
use serde_bytes::ByteBuf;

use super::{
    Error,
    files::{self, carries, read_limited},
};

/// The SEV-SNP guest device; the `sev` crate opens no other path.
pub const SEV_GUEST: &str = "/dev/sev-guest";

/// Asks the device at `device` for evidence of `kind` over `binding`. `collateral` is read
/// when the device gives none: the DCAP collateral (JSON) of an SGX quote (required), or a
/// VCEK certificate (DER) when the SNP firmware returns no certificate table. Blocking; run it
/// on a blocking thread.
pub(super) fn evidence(
    device: &Path,
    kind: Kind,
    binding: &Binding,
    collateral: Option<&Path>,
) -> Result<pb::Attestation, Error> {
    let (document, collateral) = match kind {
        Kind::Nitro => (nsm(device, binding)?, files::collateral(collateral, None)?),
        Kind::SevSnp => sev_guest(device, &binding.report_data(), collateral)?,
        Kind::SgxDcap => (
            gramine(device, &binding.report_data())?,
            files::collateral(collateral, Some("an SGX quote"))?,
        ),
        other => {
            return Err(Error::Device(format!(
                "no device serves {other} evidence (a TDX quote comes from configfs-tsm, `tsm`)"
            )));
        }
    };
    Ok(pb::Attestation {
        kind: kind.to_wire() as i32,
        document,
        collateral,
        ..pb::Attestation::default()
    })
}

/// A Nitro attestation document from the NSM: `user_data` is the binding digest, `public_key`
/// the node's Ed25519 identity, `nonce` the binding's nonce (what `nmp_attest` checks).
fn nsm(device: &Path, binding: &Binding) -> Result<Vec<u8>, Error> {
    let nsm = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(device)
        .map_err(Error::Io)?;
    let request = Request::Attestation {
        user_data: Some(ByteBuf::from(binding.digest().to_vec())),
        nonce: Some(ByteBuf::from(binding.nonce().to_vec())),
        public_key: Some(ByteBuf::from(binding.identity().to_vec())),
    };
    match nsm_process_request(nsm.as_raw_fd(), request) {
        Response::Attestation { document } if document.len() <= MAX_DOCUMENT_BYTES => Ok(document),
        Response::Attestation { .. } => Err(Error::Device(format!(
            "the NSM document is larger than {MAX_DOCUMENT_BYTES} bytes"
        ))),
        Response::Error(code) => Err(Error::Device(format!(
            "{} refused the attestation request: {code:?}",
            device.display()
        ))),
        _ => Err(Error::Device(
            "the NSM answered something other than an attestation document".to_owned(),
        )),
    }
}

/// An SEV-SNP report over `report_data` from `/dev/sev-guest` (`SNP_GET_EXT_REPORT`), with
/// the VCEK from the host's certificate table when it has one.
fn sev_guest(
    device: &Path,
    report_data: &[u8; 64],
    collateral: Option<&Path>,
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    if device != Path::new(SEV_GUEST) {
        return Err(Error::Device(format!(
            "SEV-SNP reports come from {SEV_GUEST}, not {}",
            device.display()
        )));
    }
    let mut firmware = sev::firmware::guest::Firmware::open().map_err(Error::Io)?;
    let (report, certificates) = firmware
        .get_ext_report(None, Some(*report_data), None)
        .map_err(|e| Error::Device(format!("SNP_GET_EXT_REPORT failed: {e}")))?;
    if report.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::Device("the SNP report is too large".to_owned()));
    }
    carries(&report, report_data)?;
    let vcek = certificates
        .into_iter()
        .flatten()
        .find(|entry| entry.cert_type == sev::firmware::host::CertType::VCEK)
        .map(|entry| entry.data);
    let collateral = match vcek {
        Some(vcek) if vcek.len() <= MAX_COLLATERAL_BYTES => vcek,
        Some(_) => return Err(Error::Device("the VCEK is too large".to_owned())),
        None => files::collateral(collateral, None)?,
    };
    Ok((report, collateral))
}

/// An SGX DCAP quote over `report_data` from Gramine's `/dev/attestation` under `root`: its
/// `attestation_type` must be `dcap`; the REPORTDATA goes to `user_report_data` and the quote
/// comes back from `quote`.
fn gramine(root: &Path, report_data: &[u8; 64]) -> Result<Vec<u8>, Error> {
    let kind = fs::read_to_string(root.join("attestation_type")).map_err(Error::Io)?;
    if kind.trim() != "dcap" {
        return Err(Error::Device(format!(
            "Gramine's attestation type is `{}`, expected `dcap`",
            kind.trim()
        )));
    }
    fs::write(root.join("user_report_data"), report_data).map_err(Error::Io)?;
    let quote = read_limited(&root.join("quote"), MAX_DOCUMENT_BYTES)?;
    carries(&quote, report_data)?;
    Ok(quote)
}

#[cfg(test)]
mod tests {
    use nmp_crypto::{Identity, KemKeyPair};

    use super::*;

    fn binding(seed: u8) -> Binding {
        let node = Identity::from_secret_bytes([seed; 32]).peer_id();
        let kem = KemKeyPair::from_seeds(&[3; 32], &[3; 64]).public_key(u64::MAX);
        Binding::new(&node, &kem, [9; 32]).unwrap()
    }

    /// Gramine's pseudo-files as an enclave sees them, with a quote carrying `report_data`
    /// between other bytes (not a real quote: the agent's verifier is tested elsewhere).
    fn gramine_dir(dir: &Path, kind: &str, report_data: &[u8; 64]) {
        fs::write(dir.join("attestation_type"), format!("{kind}\n")).unwrap();
        let mut quote = vec![0x51; 368];
        quote.extend_from_slice(report_data);
        quote.extend_from_slice(&[0x52; 100]);
        fs::write(dir.join("quote"), quote).unwrap();
    }

    #[test]
    fn gramine_gives_the_quote_of_this_requests_report_data() {
        let dir = tempfile::tempdir().unwrap();
        let ours = binding(5);
        gramine_dir(dir.path(), "dcap", &ours.report_data());
        let collateral = dir.path().join("collateral.json");
        fs::write(&collateral, b"{}").unwrap();
        let wire = evidence(dir.path(), Kind::SgxDcap, &ours, Some(&collateral)).unwrap();
        assert_eq!(
            fs::read(dir.path().join("user_report_data")).unwrap(),
            ours.report_data()
        );
        assert_eq!(wire.collateral, b"{}");
        assert_eq!(wire.kind, Kind::SgxDcap.to_wire() as i32);
        // Without collateral an SGX quote cannot be verified by an agent: refused here.
        let refused = evidence(dir.path(), Kind::SgxDcap, &ours, None);
        assert!(matches!(refused, Err(Error::Device(_))), "{refused:?}");
    }

    #[test]
    fn gramine_refuses_another_requests_quote_and_other_attestation_types() {
        let dir = tempfile::tempdir().unwrap();
        gramine_dir(dir.path(), "dcap", &binding(6).report_data());
        let foreign = gramine(dir.path(), &binding(5).report_data());
        assert!(matches!(foreign, Err(Error::Device(_))), "{foreign:?}");
        gramine_dir(dir.path(), "none", &binding(5).report_data());
        let none = gramine(dir.path(), &binding(5).report_data());
        assert!(matches!(none, Err(Error::Device(_))), "{none:?}");
        gramine_dir(dir.path(), "dcap", &binding(5).report_data());
        fs::write(dir.path().join("quote"), vec![0; MAX_DOCUMENT_BYTES + 1]).unwrap();
        let too_big = gramine(dir.path(), &binding(5).report_data());
        assert!(matches!(too_big, Err(Error::Device(_))), "{too_big:?}");
        let missing = gramine(&dir.path().join("absent"), &binding(5).report_data());
        assert!(matches!(missing, Err(Error::Io(_))), "{missing:?}");
    }

    #[test]
    fn a_file_that_is_not_the_device_gives_no_evidence() {
        let dir = tempfile::tempdir().unwrap();
        let not_nsm = dir.path().join("nsm");
        fs::write(&not_nsm, b"").unwrap();
        // The NSM ioctl on a regular file fails: a typed refusal, not a panic.
        let nitro = evidence(&not_nsm, Kind::Nitro, &binding(5), None);
        assert!(matches!(nitro, Err(Error::Device(_))), "{nitro:?}");
        let absent = evidence(&dir.path().join("absent"), Kind::Nitro, &binding(5), None);
        assert!(matches!(absent, Err(Error::Io(_))), "{absent:?}");
        let snp = evidence(&not_nsm, Kind::SevSnp, &binding(5), None);
        assert!(matches!(snp, Err(Error::Device(_))), "{snp:?}");
        let tdx = evidence(&not_nsm, Kind::Tdx, &binding(5), None);
        assert!(matches!(tdx, Err(Error::Device(_))), "{tdx:?}");
    }
}
