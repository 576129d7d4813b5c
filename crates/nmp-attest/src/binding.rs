//! [`Binding`]: the node's keys and a nonce, as an enclave puts them into its evidence.

use libp2p_identity::{PeerId, PublicKey};
use nmp_wire::pb;
use sha2::{Digest, Sha256};

use crate::{Error, Verified, attestation::Bound};

/// Domain separation prefix of the binding digest.
pub const DOMAIN: &[u8] = b"nmp/v1/attest\0";

/// X25519 public key length.
const X25519_LEN: usize = 32;
/// ML-KEM-768 encapsulation key length.
const ML_KEM_768_LEN: usize = 1184;
/// Multihash code of an identity (inlined) digest: the PeerId of an Ed25519 key.
const MULTIHASH_IDENTITY: u64 = 0;

/// What an attestation binds: the node's Ed25519 identity, its current KEM key and a 32-byte
/// nonce. Its [`digest`](Binding::digest) is
/// `sha256("nmp/v1/attest\0" || identity (32) || x25519 (32) || ml_kem_768 (1,184) || nonce (32))`;
/// every part has a fixed length, so the encoding is unambiguous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    identity: [u8; 32],
    kem_x25519: [u8; X25519_LEN],
    kem_ml_kem_768: Vec<u8>,
    nonce: [u8; 32],
}

impl Binding {
    /// The binding of `node`'s identity, the KEM key `kem` and `nonce`.
    pub fn new(node: &PeerId, kem: &pb::KemPublicKey, nonce: [u8; 32]) -> Result<Self, Error> {
        Binding::from_parts(node, &kem.x25519, &kem.ml_kem_768, &nonce)
    }

    /// The binding a wire attestation claims for `node` (its nonce and KEM key fields).
    pub fn from_wire(wire: &pb::Attestation, node: &PeerId) -> Result<Self, Error> {
        Binding::from_parts(node, &wire.kem_x25519, &wire.kem_ml_kem_768, &wire.nonce)
    }

    fn from_parts(
        node: &PeerId,
        x25519: &[u8],
        ml_kem: &[u8],
        nonce: &[u8],
    ) -> Result<Self, Error> {
        let identity = ed25519_public_key(node).ok_or(Error::NotEd25519)?;
        let kem_x25519 = x25519.try_into().map_err(|_| Error::Malformed {
            field: "kem_x25519",
            reason: "not 32 bytes",
        })?;
        if ml_kem.len() != ML_KEM_768_LEN {
            return Err(Error::Malformed {
                field: "kem_ml_kem_768",
                reason: "not 1,184 bytes",
            });
        }
        let nonce = nonce.try_into().map_err(|_| Error::Malformed {
            field: "nonce",
            reason: "not 32 bytes",
        })?;
        Ok(Binding {
            identity,
            kem_x25519,
            kem_ml_kem_768: ml_kem.to_vec(),
            nonce,
        })
    }

    /// The binding digest (see the type's docs).
    pub fn digest(&self) -> [u8; 32] {
        Sha256::new()
            .chain_update(DOMAIN)
            .chain_update(self.identity)
            .chain_update(self.kem_x25519)
            .chain_update(&self.kem_ml_kem_768)
            .chain_update(self.nonce)
            .finalize()
            .into()
    }

    /// The 64-byte REPORTDATA an SGX enclave, TDX guest or SNP guest requests its evidence
    /// with: the digest, then 32 zero bytes.
    pub fn report_data(&self) -> [u8; 64] {
        let mut data = [0; 64];
        data[..32].copy_from_slice(&self.digest());
        data
    }

    /// The node's Ed25519 public key: what a Nitro enclave puts in `public_key`.
    pub fn identity(&self) -> &[u8; 32] {
        &self.identity
    }

    /// The nonce.
    pub fn nonce(&self) -> &[u8; 32] {
        &self.nonce
    }

    /// Writes the nonce and KEM key into a wire attestation.
    pub fn apply(&self, wire: &mut pb::Attestation) {
        wire.nonce = self.nonce.to_vec();
        wire.kem_x25519 = self.kem_x25519.to_vec();
        wire.kem_ml_kem_768 = self.kem_ml_kem_768.clone();
    }

    /// Whether the KEM key is `kem`.
    pub fn binds_kem_key(&self, kem: &pb::KemPublicKey) -> bool {
        kem.x25519 == self.kem_x25519 && kem.ml_kem_768 == self.kem_ml_kem_768
    }

