//! A request whose metadata and agent signature checked out, not yet opened.

use libp2p_identity::PeerId;
use nmp_wire::pb;
use prost::Message;

use super::{Entry, Keyring, OpenError, Opened, parts::Parts, refused};
use crate::envelope::{ResponseKey, aead, schedule};

/// A request that passed every check that needs no secret: shape and sizes, recipient, time
/// window, KEM key, the agent's signature and the replay pre-check. Nothing about it is
/// recorded yet.
///
/// The node decides on [`Verified::agent`] (its allow-list, rate limits and budgets) and only
/// then calls [`Verified::open`], which decapsulates, decrypts and records the request in the
/// replay cache. Dropping it instead leaves no trace: a refused agent's requests cost a
/// signature check each and never touch the replay cache. Borrows the keyring and the request.
#[must_use = "a verified request is opened (and recorded) only by `open`"]
pub struct Verified<'a> {
    pub(super) keyring: &'a Keyring,
    pub(super) request: &'a pb::LogicRequest,
    pub(super) parts: Parts<'a>,
    pub(super) entry: Entry,
    pub(super) transcript_hash: [u8; 32],
    pub(super) aad: Vec<u8>,
    pub(super) now_ms: u64,
}

impl std::fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified")
            .field("agent", &self.parts.agent)
            .field("request_id", &hex::encode(self.parts.request_id))
            .field("timestamp_ms", &self.request.timestamp_ms)
            .finish_non_exhaustive()
    }
}

impl Verified<'_> {
    /// The agent, authenticated by its signature over the whole request.
    pub fn agent(&self) -> PeerId {
        self.parts.agent
    }

    /// Decapsulates and decrypts the request and records it in the replay cache.
    ///
    /// Fails with [`OpenError::Malformed`] (a low-order X25519 point), [`OpenError::Tampered`],
    /// [`OpenError::MalformedPayload`], [`OpenError::TooLarge`] (module or input), or, when the
    /// same request was opened meanwhile or the cache has no room for this agent,
    /// [`OpenError::Replayed`], [`OpenError::Stale`] or [`OpenError::ReplayCacheFull`]. Costs
    /// about one ML-KEM-768 decapsulation, one X25519 multiplication and one pass of AES-256-GCM
    /// over the ciphertext.
    pub fn open(self) -> Result<Opened, OpenError> {
        let parts = &self.parts;
        let secrets = self
            .entry
            .pair
            .decapsulate(&parts.ephemeral, &parts.ml_kem_ciphertext)
            .ok_or(OpenError::Malformed {
                field: "x25519_ephemeral",
                reason: "low-order point",
            })?;
        let keys = schedule::derive(&self.transcript_hash, &secrets);
        let plaintext = aead::open(&keys.request, &parts.nonce, &self.aad, parts.ciphertext)
            .ok_or(OpenError::Tampered)?;
        let payload =
            pb::LogicPayload::decode(plaintext.as_slice()).map_err(OpenError::MalformedPayload)?;
        super::parts::check_payload(&payload)?;
        let timestamp_ms = self.request.timestamp_ms;
        self.keyring
            .seen()
            .insert(
                parts.agent,
                parts.request_id,
                timestamp_ms,
                self.keyring.oldest_accepted_ms(self.now_ms),
            )
            .map_err(|refusal| refused(refusal, timestamp_ms))?;
        Ok(Opened {
            payload,
            agent: parts.agent,
            response_key: ResponseKey::new(keys.response.clone(), parts.request_id),
        })
    }
}
