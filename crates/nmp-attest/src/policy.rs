//! [`Policy`]: everything an agent checks before sealing to an attested node, and
//! [`Attested`]: the proof that it did.

use libp2p_identity::PeerId;
use nmp_wire::pb;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::{
    AllowList, Attestation, Binding, Error, Freshness, Kind, Measurement, Roots, Verified,
    attestation::Bound,
};

/// DCAP TCB statuses [`Policy::default`] accepts: the platform is patched, possibly needing a
/// configuration or software-hardening step Intel leaves to the enclave author.
pub const DEFAULT_TCB_STATUSES: [&str; 4] = [
    "UpToDate",
    "SWHardeningNeeded",
    "ConfigurationNeeded",
    "ConfigurationAndSWHardeningNeeded",
];

/// What an agent requires of an attestation.
///
/// The default trusts the real vendor roots, accepts [`DEFAULT_TCB_STATUSES`], requires a time
/// nonce at most 24 hours old, and allows no measurement: set the allow-list with
/// [`Policy::allow`] or nothing passes.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The vendor roots evidence must chain to.
    pub roots: Roots,
    /// The code identities the agent trusts.
    pub allow: AllowList,
    /// How the nonce must be fresh.
    pub freshness: Freshness,
    /// The DCAP TCB statuses accepted (exact names as Intel writes them).
    pub tcb_statuses: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            roots: Roots::vendor(),
            allow: AllowList::default(),
            freshness: Freshness::default(),
            tcb_statuses: DEFAULT_TCB_STATUSES.map(str::to_owned).to_vec(),
        }
    }
}

impl Policy {
    /// The default policy allowing exactly `allow`.
    pub fn allow(allow: AllowList) -> Self {
        Policy {
            allow,
            ..Policy::default()
        }
    }

    /// Checks `wire` as the attestation of `node` at `now_ms` (Unix milliseconds, the caller's
    /// clock), in this order: size limits and kind, the vendor evidence
    /// ([`Attestation::verify`]), the TCB status, the measurement against the allow-list, the
    /// nonce's freshness, and last the binding of `node`'s identity, the attestation's KEM key
    /// and nonce into the evidence.
    ///
    /// The returned [`Attested`] names the KEM key the agent may seal to; the caller checks it
    /// is the key it is about to use ([`Attested::binds_kem_key`]).
    pub fn check(
        &self,
        wire: &pb::Attestation,
        node: &PeerId,
        now_ms: u64,
    ) -> Result<Attested, Error> {
        let verified = Attestation::from_wire(wire)?.verify(&self.roots, now_ms)?;
        if let Some(status) = verified.tcb_status()
            && !self.tcb_statuses.iter().any(|s| s == status)
        {
            return Err(Error::TcbStatus(status.to_owned()));
        }
        if !self.allow.allows(verified.measurement()) {
            return Err(Error::NotAllowed(Box::new(verified.measurement().clone())));
        }
        let binding = Binding::from_wire(wire, node)?;
        self.freshness.check(binding.nonce(), now_ms)?;
        if let Bound::Nitro { timestamp_ms, .. } = verified.bound {
            self.freshness.check_time(timestamp_ms, now_ms)?;
        }
        binding.check(&verified)?;
        Ok(Attested {
            node: *node,
            binding,
            verified,
            evidence_sha256: Sha256::digest(wire.encode_to_vec()).into(),
        })
    }
}

/// An attestation that passed [`Policy::check`] for one node: only that function makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    node: PeerId,
    binding: Binding,
    verified: Verified,
    evidence_sha256: [u8; 32],
}

impl Attested {
    /// The node whose identity the attestation binds.
    pub fn node(&self) -> &PeerId {
        &self.node
    }

    /// The kind of evidence.
    pub fn kind(&self) -> Kind {
        self.verified.kind()
    }

    /// The measurement that passed the allow-list.
    pub fn measurement(&self) -> &Measurement {
        self.verified.measurement()
    }

    /// Whether `kem` is the KEM key the attestation binds.
    pub fn binds_kem_key(&self, kem: &pb::KemPublicKey) -> bool {
        self.binding.binds_kem_key(kem)
    }

    /// SHA-256 of the encoded wire attestation that was checked: a receipt carrying the same
    /// attestation has the same digest.
    pub fn evidence_sha256(&self) -> &[u8; 32] {
        &self.evidence_sha256
    }
}
