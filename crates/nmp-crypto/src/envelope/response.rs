//! The response direction: the node seals its answer under the key both sides derived.

use std::fmt;

use nmp_wire::{limits, pb};
use prost::Message;
use zeroize::Zeroizing;

use super::{NONCE_BYTES, OpenError, aead, schedule};

/// The response-direction AES-256-GCM key of one exchange, bound to its request id.
///
/// The agent gets it from [`crate::envelope::seal`], the node from [`crate::Keyring::open`]; it lives as
/// long as that one request and is zeroized on drop. `Debug` prints only the request id.
pub struct ResponseKey {
    key: Zeroizing<[u8; 32]>,
    request_id: [u8; limits::REQUEST_ID_BYTES],
}

impl fmt::Debug for ResponseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseKey")
            .field("request_id", &hex::encode(self.request_id))
            .finish_non_exhaustive()
    }
}

impl ResponseKey {
    pub(crate) fn new(
        key: Zeroizing<[u8; 32]>,
        request_id: [u8; limits::REQUEST_ID_BYTES],
    ) -> Self {
        Self { key, request_id }
    }

    /// The request this key answers.
    pub fn request_id(&self) -> [u8; limits::REQUEST_ID_BYTES] {
        self.request_id
    }

    /// Seals the node's answer with a fresh random nonce.
    ///
    /// Safe to call more than once for one request (each call draws a new 96-bit nonce). Panics
    /// only if the operating system has no random number generator.
    pub fn seal_response(&self, payload: &pb::ResponsePayload) -> pb::SealedResponse {
        let mut nonce = [0; NONCE_BYTES];
        crate::rng::fill(&mut nonce);
        self.seal_response_with_nonce(payload, nonce)
    }

    pub(crate) fn seal_response_with_nonce(
        &self,
        payload: &pb::ResponsePayload,
        nonce: [u8; NONCE_BYTES],
    ) -> pb::SealedResponse {
        let plaintext = Zeroizing::new(payload.encode_to_vec());
        let aad = schedule::response_aad(&self.request_id);
        pb::SealedResponse {
            nonce: nonce.to_vec(),
            ciphertext: aead::seal(&self.key, &nonce, &aad, &plaintext),
        }
    }

    /// Opens the node's sealed answer.
    ///
    /// Fails with [`OpenError::Truncated`] or [`OpenError::Malformed`] for a wrong-size nonce or a
    /// ciphertext shorter than its tag, [`OpenError::TooLarge`] past `limits::MAX_FRAME_BYTES`,
    /// [`OpenError::Tampered`] when authentication fails (wrong key, other request, any changed
    /// byte) and [`OpenError::MalformedPayload`] when the plaintext is not a `ResponsePayload`.
    pub fn open_response(
        &self,
        sealed: &pb::SealedResponse,
    ) -> Result<pb::ResponsePayload, OpenError> {
        let nonce: [u8; NONCE_BYTES] = super::open::fixed(&sealed.nonce, "nonce")?;
        super::open::check_ciphertext(&sealed.ciphertext)?;
        let aad = schedule::response_aad(&self.request_id);
        let plaintext =
            aead::open(&self.key, &nonce, &aad, &sealed.ciphertext).ok_or(OpenError::Tampered)?;
        pb::ResponsePayload::decode(plaintext.as_slice()).map_err(OpenError::MalformedPayload)
    }
}
