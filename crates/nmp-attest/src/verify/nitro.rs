//! AWS Nitro Enclaves documents through `nitro_attest`: COSE_Sign1 (ECDSA P-384) over the
//! document, its certificate chain up to the AWS Nitro root G1 (pinned by fingerprint inside
//! the crate), each certificate's validity at `now`.

use nitro_attest::UnparsedAttestationDoc;
use time::OffsetDateTime;

use crate::{Error, Kind, Measurement, Verified, attestation::Bound};

pub(crate) fn verify(document: &[u8], now_ms: u64) -> Result<Verified, Error> {
    let now = OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms) * 1_000_000)
        .map_err(|e| Error::rejected(Kind::Nitro, e))?;
    let doc = UnparsedAttestationDoc::from(document)
        .parse_and_verify(now)
        .map_err(|e| match e {
            nitro_attest::Error::CertificateExpired { .. }
            | nitro_attest::Error::CertificateNotYetValid { .. } => Error::Expired {
                kind: Kind::Nitro,
                source: Box::new(e),
            },
            e => Error::rejected(Kind::Nitro, e),
        })?;
    let timestamp_ms = u64::try_from(doc.timestamp.unix_timestamp())
        .map_err(|e| Error::rejected(Kind::Nitro, e))?
        .saturating_mul(1000);
    Ok(Verified {
        kind: Kind::Nitro,
        measurement: Measurement::Nitro {
            pcrs: doc.pcrs.into_iter().map(|(i, d)| (i, d.value)).collect(),
        },
        bound: Bound::Nitro {
            public_key: doc.public_key.map(|b| b.into_vec()),
            user_data: doc.user_data.map(|b| b.into_vec()),
            nonce: doc.nonce.map(|b| b.into_vec()),
            timestamp_ms,
        },
        tcb_status: None,
    })
}
