//! Node KEM keys for the hybrid envelope: an X25519 key and an ML-KEM-768 key under one key id.

use std::fmt;

use ml_kem::{
    Decapsulate, KeyExport,
    array::Array,
    ml_kem_768::{Ciphertext, DecapsulationKey, EncapsulationKey},
};
use nmp_wire::pb;
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey as XPublic, StaticSecret};
use zeroize::Zeroizing;

/// Length of an X25519 public key.
pub const X25519_BYTES: usize = 32;
/// Length of an ML-KEM-768 encapsulation (public) key (FIPS 203).
pub const ML_KEM_768_PUBLIC_BYTES: usize = 1184;
/// Length of an ML-KEM-768 ciphertext (FIPS 203).
pub const ML_KEM_768_CIPHERTEXT_BYTES: usize = 1088;
/// Length of a KEM key id: the first 16 bytes of SHA-256(x25519 || ml_kem_768).
pub const KEY_ID_BYTES: usize = 16;

/// Computes the key id of a node KEM public key: the first 16 bytes of SHA-256(x25519 || ml_kem_768).
pub fn key_id(x25519: &[u8], ml_kem_768: &[u8]) -> [u8; KEY_ID_BYTES] {
    let digest = Sha256::new()
        .chain_update(x25519)
        .chain_update(ml_kem_768)
        .finalize();
    let mut id = [0; KEY_ID_BYTES];
    id.copy_from_slice(&digest[..KEY_ID_BYTES]);
    id
}

/// Why a published `KemPublicKey` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KemKeyError {
    /// A field has the wrong length.
    #[error("`{field}` is {actual} bytes, expected {expected}")]
    Length {
        /// The `KemPublicKey` field.
        field: &'static str,
        /// Its required length.
        expected: usize,
        /// Its actual length.
        actual: usize,
    },
    /// `key_id` is not the first 16 bytes of SHA-256(x25519 || ml_kem_768).
    #[error("key id does not match the keys")]
    KeyIdMismatch,
    /// The ML-KEM-768 key fails the FIPS 203 encapsulation-key check.
    #[error("invalid ML-KEM-768 encapsulation key")]
    InvalidMlKem,
    /// The X25519 key is a low-order point: the exchange would not be contributory.
    #[error("low-order X25519 public key")]
    LowOrderX25519,
}

/// A node's KEM key pair: an X25519 static secret and an ML-KEM-768 decapsulation key.
///
/// Lives from one rotation to the next (see [`crate::Keyring::rotate`]); both secrets are
/// zeroized on drop. `Debug` prints only the key id.
pub struct KemKeyPair {
    x25519: StaticSecret,
    ml_kem: DecapsulationKey,
    x25519_public: [u8; X25519_BYTES],
    ml_kem_public: Vec<u8>,
    key_id: [u8; KEY_ID_BYTES],
}

impl fmt::Debug for KemKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KemKeyPair")
            .field("key_id", &hex::encode(self.key_id))
            .finish_non_exhaustive()
    }
}

impl KemKeyPair {
    /// Generates a fresh key pair from the operating system's random number generator.
    ///
    /// Costs about 0.1 ms. Panics only if the operating system has no random number generator.
    pub fn generate() -> Self {
        let mut x25519 = Zeroizing::new([0; 32]);
        let mut ml_kem = Zeroizing::new([0; 64]);
        crate::rng::fill(&mut x25519[..]);
        crate::rng::fill(&mut ml_kem[..]);
        Self::from_seeds(&x25519, &ml_kem)
    }

    /// Builds the key pair from its seeds: the X25519 secret scalar (clamped as RFC 7748 says)
    /// and the 64-byte ML-KEM seed `d || z` (FIPS 203 `ML-KEM.KeyGen_internal`).
    ///
    /// Deterministic, for persistence and known-answer vectors; the seeds must be uniformly random.
    pub fn from_seeds(x25519: &[u8; 32], ml_kem_seed: &[u8; 64]) -> Self {
        let x25519 = StaticSecret::from(*x25519);
        let ml_kem = DecapsulationKey::from_seed(Array::from(*ml_kem_seed));
        let x25519_public = XPublic::from(&x25519).to_bytes();
        let ml_kem_public = ml_kem.encapsulation_key().to_bytes().to_vec();
        let key_id = key_id(&x25519_public, &ml_kem_public);
        Self {
            x25519,
            ml_kem,
            x25519_public,
            ml_kem_public,
            key_id,
        }
    }

    /// The key id agents put in `SealedEnvelope.kem_key_id`.
    pub fn key_id(&self) -> [u8; KEY_ID_BYTES] {
        self.key_id
    }

