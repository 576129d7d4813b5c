//! Intel SGX and TDX DCAP quotes through `dcap-qvl` (RustCrypto backend): the quote signature
//! by the attestation key, the QE report and its PCK certificate chain to the Intel root, the
//! CRLs, the signed TCB info and QE identity and their validity at `now`; debug enclaves are
//! refused by dcap-qvl itself.

use dcap_qvl::{
    QuoteCollateralV3, configs::RustCryptoConfig, quote::Report, verify::QuoteVerifier,
};

use crate::{Error, Kind, Measurement, Roots, Verified, attestation::Bound};

pub(crate) fn verify(
    claimed: Kind,
    quote: &[u8],
    collateral: &[u8],
    roots: &Roots,
    now_ms: u64,
) -> Result<Verified, Error> {
    let collateral: QuoteCollateralV3 =
        serde_json::from_slice(collateral).map_err(|e| Error::rejected(claimed, e))?;
    let verifier = match &roots.intel_root_der {
        Some(der) => QuoteVerifier::<RustCryptoConfig>::new_with_config(der.clone()),
        None => QuoteVerifier::new_prod().with_config::<RustCryptoConfig>(),
    };
    let verified = verifier
        .verify(quote, &collateral, now_ms / 1000)
        .map_err(|e| {
            // dcap-qvl reports every failure as one `anyhow` error; its time checks say
            // "expired" ("TCBInfo expired", "QE Identity expired", certificate expiry).
            let expired = format!("{e:#}").to_ascii_lowercase().contains("expired");
            let source = crate::error::VendorError::from(e);
            if expired {
                Error::Expired {
                    kind: claimed,
                    source,
                }
            } else {
                Error::Rejected {
                    kind: claimed,
                    source,
                }
            }
        })?;
    let (actual, measurement, report_data) = match &verified.report {
        Report::SgxEnclave(r) => (
            Kind::SgxDcap,
            Measurement::Sgx {
                mr_enclave: r.mr_enclave,
                mr_signer: r.mr_signer,
            },
            r.report_data,
        ),
        Report::TD10(r) => tdx(r),
        Report::TD15(r) => tdx(&r.base),
        Report::TD15Ex(r) => tdx(&r.base.base),
    };
    if actual != claimed {
        return Err(Error::KindMismatch { claimed, actual });
    }
    Ok(Verified {
        kind: claimed,
        measurement,
        bound: Bound::ReportData(report_data),
        tcb_status: Some(verified.status),
    })
}

fn tdx(r: &dcap_qvl::quote::TDReport10) -> (Kind, Measurement, [u8; 64]) {
    (
        Kind::Tdx,
        Measurement::Tdx {
            mr_td: r.mr_td,
            rtmr: [r.rt_mr0, r.rt_mr1, r.rt_mr2, r.rt_mr3],
        },
        r.report_data,
    )
}
