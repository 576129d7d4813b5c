//! AMD SEV-SNP reports through `sev` (crypto_nossl: RustCrypto): the ARK's self-signature,
//! ARK over ASK and ASK over VCEK (RSA-PSS), the VCEK's ECDSA P-384 signature over the report;
//! then, here, every certificate's validity at `now` (sev does not check it) and the guest
//! policy's debug bit.

use sev::{
    certs::snp::{Certificate, Chain, Verifiable, builtin, ca},
    firmware::guest::AttestationReport,
    parser::ByteParser,
};

use crate::{Error, Kind, Measurement, Roots, Verified, attestation::Bound};

pub(crate) fn verify(
    report: &[u8],
    vcek: &[u8],
    roots: &Roots,
    now_ms: u64,
) -> Result<Verified, Error> {
    let rejected = |e| Error::rejected(Kind::SevSnp, e);
    let report = AttestationReport::from_bytes(report).map_err(rejected)?;
    let vcek = Certificate::from_der(vcek).map_err(rejected)?;
    let mut last = None;
    let mut chain = None;
    for ca in cas(roots)? {
        let candidate = Chain {
            ca,
            vek: vcek.clone(),
        };
        match (&candidate, &report).verify() {
            Ok(()) => {
                chain = Some(candidate);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let chain = chain.ok_or_else(|| {
        rejected(last.unwrap_or_else(|| std::io::Error::other("no AMD root key configured")))
    })?;
    for cert in [&chain.ca.ark, &chain.ca.ask, &chain.vek] {
        valid_at(cert, now_ms)?;
    }
    if report.policy.debug_allowed() {
        return Err(Error::Debug(Kind::SevSnp));
    }
    Ok(Verified {
        kind: Kind::SevSnp,
        measurement: Measurement::SevSnp {
            measurement: report.measurement,
        },
        bound: Bound::ReportData(report.report_data),
        tcb_status: None,
    })
}

/// The configured (ARK, ASK) pairs, or AMD's built-in Milan, Genoa and Turin keys.
fn cas(roots: &Roots) -> Result<Vec<ca::Chain>, Error> {
    let rejected = |e| Error::rejected(Kind::SevSnp, e);
    match &roots.amd_cas_der {
        Some(pairs) => pairs
            .iter()
            .map(|(ark, ask)| {
                Ok(ca::Chain {
                    ark: Certificate::from_der(ark).map_err(rejected)?,
                    ask: Certificate::from_der(ask).map_err(rejected)?,
                })
            })
            .collect(),
        None => [
            (builtin::milan::ark(), builtin::milan::ask()),
            (builtin::genoa::ark(), builtin::genoa::ask()),
            (builtin::turin::ark(), builtin::turin::ask()),
        ]
        .into_iter()
        .map(|(ark, ask)| {
            Ok(ca::Chain {
                ark: ark.map_err(rejected)?,
                ask: ask.map_err(rejected)?,
            })
        })
        .collect(),
    }
}

fn valid_at(cert: &Certificate, now_ms: u64) -> Result<(), Error> {
    let cert: x509_cert::Certificate = cert.clone().into();
    let validity = &cert.tbs_certificate.validity;
    let not_before = validity.not_before.to_unix_duration().as_millis();
    let not_after = validity.not_after.to_unix_duration().as_millis();
    let now = u128::from(now_ms);
    if now < not_before || now > not_after {
        let subject = cert.tbs_certificate.subject.to_string();
        return Err(Error::Expired {
            kind: Kind::SevSnp,
            source: format!(
                "certificate `{subject}` valid {not_before}..{not_after} ms, not at {now} ms"
            )
            .into(),
        });
    }
    Ok(())
}
