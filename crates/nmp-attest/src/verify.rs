//! The vendor verifiers, one module per cargo feature.

#[cfg(feature = "dcap")]
pub(crate) mod dcap;
#[cfg(feature = "nitro")]
pub(crate) mod nitro;
#[cfg(feature = "snp")]
pub(crate) mod snp;
