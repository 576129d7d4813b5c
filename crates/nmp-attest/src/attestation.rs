//! [`Attestation`]: one vendor's evidence, and [`Verified`]: what it states once verified.

use nmp_wire::pb;

use crate::{Error, Kind, Measurement, Roots};

/// Largest `Attestation.document` accepted, checked before parsing: 64 KiB (a Nitro document
/// is about 4.5 KiB, a DCAP quote 5 KiB, an SNP report 1,184 bytes).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// Largest `Attestation.collateral` accepted, checked before parsing: 256 KiB (DCAP collateral
/// JSON is 14-25 KiB, a VCEK certificate 1.4 KiB).
pub const MAX_COLLATERAL_BYTES: usize = 256 * 1024;

/// One TEE vendor's signed evidence, as carried in an `nmp.v1.Attestation`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attestation {
    /// An AWS Nitro Enclaves attestation document (COSE_Sign1 with its certificate chain).
    Nitro {
        /// The COSE_Sign1 bytes.
        document: Vec<u8>,
    },
    /// An Intel SGX DCAP quote with the collateral that verifies it offline.
    SgxDcap {
        /// The quote bytes.
        quote: Vec<u8>,
        /// `QuoteCollateralV3` as JSON (PCCS format).
        collateral: Vec<u8>,
    },
    /// An Intel TDX DCAP quote with its collateral.
    Tdx {
        /// The quote bytes.
        quote: Vec<u8>,
        /// `QuoteCollateralV3` as JSON (PCCS format).
        collateral: Vec<u8>,
    },
    /// An AMD SEV-SNP attestation report with the chip's VCEK certificate.
    SevSnp {
        /// The 1,184-byte report.
        report: Vec<u8>,
        /// The VCEK certificate, DER.
        vcek: Vec<u8>,
    },
}

impl Attestation {
    /// The evidence in a wire attestation. Checks the kind and the size limits only.
    pub fn from_wire(wire: &pb::Attestation) -> Result<Self, Error> {
        let kind = Kind::from_wire(wire.kind).ok_or(Error::UnknownKind(wire.kind))?;
        limit("document", &wire.document, MAX_DOCUMENT_BYTES)?;
        limit("collateral", &wire.collateral, MAX_COLLATERAL_BYTES)?;
        let document = wire.document.clone();
        let collateral = wire.collateral.clone();
        Ok(match kind {
            Kind::Nitro => Attestation::Nitro { document },
            Kind::SgxDcap => Attestation::SgxDcap {
                quote: document,
                collateral,
            },
            Kind::Tdx => Attestation::Tdx {
                quote: document,
                collateral,
            },
            Kind::SevSnp => Attestation::SevSnp {
                report: document,
                vcek: collateral,
            },
        })
    }

    /// The wire form, with an empty nonce and KEM key (the binding adds them).
    pub fn to_wire(&self) -> pb::Attestation {
        let (document, collateral) = match self {
            Attestation::Nitro { document } => (document.clone(), Vec::new()),
            Attestation::SgxDcap { quote, collateral } | Attestation::Tdx { quote, collateral } => {
                (quote.clone(), collateral.clone())
            }
            Attestation::SevSnp { report, vcek } => (report.clone(), vcek.clone()),
        };
        pb::Attestation {
            kind: self.kind().to_wire() as i32,
            document,
            collateral,
            ..pb::Attestation::default()
        }
    }

    /// The kind of evidence.
    pub fn kind(&self) -> Kind {
        match self {
            Attestation::Nitro { .. } => Kind::Nitro,
            Attestation::SgxDcap { .. } => Kind::SgxDcap,
            Attestation::Tdx { .. } => Kind::Tdx,
            Attestation::SevSnp { .. } => Kind::SevSnp,
        }
    }

    /// Verifies the evidence offline at `now_ms` (Unix milliseconds, the caller's clock: this
    /// crate never reads one) against `roots`, and returns what it states.
    ///
    /// Checks the vendor signature chain up to the root, every certificate's and collateral
    /// item's validity at `now_ms`, the evidence's own signature, that the evidence is of the
    /// claimed kind, and that it is not from a debug enclave. It does not check the measurement,
    /// the TCB status or the binding: [`Policy::check`](crate::Policy::check) does. Costs
    /// about 1-3 ms (see docs/attestation.md for the measured figures).
    pub fn verify(&self, roots: &Roots, now_ms: u64) -> Result<Verified, Error> {
        let _ = (roots, now_ms);
        match self {
            #[cfg(feature = "nitro")]
            Attestation::Nitro { document } => crate::verify::nitro::verify(document, now_ms),
            #[cfg(feature = "dcap")]
            Attestation::SgxDcap { quote, collateral } | Attestation::Tdx { quote, collateral } => {
                crate::verify::dcap::verify(self.kind(), quote, collateral, roots, now_ms)
            }
            #[cfg(feature = "snp")]
            Attestation::SevSnp { report, vcek } => {
                crate::verify::snp::verify(report, vcek, roots, now_ms)
            }
            #[allow(
                unreachable_patterns,
                reason = "reached when a verifier feature is off"
            )]
            _ => Err(Error::Disabled(self.kind())),
        }
    }
}

fn limit(field: &'static str, bytes: &[u8], limit: usize) -> Result<(), Error> {
    if bytes.len() > limit {
        return Err(Error::TooLarge {
            field,
            actual: bytes.len(),
            limit,
        });
    }
    Ok(())
}

/// What verified evidence states: the kind, the measurement, the bound data and (DCAP) the
/// platform's TCB status. Only [`Attestation::verify`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub(crate) kind: Kind,
    pub(crate) measurement: Measurement,
    pub(crate) bound: Bound,
    pub(crate) tcb_status: Option<String>,
}

/// The data the enclave put into its evidence.
#[cfg_attr(
    not(all(feature = "nitro", feature = "dcap", feature = "snp")),
    allow(
        dead_code,
        reason = "constructed only by the verifiers this build enables"
    )
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bound {
    /// Nitro's optional fields and its signed timestamp (milliseconds).
    Nitro {
        public_key: Option<Vec<u8>>,
        user_data: Option<Vec<u8>>,
        nonce: Option<Vec<u8>>,
        timestamp_ms: u64,
    },
    /// The 64-byte REPORTDATA of SGX, TDX and SEV-SNP.
    ReportData([u8; 64]),
}

impl Verified {
    /// The kind of evidence.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The code identity the hardware measured.
    pub fn measurement(&self) -> &Measurement {
        &self.measurement
    }

    /// The DCAP TCB status (`UpToDate`, `SWHardeningNeeded`, `OutOfDate`...), `None` for other
    /// kinds.
    pub fn tcb_status(&self) -> Option<&str> {
        self.tcb_status.as_deref()
    }
}
