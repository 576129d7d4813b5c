//! Ed25519 identities: one keypair is both a peer's libp2p [`PeerId`] and its NMP signing key.

mod keyfile;

use std::{fmt, path::Path};

use ed25519_dalek::{Signature, VerifyingKey};
use libp2p_identity::{PeerId, PublicKey, ed25519};
use zeroize::Zeroizing;

pub use keyfile::{KEY_FILE_BYTES, KeyFileError};

/// What a signature is about. Each domain prefixes the signed bytes with its own tag, so a
/// signature made for one purpose can never be replayed as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Domain {
    /// An agent's `LogicRequest`: prefix `"nmp/v1/request\0"`.
    Request,
    /// A node's `ReceiptBody`: prefix `"nmp/v1/receipt\0"`.
    Receipt,
    /// A node's `CapabilityDocument`: prefix `"nmp/v1/capability\0"`.
    Capability,
    /// One entry of a node's owner-side audit log: prefix `"nmp/v1/audit\0"`.
    Audit,
    /// An agent's `SessionOpen` (its transcript hash): prefix `"nmp/v1/session\0"`.
    Session,
}

impl Domain {
    /// The bytes prepended to the message before signing, NUL-terminated.
    pub const fn prefix(self) -> &'static [u8] {
        match self {
            Self::Request => b"nmp/v1/request\0",
            Self::Receipt => b"nmp/v1/receipt\0",
            Self::Capability => b"nmp/v1/capability\0",
            Self::Audit => b"nmp/v1/audit\0",
            Self::Session => b"nmp/v1/session\0",
        }
    }

    fn message(self, msg: &[u8]) -> Vec<u8> {
        let prefix = self.prefix();
        let mut out = Vec::with_capacity(prefix.len() + msg.len());
        out.extend_from_slice(prefix);
        out.extend_from_slice(msg);
        out
    }
}

/// An Ed25519 identity: the secret key of a node or an agent and the [`PeerId`] it defines.
///
/// Lives as long as the process that speaks for the peer; the secret is zeroized on drop.
/// `Debug` prints only the PeerId.
#[derive(Clone)]
pub struct Identity {
    keypair: ed25519::Keypair,
    peer_id: PeerId,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("peer_id", &self.peer_id)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// Generates a fresh identity from the operating system's random number generator.
    pub fn generate() -> Self {
        Self::from_keypair(ed25519::Keypair::generate())
    }

    /// Builds the identity whose Ed25519 secret key (RFC 8032 seed) is `secret`.
    ///
    /// Deterministic: the same 32 bytes always give the same PeerId. The copy passed in is
    /// zeroized; the caller zeroizes its own.
    pub fn from_secret_bytes(secret: [u8; 32]) -> Self {
        let mut secret = Zeroizing::new(secret);
        let secret = ed25519::SecretKey::try_from_bytes(&mut secret[..])
            .expect("a 32-byte slice is always a valid Ed25519 secret key");
        Self::from_keypair(ed25519::Keypair::from(secret))
    }

    fn from_keypair(keypair: ed25519::Keypair) -> Self {
        let peer_id = PublicKey::from(keypair.public()).to_peer_id();
        Self { keypair, peer_id }
    }

    /// The PeerId of this identity: the identity multihash of its protobuf-encoded public key,
    /// exactly as libp2p computes it.
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    /// Signs `domain.prefix() || msg` with Ed25519 (RFC 8032, deterministic).
    pub fn sign(&self, domain: Domain, msg: &[u8]) -> [u8; 64] {
        let sig = self.keypair.sign(&domain.message(msg));
        sig.try_into().expect("Ed25519 signatures are 64 bytes")
    }

    /// The same keypair as a libp2p [`libp2p_identity::Keypair`], for the mesh (Noise, PeerId).
    pub fn to_libp2p_keypair(&self) -> libp2p_identity::Keypair {
        libp2p_identity::Keypair::from(self.keypair.clone())
    }

    /// Reads a key file written by [`Identity::save`] (see [`KeyFileError`] for what is refused).
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        keyfile::load(path)
    }

    /// Writes this identity to a new key file with mode 0600; never overwrites an existing file.
    pub fn save(&self, path: &Path) -> Result<(), KeyFileError> {
        keyfile::save(self, path)
    }

    /// The key-file encoding: libp2p's protobuf `PrivateKey { type: Ed25519, data: secret ||
    /// public }`, 68 bytes.
    pub fn to_keyfile_bytes(&self) -> Zeroizing<Vec<u8>> {
        keyfile::encode(&self.keypair)
    }

    /// Parses the key-file encoding produced by [`Identity::to_keyfile_bytes`].
    pub fn from_keyfile_bytes(bytes: &[u8]) -> Result<Self, KeyFileError> {
        keyfile::decode(bytes).map(Self::from_keypair)
    }
}

/// Why a signature did not verify against a PeerId.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The PeerId does not embed an Ed25519 public key (NMP peers always do).
    #[error("peer id does not embed an Ed25519 public key")]
    UnsupportedPeerId,
    /// The signature is not a valid Ed25519 signature by that key over the domain and message.
    #[error("signature does not verify")]
    BadSignature,
}

/// Checks an Ed25519 signature by `peer` over `domain.prefix() || msg`.
///
/// Uses strict verification (canonical encodings, no small-order keys). Costs about 50 µs.
pub fn verify(
    peer: &PeerId,
    domain: Domain,
    msg: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let key = verifying_key(peer)?;
    let signature = Signature::from_slice(signature).map_err(|_| SignatureError::BadSignature)?;
    key.verify_strict(&domain.message(msg), &signature)
        .map_err(|_| SignatureError::BadSignature)
}

/// Parses PeerId bytes as they travel in `nmp.v1` messages.
pub(crate) fn parse_peer_id(bytes: &[u8]) -> Option<PeerId> {
    PeerId::from_bytes(bytes).ok()
}

fn verifying_key(peer: &PeerId) -> Result<VerifyingKey, SignatureError> {
    let key = nmp_attest::ed25519_public_key(peer).ok_or(SignatureError::UnsupportedPeerId)?;
    VerifyingKey::from_bytes(&key).map_err(|_| SignatureError::UnsupportedPeerId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_id_matches_libp2p() {
        let id = Identity::from_secret_bytes([7; 32]);
        assert_eq!(id.peer_id(), id.to_libp2p_keypair().public().to_peer_id());
        assert!(id.peer_id().to_base58().starts_with("12D3KooW"));
    }

    #[test]
    fn signatures_are_domain_separated() {
        let id = Identity::from_secret_bytes([1; 32]);
        let sig = id.sign(Domain::Receipt, b"body");
        assert_eq!(
            verify(&id.peer_id(), Domain::Receipt, b"body", &sig),
            Ok(())
        );
        assert_eq!(
            verify(&id.peer_id(), Domain::Capability, b"body", &sig),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            verify(&id.peer_id(), Domain::Receipt, b"bodz", &sig),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            verify(&id.peer_id(), Domain::Receipt, b"body", &sig[..63]),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn peer_ids_without_an_inline_ed25519_key_are_unsupported() {
        let mut sha256 = vec![0x12, 0x20];
        sha256.extend_from_slice(&[9; 32]);
        let hashed = PeerId::from_bytes(&sha256).expect("sha2-256 multihash is a valid PeerId");
        // A random PeerId is an identity multihash of 32 random bytes: not a protobuf key.
        for peer in [hashed, PeerId::random()] {
            assert_eq!(
                verify(&peer, Domain::Receipt, b"x", &[0; 64]),
                Err(SignatureError::UnsupportedPeerId)
            );
        }
    }
}
