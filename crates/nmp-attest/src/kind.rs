//! [`Kind`]: which vendor's evidence an attestation carries.

use std::{fmt, str::FromStr};

use nmp_wire::pb;

/// The kind of trusted execution environment an attestation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// AWS Nitro Enclaves: a COSE_Sign1 attestation document chained to the AWS Nitro root G1.
    Nitro,
    /// Intel SGX: a DCAP quote chained to the Intel SGX root CA.
    SgxDcap,
    /// Intel TDX: a DCAP quote chained to the Intel SGX root CA.
    Tdx,
    /// AMD SEV-SNP: an attestation report signed by a VCEK chained to the AMD root key.
    SevSnp,
}

impl Kind {
    /// Every kind, in wire order.
    pub const ALL: [Kind; 4] = [Kind::Nitro, Kind::SgxDcap, Kind::Tdx, Kind::SevSnp];

    /// The kind of a raw wire value, or `None` for `UNSPECIFIED` and values this version does
    /// not know.
    pub fn from_wire(raw: i32) -> Option<Kind> {
        match pb::AttestationKind::try_from(raw).ok()? {
            pb::AttestationKind::Nitro => Some(Kind::Nitro),
            pb::AttestationKind::SgxDcap => Some(Kind::SgxDcap),
            pb::AttestationKind::Tdx => Some(Kind::Tdx),
            pb::AttestationKind::SevSnp => Some(Kind::SevSnp),
            pb::AttestationKind::Unspecified => None,
        }
    }

    /// The wire value.
    pub fn to_wire(self) -> pb::AttestationKind {
        match self {
            Kind::Nitro => pb::AttestationKind::Nitro,
            Kind::SgxDcap => pb::AttestationKind::SgxDcap,
            Kind::Tdx => pb::AttestationKind::Tdx,
            Kind::SevSnp => pb::AttestationKind::SevSnp,
        }
    }

    /// The name used in node files, policies and output: `nitro`, `sgx`, `tdx` or `sev-snp`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Nitro => "nitro",
            Kind::SgxDcap => "sgx",
            Kind::Tdx => "tdx",
            Kind::SevSnp => "sev-snp",
        }
    }

    /// Whether this build carries the verifier for the kind (its cargo feature: `nitro`,
    /// `dcap` for SGX and TDX, `snp`).
    pub fn enabled(self) -> bool {
        match self {
            Kind::Nitro => cfg!(feature = "nitro"),
            Kind::SgxDcap | Kind::Tdx => cfg!(feature = "dcap"),
            Kind::SevSnp => cfg!(feature = "snp"),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of `nitro`, `sgx`, `tdx`, `sev-snp`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown attestation kind `{0}` (expected nitro, sgx, tdx or sev-snp)")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_wire_values_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
            assert_eq!(Kind::from_wire(kind.to_wire() as i32), Some(kind));
        }
        assert_eq!(Kind::from_wire(0), None);
        assert_eq!(Kind::from_wire(99), None);
        assert!("sgx-dcap".parse::<Kind>().is_err());
    }
}