    /// The public half as published in a capability document, valid until `not_after_ms`.
    pub fn public_key(&self, not_after_ms: u64) -> pb::KemPublicKey {
        pb::KemPublicKey {
            key_id: self.key_id.to_vec(),
            x25519: self.x25519_public.to_vec(),
            ml_kem_768: self.ml_kem_public.clone(),
            not_after_ms,
        }
    }

    pub(crate) fn x25519_public(&self) -> &[u8; X25519_BYTES] {
        &self.x25519_public
    }

    pub(crate) fn ml_kem_public(&self) -> &[u8] {
        &self.ml_kem_public
    }

    /// Recovers both shared secrets; `None` when the ephemeral X25519 key is a low-order point.
    /// ML-KEM decapsulation never fails (implicit rejection): a wrong ciphertext yields a
    /// pseudorandom secret and the AEAD then fails.
    pub(crate) fn decapsulate(
        &self,
        ephemeral: &[u8; X25519_BYTES],
        ciphertext: &[u8; ML_KEM_768_CIPHERTEXT_BYTES],
    ) -> Option<SharedSecrets> {
        let x25519 = self.x25519.diffie_hellman(&XPublic::from(*ephemeral));
        if !x25519.was_contributory() {
            return None;
        }
        let ml_kem = self.ml_kem.decapsulate(&Ciphertext::from(*ciphertext));
        Some(SharedSecrets::new(ml_kem.into(), x25519.to_bytes()))
    }
}

/// The two shared secrets of one exchange, zeroized on drop.
pub(crate) struct SharedSecrets {
    pub(crate) ml_kem: Zeroizing<[u8; 32]>,
    pub(crate) x25519: Zeroizing<[u8; 32]>,
}

impl SharedSecrets {
    fn new(ml_kem: [u8; 32], x25519: [u8; 32]) -> Self {
        Self {
            ml_kem: Zeroizing::new(ml_kem),
            x25519: Zeroizing::new(x25519),
        }
    }
}

/// A node KEM public key, checked and ready to encapsulate to.
pub(crate) struct NodeKey<'a> {
    pub(crate) published: &'a pb::KemPublicKey,
    x25519: XPublic,
    ml_kem: EncapsulationKey,
}

/// What the agent sends: its ephemeral X25519 public key and the ML-KEM ciphertext.
pub(crate) struct Encapsulation {
    pub(crate) ephemeral: [u8; X25519_BYTES],
    pub(crate) ciphertext: Vec<u8>,
    pub(crate) secrets: SharedSecrets,
}

impl<'a> NodeKey<'a> {
    /// Checks every length, the key id and the ML-KEM key (FIPS 203 modulus check).
    pub(crate) fn parse(published: &'a pb::KemPublicKey) -> Result<Self, KemKeyError> {
        let x25519: [u8; X25519_BYTES] = fixed(&published.x25519, "x25519")?;
        let ml_kem_bytes: [u8; ML_KEM_768_PUBLIC_BYTES] =
            fixed(&published.ml_kem_768, "ml_kem_768")?;
        let id: [u8; KEY_ID_BYTES] = fixed(&published.key_id, "key_id")?;
        if id != key_id(&x25519, &ml_kem_bytes) {
            return Err(KemKeyError::KeyIdMismatch);
        }
        let ml_kem = EncapsulationKey::new(&Array::from(ml_kem_bytes))
            .map_err(|_| KemKeyError::InvalidMlKem)?;
        Ok(Self {
            published,
            x25519: XPublic::from(x25519),
            ml_kem,
        })
    }

    /// Encapsulates to both keys with the given ephemeral X25519 secret and ML-KEM message `m`.
    pub(crate) fn encapsulate(
        &self,
        ephemeral_secret: &[u8; 32],
        m: &[u8; 32],
    ) -> Result<Encapsulation, KemKeyError> {
        let secret = StaticSecret::from(*ephemeral_secret);
        let ephemeral = XPublic::from(&secret).to_bytes();
        let x25519 = secret.diffie_hellman(&self.x25519);
        if !x25519.was_contributory() {
            return Err(KemKeyError::LowOrderX25519);
        }
        let (ciphertext, ml_kem) = self.ml_kem.encapsulate_deterministic(&Array::from(*m));
        Ok(Encapsulation {
            ephemeral,
            ciphertext: ciphertext.to_vec(),
            secrets: SharedSecrets::new(ml_kem.into(), x25519.to_bytes()),
        })
    }
}

fn fixed<const N: usize>(bytes: &[u8], field: &'static str) -> Result<[u8; N], KemKeyError> {
    bytes.try_into().map_err(|_| KemKeyError::Length {
        field,
        expected: N,
        actual: bytes.len(),
    })
}