    /// Checks that verified evidence carries this binding: REPORTDATA equal to
    /// [`report_data`](Binding::report_data) (SGX, TDX, SEV-SNP), or a Nitro document whose
    /// `user_data` is the digest, `public_key` the identity and `nonce` the nonce.
    pub fn check(&self, verified: &Verified) -> Result<(), Error> {
        match &verified.bound {
            Bound::ReportData(data) => same("report_data", data, &self.report_data()),
            Bound::Nitro {
                public_key,
                user_data,
                nonce,
                ..
            } => {
                same("user_data", opt(user_data), &self.digest())?;
                same("public_key", opt(public_key), &self.identity)?;
                same("nonce", opt(nonce), &self.nonce)
            }
        }
    }
}

fn opt(field: &Option<Vec<u8>>) -> &[u8] {
    field.as_deref().unwrap_or_default()
}

fn same(field: &'static str, have: &[u8], want: &[u8]) -> Result<(), Error> {
    if have == want {
        Ok(())
    } else {
        Err(Error::BindingMismatch(field))
    }
}

/// The Ed25519 public key inside an Ed25519 PeerId (identity multihash), `None` for any other
/// PeerId.
pub fn ed25519_public_key(peer: &PeerId) -> Option<[u8; 32]> {
    let multihash = peer.as_ref();
    if multihash.code() != MULTIHASH_IDENTITY {
        return None;
    }
    let key = PublicKey::try_decode_protobuf(multihash.digest()).ok()?;
    Some(key.try_into_ed25519().ok()?.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Measurement};

    fn node() -> PeerId {
        libp2p_identity::Keypair::ed25519_from_bytes([3; 32])
            .unwrap()
            .public()
            .to_peer_id()
    }

    fn kem(byte: u8) -> pb::KemPublicKey {
        pb::KemPublicKey {
            x25519: vec![byte; 32],
            ml_kem_768: vec![byte; 1184],
            ..Default::default()
        }
    }

    fn verified(bound: Bound) -> Verified {
        Verified {
            kind: Kind::SevSnp,
            measurement: Measurement::SevSnp {
                measurement: [0; 48],
            },
            bound,
            tcb_status: None,
        }
    }

    #[test]
    fn the_digest_covers_every_part() {
        let base = Binding::new(&node(), &kem(1), [9; 32]).unwrap();
        let other_kem = Binding::new(&node(), &kem(2), [9; 32]).unwrap();
        let other_nonce = Binding::new(&node(), &kem(1), [8; 32]).unwrap();
        let other_node = Binding::new(&PeerId::random(), &kem(1), [9; 32]);
        assert_ne!(base.digest(), other_kem.digest());
        assert_ne!(base.digest(), other_nonce.digest());
        assert!(matches!(other_node, Err(Error::NotEd25519)));
        assert_eq!(base.report_data()[32..], [0; 32]);
        assert!(base.binds_kem_key(&kem(1)) && !base.binds_kem_key(&kem(2)));
    }

    #[test]
    fn report_data_and_nitro_fields_are_checked() {
        let binding = Binding::new(&node(), &kem(1), [9; 32]).unwrap();
        assert!(
            binding
                .check(&verified(Bound::ReportData(binding.report_data())))
                .is_ok()
        );
        let mut wrong = binding.report_data();
        wrong[63] = 1;
        assert!(matches!(
            binding.check(&verified(Bound::ReportData(wrong))),
            Err(Error::BindingMismatch("report_data"))
        ));
        let nitro = |public_key: &[u8], nonce: &[u8]| Bound::Nitro {
            public_key: Some(public_key.to_vec()),
            user_data: Some(binding.digest().to_vec()),
            nonce: Some(nonce.to_vec()),
            timestamp_ms: 0,
        };
        let identity = *binding.identity();
        assert!(binding.check(&verified(nitro(&identity, &[9; 32]))).is_ok());
        assert!(matches!(
            binding.check(&verified(nitro(&[0; 32], &[9; 32]))),
            Err(Error::BindingMismatch("public_key"))
        ));
        assert!(matches!(
            binding.check(&verified(nitro(&identity, &[7; 32]))),
            Err(Error::BindingMismatch("nonce"))
        ));
    }

    #[test]
    fn malformed_parts_are_refused() {
        let mut short = kem(1);
        short.ml_kem_768.pop();
        assert!(matches!(
            Binding::new(&node(), &short, [0; 32]),
            Err(Error::Malformed {
                field: "kem_ml_kem_768",
                ..
            })
        ));
        let wire = pb::Attestation {
            nonce: vec![0; 31],
            kem_x25519: vec![0; 32],
            kem_ml_kem_768: vec![0; 1184],
            ..Default::default()
        };
        assert!(matches!(
            Binding::from_wire(&wire, &node()),
            Err(Error::Malformed { field: "nonce", .. })
        ));
    }
}
