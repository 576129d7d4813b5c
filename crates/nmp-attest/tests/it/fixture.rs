//! The vendor samples copied from the crates that ship them (provenance in
//! tests/fixtures/README.md), each with a fixed time inside its validity.

use nmp_attest::Attestation;

/// `nitro_attest` 0.2.0 `tests/fixtures/attestation.cose`: valid at its own timestamp.
pub(crate) const NITRO_AT_MS: u64 = 1_736_179_625_000;
/// `dcap-qvl` 0.7.1 samples: TCB info and QE identity issued 2025-06-19, next update
/// 2025-07-19; 2025-06-20T00:00:00Z lies inside every collateral item.
pub(crate) const DCAP_AT_MS: u64 = 1_750_377_600_000;
/// `sev` 8.0.0 Milan VCEK: valid 2023-04-03 to 2030-04-03; 2025-06-20T00:00:00Z.
pub(crate) const SNP_AT_MS: u64 = 1_750_377_600_000;
/// A time after every sample's chain expired: 2031-01-01T00:00:00Z.
pub(crate) const AFTER_ALL_MS: u64 = 1_924_992_000_000;

pub(crate) fn nitro() -> Attestation {
    Attestation::Nitro {
        document: include_bytes!("../fixtures/nitro/attestation.cose").to_vec(),
    }
}

pub(crate) fn sgx() -> Attestation {
    Attestation::SgxDcap {
        quote: include_bytes!("../fixtures/dcap/sgx_quote").to_vec(),
        collateral: include_bytes!("../fixtures/dcap/sgx_quote_collateral.json").to_vec(),
    }
}

pub(crate) fn tdx() -> Attestation {
    Attestation::Tdx {
        quote: include_bytes!("../fixtures/dcap/tdx_quote").to_vec(),
        collateral: include_bytes!("../fixtures/dcap/tdx_quote_collateral.json").to_vec(),
    }
}

pub(crate) fn snp() -> Attestation {
    let hex = include_str!("../fixtures/sev-snp/report_milan.hex");
    Attestation::SevSnp {
        report: hex::decode(hex.trim()).expect("the sample is hex"),
        vcek: include_bytes!("../fixtures/sev-snp/vcek_milan.der").to_vec(),
    }
}

/// Each real sample with its fixed time.
pub(crate) fn all() -> [(Attestation, u64); 4] {
    [
        (nitro(), NITRO_AT_MS),
        (sgx(), DCAP_AT_MS),
        (tdx(), DCAP_AT_MS),
        (snp(), SNP_AT_MS),
    ]
}
