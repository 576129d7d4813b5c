//! [`Error`]: why an attestation was refused.

use crate::{Kind, Measurement};

/// A boxed error from a vendor verifier, kept as the source of [`Error::Rejected`] and
/// [`Error::Expired`].
pub type VendorError = Box<dyn std::error::Error + Send + Sync>;

/// Why an attestation was refused. Nothing in a refused attestation may be trusted: do not
/// seal to the node's keys, and treat it as a node outside any enclave.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The wire kind is `UNSPECIFIED` or one this version does not know.
    #[error("unknown attestation kind {0}")]
    UnknownKind(i32),
    /// This build was compiled without the verifier for this kind (cargo features `nitro`,
    /// `dcap`, `snp`).
    #[error("{0} attestations are not supported by this build")]
    Disabled(Kind),
    /// A field is larger than its limit ([`MAX_DOCUMENT_BYTES`](crate::MAX_DOCUMENT_BYTES),
    /// [`MAX_COLLATERAL_BYTES`](crate::MAX_COLLATERAL_BYTES)); checked before parsing.
    #[error("attestation field `{field}` is {actual} bytes, limit {limit}")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// Its size.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// A field is missing or has the wrong size.
    #[error("attestation field `{field}` malformed: {reason}")]
    Malformed {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The vendor evidence does not verify: a signature, the certificate chain to the vendor
    /// root, the format, or the collateral.
    #[error("{kind} attestation does not verify")]
    Rejected {
        /// The claimed kind.
        kind: Kind,
        /// The vendor verifier's reason.
        #[source]
        source: VendorError,
    },
    /// A certificate or collateral item is outside its validity period at the verification
    /// time.
    #[error("{kind} attestation is not valid at the verification time")]
    Expired {
        /// The claimed kind.
        kind: Kind,
        /// The vendor verifier's reason.
        #[source]
        source: VendorError,
    },
    /// The evidence is of another TEE type than its wire kind claims (a TDX quote sent as SGX).
    #[error("attestation claims {claimed} but carries {actual} evidence")]
    KindMismatch {
        /// The wire kind.
        claimed: Kind,
        /// The kind the evidence is.
        actual: Kind,
    },
    /// The platform's TCB status (DCAP) is not one the policy accepts (out of date, revoked).
    #[error("TCB status `{0}` not accepted")]
    TcbStatus(String),
    /// The enclave or guest runs with debugging allowed: its memory is readable by the host.
    #[error("{0} attestation is from a debug enclave")]
    Debug(Kind),
    /// The measurement is not on the agent's allow-list.
    #[error("measurement {0} is not on the allow-list")]
    NotAllowed(Box<Measurement>),
    /// The nonce is not the challenge the agent sent.
    #[error("attestation nonce is not the agent's challenge")]
    NonceMismatch,
    /// The nonce's issue time is too old, or later than the verification time allows.
    #[error(
        "attestation issued at {issued_at_ms} ms is stale at {now_ms} ms (max age {max_age_ms} ms)"
    )]
    Stale {
        /// The issue time the nonce carries.
        issued_at_ms: u64,
        /// The verification time.
        now_ms: u64,
        /// The policy's maximum age.
        max_age_ms: u64,
    },
    /// The verified evidence binds other keys than the node's identity and KEM key, or another
    /// nonce.
    #[error("attestation does not bind the node's keys: `{0}` differs")]
    BindingMismatch(&'static str),
    /// The node's PeerId does not hold an Ed25519 key, so nothing can be bound to it.
    #[error("node PeerId is not an Ed25519 identity")]
    NotEd25519,
}

impl Error {
    /// Boxes a vendor verifier's error as [`Error::Rejected`].
    #[cfg_attr(
        not(all(feature = "nitro", feature = "dcap", feature = "snp")),
        allow(
            dead_code,
            reason = "constructed only by the verifiers this build enables"
        )
    )]
    pub(crate) fn rejected(kind: Kind, source: impl Into<VendorError>) -> Self {
        Error::Rejected {
            kind,
            source: source.into(),
        }
    }
}
