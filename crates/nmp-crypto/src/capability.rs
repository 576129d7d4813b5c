//! Signed capability documents: what a node serves, its limits and policy, and its KEM keys.

use libp2p_identity::PeerId;
use nmp_wire::pb;
use prost::Message;

use crate::{
    identity::{self, Domain, Identity, SignatureError},
    kem::{KemKeyError, NodeKey},
};

/// The capability document format version this crate signs and verifies.
pub const VERSION: u32 = 1;

/// Largest document accepted, checked before decoding: 1 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Signs a capability document as `node`.
///
/// Sets `version` to [`VERSION`] and `node_peer_id` to the signer's PeerId; everything else is
/// signed as given, over `"nmp/v1/capability\0" || document`.
pub fn sign(node: &Identity, document: &pb::CapabilityDocument) -> pb::SignedCapabilityDocument {
    let mut document = document.clone();
    document.version = VERSION;
    document.node_peer_id = node.peer_id().to_bytes();
    let document = document.encode_to_vec();
    pb::SignedCapabilityDocument {
        signature: node.sign(Domain::Capability, &document).to_vec(),
        document,
    }
}

/// Why a capability document was refused. Fetch a fresh one, or pick another node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("capability document is {actual} bytes, limit {limit}")]
    TooLarge {
        /// Its size.
        actual: usize,
        /// [`MAX_DOCUMENT_BYTES`].
        limit: usize,
    },
    /// The bytes are not a `CapabilityDocument`.
    #[error("capability document does not decode")]
    Malformed(#[source] prost::DecodeError),
    /// The format version is not [`VERSION`].
    #[error("unsupported capability document version {0}")]
    UnsupportedVersion(u32),
    /// `node_peer_id` is not a PeerId.
    #[error("capability document names no valid node")]
    MalformedNode,
    /// The signature does not verify against the node named in the document.
    #[error("capability document signature invalid")]
    BadSignature(#[source] SignatureError),
    /// A valid document, but from another node than expected.
    #[error("capability document signed by {actual}, not by the expected node")]
    WrongNode {
        /// The node that signed.
        actual: PeerId,
    },
    /// The document expired.
    #[error("capability document expired at {expires_at_ms} ms (now {now_ms} ms)")]
    Expired {
        /// Its `expires_at_ms`.
        expires_at_ms: u64,
        /// The verifier's clock.
        now_ms: u64,
    },
    /// The document lists no KEM key: nothing can be sealed to this node.
    #[error("capability document has no KEM key")]
    NoKemKey,
    /// A listed KEM key is unusable.
    #[error("KEM key {index} unusable")]
    BadKemKey {
        /// Its position in `kem_keys`.
        index: usize,
        /// What is wrong with it.
        #[source]
        source: KemKeyError,
    },
}

/// Verifies a signed capability document at the agent's time `now_ms` and returns it.
///
/// Checks the size, the encoding and version, the signature by the node the document names, the
/// expected node, the expiry, and that every KEM key is well formed (lengths, key id, the
/// FIPS 203 key check), so the first key can be sealed to directly.
pub fn verify(
    signed: &pb::SignedCapabilityDocument,
    expected_node: Option<&PeerId>,
    now_ms: u64,
) -> Result<pb::CapabilityDocument, VerifyError> {
    let bytes = &signed.document;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(VerifyError::TooLarge {
            actual: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let document =
        pb::CapabilityDocument::decode(bytes.as_slice()).map_err(VerifyError::Malformed)?;
    if document.version != VERSION {
        return Err(VerifyError::UnsupportedVersion(document.version));
    }
    let node = identity::parse_peer_id(&document.node_peer_id).ok_or(VerifyError::MalformedNode)?;
    identity::verify(&node, Domain::Capability, bytes, &signed.signature)
        .map_err(VerifyError::BadSignature)?;
    if let Some(&expected) = expected_node
        && expected != node
    {
        return Err(VerifyError::WrongNode { actual: node });
    }
    if document.expires_at_ms < now_ms {
        return Err(VerifyError::Expired {
            expires_at_ms: document.expires_at_ms,
            now_ms,
        });
    }
    if document.kem_keys.is_empty() {
        return Err(VerifyError::NoKemKey);
    }
    for (index, key) in document.kem_keys.iter().enumerate() {
        NodeKey::parse(key).map_err(|source| VerifyError::BadKemKey { index, source })?;
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kem::KemKeyPair;

    fn document(key: &KemKeyPair) -> pb::CapabilityDocument {
        pb::CapabilityDocument {
            kem_keys: vec![key.public_key(2_000)],
            issued_at_ms: 1_000,
            expires_at_ms: 2_000,
            ..Default::default()
        }
    }

    #[test]
    fn sign_then_verify() {
        let node = Identity::from_secret_bytes([5; 32]);
        let key = KemKeyPair::from_seeds(&[1; 32], &[2; 64]);
        let signed = sign(&node, &document(&key));
        let doc = verify(&signed, Some(&node.peer_id()), 1_500).unwrap();
        assert_eq!(doc.node_peer_id, node.peer_id().to_bytes());
        assert_eq!(doc.version, VERSION);
    }

    #[test]
    fn each_failure_has_its_variant() {
        let node = Identity::from_secret_bytes([5; 32]);
        let other = Identity::from_secret_bytes([6; 32]);
        let key = KemKeyPair::from_seeds(&[1; 32], &[2; 64]);
        let signed = sign(&node, &document(&key));
        assert!(matches!(
            verify(&signed, Some(&other.peer_id()), 1_500),
            Err(VerifyError::WrongNode { .. })
        ));
        assert!(matches!(
            verify(&signed, None, 2_001),
            Err(VerifyError::Expired { .. })
        ));
        let mut tampered = signed.clone();
        tampered.signature[0] ^= 1;
        assert!(matches!(
            verify(&tampered, None, 1_500),
            Err(VerifyError::BadSignature(_))
        ));
        let mut bad_key = document(&key);
        bad_key.kem_keys[0].key_id[0] ^= 1;
        assert!(matches!(
            verify(&sign(&node, &bad_key), None, 1_500),
            Err(VerifyError::BadKemKey {
                index: 0,
                source: KemKeyError::KeyIdMismatch
            })
        ));
        let mut no_key = document(&key);
        no_key.kem_keys.clear();
        assert_eq!(
            verify(&sign(&node, &no_key), None, 1_500),
            Err(VerifyError::NoKemKey)
        );
        let huge = pb::SignedCapabilityDocument {
            document: vec![0; MAX_DOCUMENT_BYTES + 1],
            signature: vec![],
        };
        assert!(matches!(
            verify(&huge, None, 0),
            Err(VerifyError::TooLarge { .. })
        ));
    }
}
