//! AES-256-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext.

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, KeyInit, Payload},
};
use zeroize::Zeroizing;

use super::NONCE_BYTES;

/// Encrypts `plaintext` under `key` and `nonce` with `aad`; returns ciphertext || tag.
pub(crate) fn seal(
    key: &[u8; 32],
    nonce: &[u8; NONCE_BYTES],
    aad: &[u8],
    plaintext: &[u8],
) -> Vec<u8> {
    Aes256Gcm::new(key.into())
        .encrypt(
            &Nonce::from(*nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("AES-GCM encrypts any message under 64 GiB")
}

/// Decrypts and authenticates; `None` when the tag does not verify.
pub(crate) fn open(
    key: &[u8; 32],
    nonce: &[u8; NONCE_BYTES],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    Aes256Gcm::new(key.into())
        .decrypt(
            &Nonce::from(*nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}
