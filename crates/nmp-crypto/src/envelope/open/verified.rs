//! A request whose metadata and agent authentication checked out, not yet opened.

use libp2p_identity::PeerId;
use nmp_wire::pb;
use prost::Message;

use super::{Entry, Keyring, OpenError, Opened, parts::Parts, refused};
use crate::{
    envelope::{ResponseKey, aead, schedule},
    session,
};

/// A request that passed every check before the node's decision: shape and sizes, recipient,
/// time window, and the agent's authentication, which is its signature for an enveloped
/// request (with the KEM key and the replay pre-check), and for a session request the session
/// (known, the agent's, a counter left and unused) and authenticated decryption under the
/// session's key. Nothing about it is recorded yet.
///
/// The node decides on [`Verified::agent`] (its allow-list, rate limits and budgets) and only
/// then calls [`Verified::open`], which finishes opening and records the request against
/// replay. Dropping it instead leaves no trace: a refused agent's requests cost a signature
/// check (or a symmetric decryption) each and are never recorded. Borrows the keyring and the
/// request.
#[must_use = "a verified request is opened (and recorded) only by `open`"]
pub struct Verified<'a> {
    pub(super) keyring: &'a Keyring,
    pub(super) request: &'a pb::LogicRequest,
    pub(super) now_ms: u64,
    pub(super) sealed: Sealed<'a>,
}

/// How the request was sealed, with what each way's opening still needs.
pub(super) enum Sealed<'a> {
    /// Its own key exchange, signed by the agent.
    Envelope {
        parts: Box<Parts<'a>>,
        entry: Entry,
        transcript_hash: [u8; 32],
        aad: Vec<u8>,
    },
    /// Under a session; already decrypted.
    Session(session::node::Checked),
}

impl std::fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified")
            .field("agent", &self.agent())
            .field("request_id", &hex::encode(&self.request.request_id))
            .field("timestamp_ms", &self.request.timestamp_ms)
            .finish_non_exhaustive()
    }
}

impl Verified<'_> {
    /// The agent, authenticated by its signature over the whole request, or by the session
    /// its signature opened.
    pub fn agent(&self) -> PeerId {
        match &self.sealed {
            Sealed::Envelope { parts, .. } => parts.agent,
            Sealed::Session(checked) => checked.agent,
        }
    }

    /// Finishes opening the request and records it against replay.
    ///
    /// Enveloped: decapsulates and decrypts, then records the request id in the replay cache;
    /// fails with [`OpenError::Malformed`] (a low-order X25519 point), [`OpenError::Tampered`],
    /// or, when the same request was opened meanwhile or the cache has no room for this agent,
    /// [`OpenError::Replayed`], [`OpenError::Stale`] or [`OpenError::ReplayCacheFull`]; costs
    /// about one ML-KEM-768 decapsulation, one X25519 multiplication and one pass of
    /// AES-256-GCM over the ciphertext. In a session: records the counter
    /// ([`OpenError::Replayed`] when it was used meanwhile); costs a decoding. Both fail with
    /// [`OpenError::MalformedPayload`] and [`OpenError::TooLarge`] (module or input).
    pub fn open(self) -> Result<Opened, OpenError> {
        match self.sealed {
            Sealed::Envelope {
                parts,
                entry,
                transcript_hash,
                aad,
            } => {
                let secrets = entry
                    .pair
                    .decapsulate(&parts.ephemeral, &parts.ml_kem_ciphertext)
                    .ok_or(OpenError::Malformed {
                        field: "x25519_ephemeral",
                        reason: "low-order point",
                    })?;
                let keys = schedule::derive(&transcript_hash, &secrets);
                let plaintext = aead::open(&keys.request, &parts.nonce, &aad, parts.ciphertext)
                    .ok_or(OpenError::Tampered)?;
                let payload = decode(&plaintext)?;
                let timestamp_ms = self.request.timestamp_ms;
                self.keyring
                    .record(&parts.agent, &parts.request_id, timestamp_ms, self.now_ms)?;
                Ok(Opened {
                    payload,
                    agent: parts.agent,
                    response_key: ResponseKey::new(keys.response.clone(), parts.request_id),
                })
            }
            Sealed::Session(checked) => {
                let payload = decode(&checked.plaintext)?;
                checked.session.record(checked.counter)?;
                Ok(Opened {
                    payload,
                    agent: checked.agent,
                    response_key: ResponseKey::new(checked.response, checked.request_id),
                })
            }
        }
    }
}

/// The plaintext as a `LogicPayload` within the module and input limits.
fn decode(plaintext: &[u8]) -> Result<pb::LogicPayload, OpenError> {
    let payload = pb::LogicPayload::decode(plaintext).map_err(OpenError::MalformedPayload)?;
    super::parts::check_payload(&payload)?;
    Ok(payload)
}

impl Keyring {
    /// Records an opened request (or session offer) id of `agent` in the replay cache.
    pub(crate) fn record(
        &self,
        agent: &PeerId,
        id: &[u8; 16],
        timestamp_ms: u64,
        now_ms: u64,
    ) -> Result<(), OpenError> {
        self.seen()
            .insert(*agent, *id, timestamp_ms, self.oldest_accepted_ms(now_ms))
            .map_err(|refusal| refused(refusal, timestamp_ms))
    }
}
