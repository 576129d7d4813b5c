//! [`Roots`]: the vendor certificates an attestation must chain to.

/// The trust anchors for each kind. [`Roots::vendor`] (the default) trusts the real vendors:
/// the Intel SGX root CA for SGX and TDX, AMD's Milan, Genoa and Turin root and signing keys
/// for SEV-SNP. The AWS Nitro root G1 is fixed inside `nitro_attest` and cannot be replaced.
///
/// Replace a root only for a private PKI or a test CA; an attestation from another root says
/// nothing about real hardware.
#[derive(Debug, Clone, Default)]
pub struct Roots {
    /// DER of the SGX/TDX root CA; `None` = Intel's production root.
    pub(crate) intel_root_der: Option<Vec<u8>>,
    /// (ARK, ASK) DER pairs for SEV-SNP; `None` = AMD's built-in Milan, Genoa and Turin keys.
    pub(crate) amd_cas_der: Option<Vec<(Vec<u8>, Vec<u8>)>>,
}

impl Roots {
    /// The real vendors' roots.
    pub fn vendor() -> Self {
        Roots::default()
    }

    /// Trusts `der` as the SGX/TDX root CA instead of Intel's.
    #[must_use]
    pub fn with_intel_root(mut self, der: Vec<u8>) -> Self {
        self.intel_root_der = Some(der);
        self
    }

    /// Trusts only this (ARK, ASK) pair for SEV-SNP instead of AMD's built-in keys; call again
    /// to add more.
    #[must_use]
    pub fn with_amd_ca(mut self, ark_der: Vec<u8>, ask_der: Vec<u8>) -> Self {
        self.amd_cas_der
            .get_or_insert_with(Vec::new)
            .push((ark_der, ask_der));
        self
    }
}
